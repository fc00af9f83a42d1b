import type { CrudSchema } from '@/components/crud/crud'

/** 医院等级 (manual 1 §6.9.2): 等级名称, 状态. */
export default { resource: 'hospital_level', formDefaults: { status: 'enabled' } } satisfies CrudSchema
