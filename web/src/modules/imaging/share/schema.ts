import type { CrudSchema } from '@/components/crud/crud'
import { daysAgo, formatDate } from '@/utils/format'

/**
 * 调阅记录 (manual 3 §2.2.3): 分享记录 — the share links of studies (valid 30 min / 60 min /
 * permanently, visits, expiry, state; 撤销 is the page's) — and the access logs of 影像调阅, 报告调阅 and
 * visits through share links, the last month by default.
 */
export const shares = {
  resource: 'share',
  hide: ['id', 'tenantId', 'studyId', 'token'],
  pageActions: ['revoke'],
  opWidth: 150,
} satisfies CrudSchema

export function accessLogs(targetType: 'study' | 'report' | 'share'): CrudSchema {
  return {
    resource: 'access_log',
    hide: ['id', 'targetType'],
    hideFilters: ['targetType'],
    fixedQuery: { targetType },
    defaults: { createdAt: [daysAgo(30), formatDate(new Date())] },
    opWidth: 90,
  }
}
