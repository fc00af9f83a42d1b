import type { CrudSchema } from '@/components/crud/crud'

/**
 * 影像数据 (manual 4 §2.1.2): one row per image, the last week of 上传时间 by default, newest first.
 * 详情 (basic information, DICOM tags, 影像事件) and 阅片 are the page's own (index.vue).
 */
export default {
  resource: 'instance',
  columns: [
    'tenantName',
    'patientName',
    'patientId',
    'accessionNumber',
    'sopUid',
    'modality',
    'instanceNumber',
    'sizeBytes',
    'source',
    'callingAe',
    'receivedAt',
  ],
  titles: { sizeBytes: { zh: '大小', en: 'Size' } },
  rowOps: { view: false },
  opWidth: 170,
} satisfies CrudSchema
