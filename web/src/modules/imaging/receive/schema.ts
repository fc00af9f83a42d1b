import type { CrudSchema } from '@/components/crud/crud'

/**
 * 接收队列 (manual 4 §4.1.1): the image events — every step of every instance's way in (已接收,
 * 已存储, 已入库, 已转发, 失败) with its node and message — the last week by default, newest first.
 */
export default {
  resource: 'image_event',
  columns: ['tenantName', 'at', 'kind', 'node', 'sopUid', 'studyUid', 'message'],
  rowOps: { view: false },
  opWidth: 110,
} satisfies CrudSchema
