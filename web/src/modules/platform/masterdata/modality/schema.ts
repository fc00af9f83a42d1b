import type { CrudSchema } from '@/components/crud/crud'

/** 模态管理 (manual 1 §6.9.5): 模态名称, 状态. */
export default { resource: 'modality', formDefaults: { status: 'enabled' } } satisfies CrudSchema
