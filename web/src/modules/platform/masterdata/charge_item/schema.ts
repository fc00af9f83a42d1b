import type { CrudSchema } from '@/components/crud/crud'

/** 收费项目 (manual 1 §6.9.7): 收费项目名称, 收费项目类型, 模态, 收费代码, 是否启用. */
export default { resource: 'charge_item', formDefaults: { enabled: true } } satisfies CrudSchema
