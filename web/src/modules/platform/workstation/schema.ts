import type { CrudSchema } from '@/components/crud/crud'

/** 工作站管理 (manual 1 §6.2.1): 工作站名称, 菜单名称; the menus are chosen in a tree (WorkstationMenus.vue). */
export default { resource: 'workstation', hide: ['id'], formDefaults: { status: 'enabled', sort: 0 } } satisfies CrudSchema
