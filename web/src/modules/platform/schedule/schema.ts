import type { CrudSchema } from '@/components/crud/crud'

/**
 * 调度设置 (manual 1 §6.10): 调度名称, 调度类型; 立即执行 is run by the page (it shows the run's
 * progress), the columns include 上次执行 and 下次执行.
 */
export default {
  resource: 'schedule',
  columns: ['name', 'jobTypeName', 'cron', 'enabled', 'nextRunAt', 'lastRunAt', 'lastStatus'],
  pageActions: ['run'],
  formDefaults: { enabled: true, params: {} },
  opWidth: 200,
} satisfies CrudSchema
