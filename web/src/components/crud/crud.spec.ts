import { describe, expect, it } from 'vitest'
import type { FilterDesc } from '@/api/meta'
import {
  actionApplies,
  changed,
  cleanCreate,
  exportParams,
  fieldErrors,
  initialState,
  sortParam,
  toParams,
} from './crud'
import { daysAgo, formatDate } from '@/utils/format'

const f = (name: string, op: FilterDesc['op'], extra: Partial<FilterDesc> = {}): FilterDesc => ({
  name,
  op,
  type: 'string',
  label: { zh: name, en: name },
  params: op === 'range' ? [`${name}From`, `${name}To`] : [name],
  ...extra,
})

const desc = {
  filters: [
    f('name', 'contains'),
    f('status', 'eq', { type: 'enum' }),
    f('kind', 'in', { type: 'enum' }),
    f('createdAt', 'range', { type: 'datetime' }),
  ],
}

describe('the list query', () => {
  it('starts empty on the first page, newest first', () => {
    const s = initialState(desc)
    expect(s).toEqual({ filters: { name: null, status: null, kind: [], createdAt: null }, page: 1, pageSize: 10, sort: null })
    expect(toParams(desc, s)).toEqual({ page: 1, pageSize: 10 })
  })

  it('logs start with the last 7 days, and 重置 returns to exactly that', () => {
    const logs = { filters: [f('createdAt', 'range', { type: 'datetime', defaultDays: 7, widget: 'log-range' })] }
    const s = initialState(logs)
    expect(s.filters.createdAt).toEqual([daysAgo(7), formatDate(new Date())])
    s.filters.createdAt = ['2020-01-01', '2020-02-01']
    s.page = 4
    expect(initialState(logs)).toEqual({ ...s, page: 1, filters: { createdAt: [daysAgo(7), formatDate(new Date())] } })
  })

  it('serialises filters to the API parameters', () => {
    const s = initialState(desc)
    s.filters = { name: '  放射  ', status: 'enabled', kind: ['regional', 'normal'], createdAt: ['2026-11-01', '2026-11-28'] }
    s.page = 2
    s.pageSize = 50
    s.sort = '-name'
    expect(toParams(desc, s, { tenantId: 7 })).toEqual({
      page: 2,
      pageSize: 50,
      sort: '-name',
      name: '放射',
      status: 'enabled',
      kind: ['regional', 'normal'],
      createdAtFrom: '2026-11-01',
      createdAtTo: '2026-11-28',
      tenantId: 7,
    })
    expect(exportParams(desc, s)).not.toHaveProperty('page')
    expect(exportParams(desc, s)).toHaveProperty('createdAtFrom', '2026-11-01')
  })

  it('drops empty values', () => {
    const s = initialState(desc)
    s.filters = { name: '   ', status: '', kind: [], createdAt: [null, null] }
    expect(toParams(desc, s)).toEqual({ page: 1, pageSize: 10 })
  })

  it('maps el-table sorting to the sort parameter', () => {
    expect(sortParam('createdAt', 'descending')).toBe('-createdAt')
    expect(sortParam('name', 'ascending')).toBe('name')
    expect(sortParam('name', null)).toBeNull()
  })
})

describe('forms', () => {
  it('puts a 422 or 409 on the right field', () => {
    const errors = fieldErrors(
      [
        { field: 'username', message: '账号已存在' },
        { field: 'params.retentionDays', message: '不能小于180' },
        { field: 'unknown', message: 'x' },
      ],
      ['username', 'params', 'name'],
    )
    expect(errors).toEqual({ username: '账号已存在', params: '不能小于180' })
  })

  it('sends only what changed on edit, with empty text as null', () => {
    const initial = { name: '放射科', leader: '王', phone: '13300001111', roleIds: [1, 2] }
    const current = { name: '放射科', leader: '李', phone: '', roleIds: [1, 2] }
    expect(changed(initial, current)).toEqual({ leader: '李', phone: null })
  })

  it('leaves empty values out of a create', () => {
    expect(cleanCreate({ name: 'x', code: '', remark: null, sort: 0, ok: false })).toEqual({ name: 'x', sort: 0, ok: false })
  })

  it('shows row actions only where they apply', () => {
    expect(actionApplies({ status: ['enabled'] }, { status: 'enabled' })).toBe(true)
    expect(actionApplies({ status: ['enabled'] }, { status: 'disabled' })).toBe(false)
    expect(actionApplies(undefined, {})).toBe(true)
  })
})
