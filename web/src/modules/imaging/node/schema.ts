import type { CrudSchema } from '@/components/crud/crud'

/**
 * DICOM节点: the remote AEs that send to and query the archive (and receive from it) — AE title,
 * host, port, institution, the operations allowed. 连通测试 (C-ECHO) is the page's own (index.vue).
 */
export default {
  resource: 'dicom_node',
  columns: ['tenantName', 'name', 'aeTitle', 'host', 'port', 'lastEchoOk', 'lastEchoAt', 'status', 'allowStore', 'allowFind', 'allowMove', 'allowGet'],
  pageActions: ['echo'],
  opWidth: 220,
} satisfies CrudSchema
