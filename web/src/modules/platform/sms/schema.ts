import type { CrudSchema } from '@/components/crud/crud'

/** 短信模板 (manual 1 §6.7.2): 模板名称, 模板code, 状态. */
export const smsTemplate = { resource: 'sms_template', hide: ['id'] } satisfies CrudSchema

/** 短信日志 (manual 1 §6.7.3): 模板名称, 选择时间 (7 days by default), 发送状态. */
export const smsLog = { resource: 'sms_log', hide: ['id'], opWidth: 90 } satisfies CrudSchema
