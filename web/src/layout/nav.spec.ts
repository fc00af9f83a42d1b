import { describe, expect, it } from 'vitest'
import { integratedList, moduleOf, pushRecent } from './nav'
import type { PageEntry } from '@/router'
import type { MenuNode } from '@/stores/auth'

const page = (path: string, name: string, trail: string[] = [], en = ''): PageEntry => ({
  id: path.length,
  key: path,
  path,
  component: 'x',
  name,
  nameEn: en || null,
  icon: null,
  trail: trail.map((t) => ({ name: t, nameEn: null })),
})

describe('integrated navigation', () => {
  const pages = [page('/a', '账号管理', ['配置', '权限管理']), page('/b', '角色管理', ['配置'], 'Roles'), page('/c', '登录日志', ['配置', '日志管理'])]

  it('puts recently used functions first, then keeps menu order', () => {
    expect(integratedList(pages, ['/c'], '').map((p) => p.path)).toEqual(['/c', '/a', '/b'])
  })

  it('searches names, English names and modules', () => {
    expect(integratedList(pages, [], '日志').map((p) => p.path)).toEqual(['/c'])
    expect(integratedList(pages, [], 'role').map((p) => p.path)).toEqual(['/b'])
    expect(integratedList(pages, [], '权限').map((p) => p.path)).toEqual(['/a'])
  })

  it('keeps a short most-recent-first history', () => {
    expect(pushRecent(['/a', '/b'], '/b')).toEqual(['/b', '/a'])
    expect(pushRecent(['/1', '/2', '/3'], '/4', 3)).toEqual(['/4', '/1', '/2'])
  })
})

describe('workstation navigation', () => {
  it('finds the module a page belongs to', () => {
    const node = (id: number, path: string | null, children: MenuNode[] = []): MenuNode => ({
      id, parentId: null, key: String(id), kind: children.length ? 'directory' : 'menu', name: String(id), nameEn: null,
      permission: null, path, component: null, icon: null, sort: 0, appCode: 'platform', visible: true, children,
    })
    const menus = [node(1, '/home'), node(2, null, [node(3, null, [node(4, '/system/account')])])]
    expect(moduleOf(menus, '/system/account')?.id).toBe(2)
    expect(moduleOf(menus, '/home')?.id).toBe(1)
  })
})
