import type { CrudSchema } from '@/components/crud/crud'

/**
 * 打印任务: the print tasks (newest first) — patient, films, output, printer, state (待打印 / 打印中 /
 * 已完成 / 失败) and its message. Tasks are laid out in 胶片打印 (排版); 打印 shows the job's progress.
 */
export default {
  resource: 'film_task',
  columns: ['tenantName', 'name', 'patientName', 'accessionNumber', 'filmSize', 'numFilms', 'target', 'nodeName', 'status', 'message', 'createdAt'],
  rowOps: { edit: false },
  pageActions: ['print'],
  opWidth: 280,
} satisfies CrudSchema
