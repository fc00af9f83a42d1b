import type { CrudSchema } from '@/components/crud/crud'

/** 部位管理 (manual 1 §6.9.4): 部位名称, 模态, 状态. */
export default { resource: 'body_part', formDefaults: { status: 'enabled' } } satisfies CrudSchema
