import type { CrudSchema } from '@/components/crud/crud'

/**
 * 上传列表 (manual 4 §4.1.5.2): the ZIP uploads of the tenant, newest first, with their status
 * (请求已接收 / 归档中 / 影像已归档 / 影像归档失败 / 已取消) and counts. 取消 is run by the page.
 */
export default {
  resource: 'upload',
  titles: { sizeBytes: { zh: '文件大小', en: 'Size' } },
  pageActions: ['cancel'],
  opWidth: 130,
} satisfies CrudSchema
