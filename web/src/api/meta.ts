import { http } from './http'

export interface Label {
  zh: string
  en: string
}

export interface Option {
  value: any
  label: string
  labelEn?: string
  [key: string]: any
}

export interface FieldDesc {
  name: string
  label: Label
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'enum' | 'array' | 'object'
  required: boolean
  inColumns: boolean
  inCreate: boolean
  inUpdate: boolean
  column?: boolean
  options?: Option[]
  items?: { type: string; options?: Option[] }
  dict?: string
  widget?: string
  masked?: string
  help?: string
  maxLength?: number
  minLength?: number
  min?: number
  max?: number
  pattern?: string
  sortable?: boolean
  /** the value a create form starts with */
  default?: any
}

export interface FilterDesc {
  name: string
  op: 'eq' | 'contains' | 'in' | 'range' | 'search' | 'custom'
  type: string
  label: Label
  params: string[]
  dict?: string
  widget?: string
  options?: Option[]
  defaultDays?: number
}

export interface ActionDesc {
  name: string
  label: Label
  permission: string
  method: string
  path: string
  row: boolean
  confirm?: string
  fields?: FieldDesc[]
  when?: Record<string, any[]>
}

export interface ResourceDesc {
  name: string
  label: Label
  path: string
  permission: string
  module: string
  primaryKey: string
  fields: FieldDesc[]
  columns: string[]
  filters: FilterDesc[]
  sortable: string[]
  defaultSort: string
  actions: ActionDesc[]
  capabilities: { create: boolean; update: boolean; delete: boolean; batchDelete: boolean; export: boolean; import: boolean }
  permissions: string[]
}

export interface SettingsDesc {
  name: string
  label: Label
  path: string
  permission: string
  fields: FieldDesc[]
}

const resources = new Map<string, Promise<ResourceDesc>>()
const dicts = new Map<string, Promise<Option[]>>()

export function describe(name: string): Promise<ResourceDesc> {
  if (!resources.has(name)) {
    const p = http.get<ResourceDesc>(`/meta/resources/${name}`)
    p.catch(() => resources.delete(name))
    resources.set(name, p)
  }
  return resources.get(name)!
}

export function describeSettings(name: string): Promise<SettingsDesc> {
  return http.get<SettingsDesc>(`/meta/settings/${name}`)
}

/** Options of a dictionary (master data, tenants, roles…); cached until `forgetDicts()`. */
export function dictOptions(code: string): Promise<Option[]> {
  if (!dicts.has(code)) {
    const p = http.get<Option[]>(`/meta/dicts/${code}`)
    p.catch(() => dicts.delete(code))
    dicts.set(code, p)
  }
  return dicts.get(code)!
}

export function forgetDicts(): void {
  dicts.clear()
}

export function forgetDescriptors(): void {
  resources.clear()
}

/** A widget hint names the dictionary it selects from. */
export const WIDGET_DICTS: Record<string, string> = {
  'tenant-select': 'tenant',
  'role-select': 'role',
  'department-select': 'department',
  'institution-select': 'institution',
}

export function dictOf(field: { dict?: string; widget?: string }): string | undefined {
  return field.dict || (field.widget ? WIDGET_DICTS[field.widget] : undefined)
}
