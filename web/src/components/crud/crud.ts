/**
 * The logic of CrudPage, free of components so that it is unit-tested on its own:
 * the initial query, how filters serialise to the API's parameters, server errors onto fields.
 */
import type { FieldDesc, FilterDesc, ResourceDesc } from '@/api/meta'
import type { FieldError, Query } from '@/api/http'
import { daysAgo, formatDate } from '@/utils/format'

export interface CrudSchema {
  /** the resource name of GET /api/v1/meta/resources/{name} */
  resource: string
  /** columns to show, in order (default: the descriptor's) */
  columns?: string[]
  /** columns never shown */
  hide?: string[]
  /** column headers that differ from the field's label (a size shown human-readable, not in bytes) */
  titles?: Record<string, { zh: string; en: string }>
  /** form fields never shown (e.g. handled by a slot) */
  formExclude?: string[]
  /** query parameters always sent (e.g. a fixed tenant) */
  fixedQuery?: Query
  /** filters to leave out of the search form */
  hideFilters?: string[]
  /** initial filter values */
  defaults?: Record<string, unknown>
  /** the row operations shown (default: all the descriptor allows) */
  rowOps?: { view?: boolean; edit?: boolean; delete?: boolean }
  /** width of the operation column */
  opWidth?: number
  /** the label of the 新增 button and dialog (e.g. 添加 IP) */
  addLabel?: { zh: string; en: string }
  /** row actions the page runs itself (emitted as `action`, like GET ones), e.g. one that shows progress */
  pageActions?: string[]
  /** values a 新增 form starts with (a switch that defaults to on: the descriptor carries no defaults) */
  formDefaults?: Record<string, unknown>
}

export interface ListState {
  filters: Record<string, unknown>
  page: number
  pageSize: number
  sort: string | null
}

export const PAGE_SIZES = [10, 20, 50, 100, 200]

/** The query a page starts with and 重置 returns to. */
export function initialState(desc: Pick<ResourceDesc, 'filters'>, schema: Pick<CrudSchema, 'defaults'> = {}): ListState {
  const filters: Record<string, unknown> = {}
  for (const f of desc.filters) {
    if (f.op === 'range') {
      filters[f.name] = f.defaultDays ? [daysAgo(f.defaultDays), formatDate(new Date())] : null
    } else if (f.op === 'in') {
      filters[f.name] = []
    } else {
      filters[f.name] = null
    }
  }
  Object.assign(filters, schema.defaults || {})
  return { filters, page: 1, pageSize: 10, sort: null }
}

/** The API parameters of a list state: ranges become <name>From / <name>To, empty values are dropped. */
export function toParams(desc: Pick<ResourceDesc, 'filters'>, state: ListState, fixed: Query = {}): Query {
  const params: Query = { page: state.page, pageSize: state.pageSize }
  if (state.sort) params.sort = state.sort
  for (const f of desc.filters) {
    const value = state.filters[f.name]
    if (value === null || value === undefined || value === '') continue
    if (f.op === 'range') {
      const [from, to] = Array.isArray(value) ? value : [null, null]
      if (from) params[f.params[0]] = from
      if (to) params[f.params[1]] = to
    } else if (f.op === 'in') {
      if (Array.isArray(value) && value.length) params[f.name] = value
    } else if (typeof value === 'string') {
      const trimmed = value.trim()
      if (trimmed) params[f.name] = trimmed
    } else {
      params[f.name] = value
    }
  }
  return { ...params, ...fixed }
}

/** The same parameters without paging (export follows the current filters). */
export function exportParams(desc: Pick<ResourceDesc, 'filters'>, state: ListState, fixed: Query = {}): Query {
  const { page: _p, pageSize: _s, ...rest } = toParams(desc, state, fixed)
  return rest
}

/** el-table's sort-change → the API's sort parameter (null = the default, newest first). */
export function sortParam(prop: string | null, order: 'ascending' | 'descending' | null): string | null {
  if (!prop || !order) return null
  return order === 'descending' ? `-${prop}` : prop
}

/** A 422/409's field errors, keyed by form field (nested "params.x" falls back to "params"). */
export function fieldErrors(errors: FieldError[], formFields: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of errors) {
    const key = formFields.includes(e.field) ? e.field : e.field.split('.')[0]
    if (formFields.includes(key) && !out[key]) out[key] = e.message
  }
  return out
}

export function formFields(desc: ResourceDesc, mode: 'create' | 'update', exclude: string[] = []): FieldDesc[] {
  return desc.fields.filter((f) => (mode === 'create' ? f.inCreate : f.inUpdate) && !exclude.includes(f.name))
}

/** The values an edit form starts with: the row's values of the editable fields. */
export function editValues(fields: FieldDesc[], row: Record<string, any>): Record<string, any> {
  const values: Record<string, any> = {}
  for (const f of fields) {
    if (f.widget === 'password') continue
    values[f.name] = row[f.name] ?? (f.type === 'array' ? [] : null)
  }
  return values
}

/** The values a create form starts with. */
export function createValues(fields: FieldDesc[], defaults: Record<string, any> = {}): Record<string, any> {
  const values: Record<string, any> = {}
  for (const f of fields) {
    if ('default' in f) values[f.name] = JSON.parse(JSON.stringify(f.default))
    else if (f.type === 'array') values[f.name] = []
    else if (f.type === 'boolean') values[f.name] = false
    else if (f.type === 'enum' && f.required && f.options?.length) values[f.name] = f.options[0].value
    else values[f.name] = null
  }
  return { ...values, ...defaults }
}

/** Only what the user changed is sent on edit (PATCH semantics); empty strings become null. */
export function changed(initial: Record<string, any>, current: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {}
  for (const [key, value] of Object.entries(current)) {
    const normalised = value === '' ? null : value
    if (JSON.stringify(normalised) !== JSON.stringify(initial[key] ?? null)) out[key] = normalised
  }
  return out
}

export function cleanCreate(values: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {}
  for (const [key, value] of Object.entries(values)) {
    if (value === '' || value === null || value === undefined) continue
    out[key] = value
  }
  return out
}

/** Whether a row action applies to this row (``when``: {status: ['enabled']}). */
export function actionApplies(when: Record<string, unknown[]> | undefined, row: Record<string, unknown>): boolean {
  if (!when) return true
  return Object.entries(when).every(([field, values]) => values.includes(row[field]))
}

export function filterWidget(f: FilterDesc): 'range' | 'select' | 'multiselect' | 'boolean' | 'number' | 'text' {
  if (f.op === 'range') return 'range'
  if (f.type === 'boolean') return 'boolean'
  if (f.op === 'in') return 'multiselect'
  if (f.options || f.dict || f.widget?.endsWith('-select')) return 'select'
  if (f.type === 'integer') return 'number'
  return 'text'
}
