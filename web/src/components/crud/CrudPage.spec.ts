import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { i18n } from '@/i18n'
import { useAuth } from '@/stores/auth'
import { forgetDescriptors } from '@/api/meta'
import CrudPage from './CrudPage.vue'

const descriptor = {
  name: 'department',
  label: { zh: '科室', en: 'Department' },
  path: '/api/v1/platform/departments',
  permission: 'platform:department',
  module: 'platform',
  primaryKey: 'id',
  fields: [
    { name: 'id', label: { zh: '编号', en: 'ID' }, type: 'integer', required: false, inColumns: true, inCreate: false, inUpdate: false },
    { name: 'code', label: { zh: '科室编号', en: 'Code' }, type: 'string', required: true, inColumns: true, inCreate: true, inUpdate: false },
    { name: 'name', label: { zh: '科室名称', en: 'Name' }, type: 'string', required: true, inColumns: true, inCreate: true, inUpdate: true },
  ],
  columns: ['code', 'name'],
  filters: [{ name: 'name', op: 'contains', type: 'string', label: { zh: '科室名称', en: 'Name' }, params: ['name'] }],
  sortable: ['createdAt', 'name'],
  defaultSort: '-createdAt',
  actions: [],
  capabilities: { create: true, update: true, delete: true, batchDelete: true, export: true, import: false },
  permissions: [],
}

let requests: { method: string; url: string; body?: any }[] = []

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

beforeEach(() => {
  requests = []
  forgetDescriptors()
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method || 'GET'
      requests.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined })
      if (url.startsWith('/api/v1/meta/resources/department')) return json(descriptor)
      if (method === 'GET' && url.startsWith('/api/v1/platform/departments')) {
        return json({ items: [{ id: 1, code: 'RAD', name: '放射科' }], total: 1, page: 1, pageSize: 10 })
      }
      if (method === 'POST') {
        return json({ code: 'DUPLICATE', message: '科室编号已存在', fields: [{ field: 'code', message: '科室编号已存在' }] }, 409)
      }
      return json({}, 404)
    }),
  )
})

afterEach(() => vi.unstubAllGlobals())

async function mountPage(permissions?: string[]) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const auth = useAuth()
  auth.me = {
    permissions: permissions ?? ['platform:department:list', 'platform:department:query', 'platform:department:add', 'platform:department:edit', 'platform:department:remove', 'platform:department:export'],
    tenant: { kind: 'regional' },
    user: {},
  } as any
  const wrapper = mount(CrudPage, {
    props: { schema: { resource: 'department' } },
    global: { plugins: [pinia, i18n, ElementPlus], stubs: { teleport: true, ElPagination: true, ElDropdown: true, ElDropdownMenu: true, ElDropdownItem: true, ElTooltip: true } },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

const lists = () => requests.filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/platform/departments'))

describe('CrudPage', () => {
  it('shows a toolbar button only with its permission (v-hasPermi)', async () => {
    const w = await mountPage(['platform:department:list', 'platform:department:export'])
    expect(w.find('[data-testid="crud-add"]').exists()).toBe(false)
    expect(w.find('[data-testid="crud-export"]').exists()).toBe(true)
    w.unmount()
  })

  it('loads the first page newest first and renders the rows', async () => {
    const w = await mountPage()
    expect(lists()[0].url).toBe('/api/v1/platform/departments?page=1&pageSize=10')
    expect(w.find('[data-testid="crud-table"]').text()).toContain('放射科')
  })

  it('sends the filters on 查询 and returns to the initial query on 重置', async () => {
    const w = await mountPage()
    await w.find('input[data-testid="filter-name"]').setValue('放射')
    await w.find('[data-testid="crud-query"]').trigger('click')
    await flushPromises()
    expect(lists().at(-1)!.url).toBe('/api/v1/platform/departments?page=1&pageSize=10&name=%E6%94%BE%E5%B0%84')
    await w.find('[data-testid="crud-reset"]').trigger('click')
    await flushPromises()
    expect(lists().at(-1)!.url).toBe('/api/v1/platform/departments?page=1&pageSize=10')
    expect((w.find('input[data-testid="filter-name"]').element as HTMLInputElement).value).toBe('')
  })

  it('shows a server error on its field', async () => {
    const w = await mountPage()
    await w.find('[data-testid="crud-add"]').trigger('click')
    await flushPromises()
    const dialog = document.body
    const inputs = dialog.querySelectorAll<HTMLInputElement>('[data-testid="field-code"] input, [data-testid="field-name"] input')
    inputs[0].value = 'RAD'
    inputs[0].dispatchEvent(new Event('input'))
    inputs[1].value = '重复科室'
    inputs[1].dispatchEvent(new Event('input'))
    await flushPromises()
    ;(dialog.querySelector('[data-testid="crud-dialog-submit"]') as HTMLElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    await flushPromises()
    const post = requests.find((r) => r.method === 'POST')!
    if (!post) throw new Error(JSON.stringify(requests) + document.body.innerHTML.slice(0, 3000))
    expect(post.body).toEqual({ code: 'RAD', name: '重复科室' })
    await new Promise((r) => setTimeout(r, 300))
    await flushPromises()
    const codeItem = dialog.querySelector('[data-testid="field-code"]')!
    expect(codeItem.outerHTML).toContain('科室编号已存在')
    w.unmount()
  })
})
