import type { CrudSchema } from '@/components/crud/crud'

/** 人员类型 (manual 1 §6.9.3): 类型名称, 状态. */
export default { resource: 'person_type', formDefaults: { status: 'enabled' } } satisfies CrudSchema
