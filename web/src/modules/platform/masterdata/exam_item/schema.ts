import type { CrudSchema } from '@/components/crud/crud'

/** 检查项目 (manual 1 §6.9.6): 项目名称, 项目编码, 部位, 模态, 是否启用. */
export default { resource: 'exam_item', formDefaults: { enabled: true } } satisfies CrudSchema
