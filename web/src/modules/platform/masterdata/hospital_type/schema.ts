import type { CrudSchema } from '@/components/crud/crud'

/** 医院类型 (manual 1 §6.9.1): 类型名称, 状态. */
export default { resource: 'hospital_type', formDefaults: { status: 'enabled' } } satisfies CrudSchema
