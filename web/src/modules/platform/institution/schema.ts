import type { CrudSchema } from '@/components/crud/crud'

/** 子机构 (院区) list under 机构信息 (manual 1 §6.3.1): the institutions one may see, with their tenant. */
/** 上级机构 filters by a bare id (the descriptor gives it no select), so it is left out. */
export default {
  resource: 'institution',
  hide: ['id'],
  hideFilters: ['parentId'],
  formDefaults: { status: 'enabled', sort: 0 },
} satisfies CrudSchema
