import type { CrudSchema } from '@/components/crud/crud'

/**
 * 账号管理 (manual 1 §6.1.2, manual 4 §8.1.2): 机构名称 (a select), 姓名/账号, 角色权限, 状态.
 * The keyword 机构名称 filter repeats the select, so only the select is shown.
 */
export default {
  resource: 'account',
  hide: ['id'],
  hideFilters: ['tenantName'],
  formDefaults: { status: 'enabled', gender: 'unknown' },
} satisfies CrudSchema
