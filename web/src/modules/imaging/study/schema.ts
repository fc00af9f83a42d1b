import type { CrudSchema } from '@/components/crud/crud'

/**
 * 检查列表 (manual 3 §2.2.1.1 影像诊断; manual 4 §2.1.2): one row per study, today's 检查日期 by default
 * (index.vue sets it; the user may clear it), newest 检查时间 first. 阅片 opens the viewer in a new
 * tab; 发送 and 分享 are the page's dialogs.
 */
export default {
  resource: 'study',
  columns: [
    'tenantName',
    'patientName',
    'patientSex',
    'patientId',
    'accessionNumber',
    'studyDate',
    'modalities',
    'bodyPart',
    'description',
    'numSeries',
    'numInstances',
    'sizeBytes',
    'receivedAt',
  ],
  titles: { sizeBytes: { zh: '大小', en: 'Size' } },
  opWidth: 190,
} satisfies CrudSchema
