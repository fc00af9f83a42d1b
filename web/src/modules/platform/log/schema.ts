import type { CrudSchema } from '@/components/crud/crud'

/** 登录日志 / 操作日志 / 访问日志 (manual 1 §6.5): read-only lists, the last 7 days by default. */
export const loginLog = { resource: 'login_log', hide: ['id'], opWidth: 90 } satisfies CrudSchema

export const operationLog = {
  resource: 'operation_log',
  hide: ['id', 'targetId', 'errorMessage'],
  opWidth: 90,
} satisfies CrudSchema

export const accessLog = { resource: 'access_log', hide: ['id'], opWidth: 90 } satisfies CrudSchema
