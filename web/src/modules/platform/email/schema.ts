import type { CrudSchema } from '@/components/crud/crud'

/** 邮件模板 (manual 1 §6.8.2): 模板名称, 状态; the HTML body is read in the detail, not the list. */
export const emailTemplate = {
  resource: 'email_template',
  columns: ['tenantName', 'name', 'code', 'subject', 'scene', 'variables', 'status', 'createdAt'],
} satisfies CrudSchema

/** 邮件日志 (manual 1 §6.8.3). */
export const emailLog = { resource: 'email_log', hide: ['id', 'content'], opWidth: 90 } satisfies CrudSchema
