import type { CrudSchema } from '@/components/crud/crud'

/**
 * 租户管理 (manual 1 §6.1.1, manual 4 §8.1.1): 机构名称, 所在地区, 医院类型, 医院等级, 机构状态.
 * The columns are the manual's list (the rest is in 查看); the login URL column, 应用管理, 菜单权限
 * and 创建子机构 are the page's own (index.vue).
 */
export default {
  resource: 'tenant',
  columns: ['name', 'kind', 'parentName', 'region', 'hospitalLevel', 'adminUsername', 'loginUrl', 'status'],
  opWidth: 160,
  formDefaults: { kind: 'normal' },
} satisfies CrudSchema
