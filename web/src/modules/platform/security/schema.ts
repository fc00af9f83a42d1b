import type { CrudSchema } from '@/components/crud/crud'

/** IP登录限制的允许列表 (manual 1 §6.3.4.2): 【+添加 IP】 opens the form. */
export default {
  resource: 'ip_rule',
  hide: ['id'],
  addLabel: { zh: '添加 IP', en: 'Add IP' },
  rowOps: { view: false },
  formDefaults: { enabled: true },
  opWidth: 160,
} satisfies CrudSchema
