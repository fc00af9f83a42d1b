import type { CrudSchema } from '@/components/crud/crud'

/**
 * 任务记录: every background run (imports, syncs, scheduled runs) with its progress; 取消 is run by
 * the page, the schedule filter comes from 调度设置's 执行记录 link.
 */
export default {
  resource: 'job_run',
  columns: ['id', 'name', 'type', 'status', 'progress', 'message', 'createdAt', 'finishedAt'],
  hideFilters: ['scheduleId'],
  pageActions: ['cancel'],
  opWidth: 170,
} satisfies CrudSchema
