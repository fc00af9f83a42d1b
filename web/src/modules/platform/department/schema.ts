import type { CrudSchema } from '@/components/crud/crud'

/** 科室管理 (manual 1 §6.3.2): 科室名称 contains, 科室编号. */
export default { resource: 'department', hide: ['id'] } satisfies CrudSchema
