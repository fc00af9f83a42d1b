import type { CrudSchema } from '@/components/crud/crud'

/**
 * 患者列表 (manual 3 §2.3.1): patients with their number of studies. Identity merges (合并 / 撤销合并)
 * and the merge history in 查看 are the page's own (index.vue); the backend may also declare them as
 * row actions, which the page then runs itself.
 */
export default {
  resource: 'patient',
  columns: ['tenantName', 'name', 'patientId', 'sex', 'birthDate', 'idNumber', 'visitNumber', 'numStudies', 'createdAt'],
  pageActions: ['merge', 'unmerge'],
  opWidth: 150,
} satisfies CrudSchema
