import type { CrudSchema } from '@/components/crud/crud'

/**
 * 角色管理 (manual 4 §8.1.3): 机构名称, 角色名称, 状态; the list shows 账号数量. The permission tree
 * (checked + halfChecked) is one field of the form, drawn by RolePermissions.vue.
 */
export default {
  resource: 'role',
  hide: ['id'],
  formExclude: ['halfChecked'],
  formDefaults: { status: 'enabled', sort: 0 },
} satisfies CrudSchema
