/** Navigation helpers shared by both modes (and unit-tested). */
import type { MenuNode } from '@/stores/auth'
import type { PageEntry } from '@/router'

/** The top-level module (directory or top menu) a page belongs to. */
export function moduleOf(menus: MenuNode[], path: string): MenuNode | undefined {
  const contains = (node: MenuNode): boolean => node.path === path || node.children.some(contains)
  return menus.find(contains)
}

/** The pages, most recently used first, then in menu order; filtered by a search text (name, English name, module). */
export function integratedList(pages: PageEntry[], recent: string[], search: string): PageEntry[] {
  const text = search.trim().toLowerCase()
  const matches = (p: PageEntry) =>
    !text ||
    p.name.toLowerCase().includes(text) ||
    (p.nameEn ?? '').toLowerCase().includes(text) ||
    p.trail.some((t) => t.name.toLowerCase().includes(text))
  const rank = (p: PageEntry) => {
    const i = recent.indexOf(p.path)
    return i === -1 ? Number.MAX_SAFE_INTEGER : i
  }
  return pages.filter(matches).sort((a, b) => rank(a) - rank(b))
}

export function pushRecent(recent: string[], path: string, max = 12): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, max)
}
