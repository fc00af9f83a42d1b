/**
 * Routes come from the menu tree of GET /api/v1/auth/me: every menu node with a path and a component
 * becomes a page under the layout. A component is `src/modules/<component>.vue`; a menu whose page is
 * not built yet opens the 建设中 page.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import type { Component } from 'vue'
import { useAuth, type MenuNode } from '@/stores/auth'

const pages = import.meta.glob('../modules/**/*.vue')

export function resolvePage(component: string | null): () => Promise<Component> {
  const loader = component ? pages[`../modules/${component}.vue`] : undefined
  return (loader as () => Promise<Component>) ?? (() => import('@/views/error/Building.vue'))
}

export interface PageEntry {
  id: number
  key: string | null
  path: string
  component: string | null
  name: string
  nameEn: string | null
  icon: string | null
  /** names of the ancestors, top first (模块 → 功能域) */
  trail: { name: string; nameEn: string | null }[]
}

/** Every openable page of a menu tree, in menu order. */
export function flattenPages(menus: MenuNode[], trail: PageEntry['trail'] = []): PageEntry[] {
  const out: PageEntry[] = []
  for (const m of menus) {
    if (m.kind === 'menu' && m.path && m.component) {
      out.push({ id: m.id, key: m.key, path: m.path, component: m.component, name: m.name, nameEn: m.nameEn, icon: m.icon, trail })
    }
    if (m.children?.length) out.push(...flattenPages(m.children, [...trail, { name: m.name, nameEn: m.nameEn }]))
  }
  return out
}

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('@/views/login/index.vue'), meta: { public: true } },
    // the diagnostic viewer (opened from every study list), a chunk of its own (Cornerstone3D)
    { path: '/viewer', name: 'viewer', component: () => import('@/modules/viewer/ViewerPage.vue') },
    // a share link opens the shared study in the viewer without login
    { path: '/share/:token', name: 'share', component: () => import('@/modules/viewer/SharePage.vue'), meta: { public: true } },
    { path: '/', name: 'layout', component: () => import('@/layout/Layout.vue'), redirect: '/home', children: [] },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/error/NotFound.vue'), meta: { public: true } },
  ],
})

let added = false

export function resetRoutes(): void {
  for (const name of addedNames) if (router.hasRoute(name)) router.removeRoute(name)
  addedNames.length = 0
  added = false
}

const addedNames: string[] = []

function addRoutes(menus: MenuNode[]): void {
  for (const page of flattenPages(menus)) {
    const name = `page-${page.id}`
    const route: RouteRecordRaw = {
      path: page.path,
      name,
      component: resolvePage(page.component),
      meta: { title: page.name, titleEn: page.nameEn, key: page.key, trail: page.trail, menuId: page.id },
    }
    router.addRoute('layout', route)
    addedNames.push(name)
  }
  added = true
}

router.beforeEach(async (to) => {
  const auth = useAuth()
  if (!auth.loaded) await auth.fetchMe()
  if (auth.loggedIn && !added) {
    // the menu's pages exist only once the user is known: add them, then resolve again
    addRoutes(auth.me!.menus)
    return to.fullPath
  }
  if (to.name === 'not-found' && !auth.loggedIn) {
    // an unknown page before login is most likely a menu page: log in first, then come back
    return { path: '/login', query: { redirect: to.fullPath } }
  }
  if (to.meta.public) {
    if (to.name === 'login' && auth.loggedIn && !to.query.tid) return { path: '/' }
    return true
  }
  if (!auth.loggedIn) return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  return true
})

export default router
