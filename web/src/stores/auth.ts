import { defineStore } from 'pinia'
import { http } from '@/api/http'

export interface MenuNode {
  id: number
  parentId: number | null
  key: string | null
  kind: 'directory' | 'menu' | 'button'
  name: string
  nameEn: string | null
  permission: string | null
  path: string | null
  component: string | null
  icon: string | null
  sort: number
  appCode: string
  visible: boolean
  children: MenuNode[]
}

export interface Me {
  user: {
    id: number
    username: string
    name: string
    isAdmin: boolean
    roles: { id: number; name: string; key: string | null }[]
    mustChangePassword: boolean
    preferences: Record<string, any>
    lastLoginAt: string | null
    lastLoginIp: string | null
  }
  tenant: { id: number; code: string; name: string; shortName: string; kind: string; kindLabel: string; loginUrl: string }
  permissions: string[]
  menus: MenuNode[]
  apps: any[]
  policy: { autoLogoutMinutes: number | null; singleSession: boolean }
}

export const useAuth = defineStore('auth', {
  state: () => ({ me: null as Me | null, loaded: false }),
  getters: {
    permissions: (s) => new Set(s.me?.permissions ?? []),
    loggedIn: (s) => s.me !== null,
  },
  actions: {
    has(permission: string | string[]): boolean {
      const wanted = Array.isArray(permission) ? permission : [permission]
      return wanted.some((p) => this.permissions.has(p))
    },
    async fetchMe(): Promise<Me | null> {
      try {
        this.me = await http.get<Me>('/auth/me')
      } catch {
        this.me = null
      }
      this.loaded = true
      return this.me
    },
    async login(form: { tenant: string; username: string; password: string; agreeTerms: boolean }): Promise<Me> {
      const { request } = await import('@/api/http')
      const result = await request<{ me: Me }>('POST', '/auth/login', { body: form, silent401: true })
      this.me = result.me
      this.loaded = true
      return result.me
    },
    async logout(): Promise<void> {
      try {
        await http.post('/auth/logout')
      } catch {
        /* the session may already be gone */
      }
      this.clear()
    },
    clear(): void {
      this.me = null
    },
    async savePreferences(values: Record<string, any>): Promise<void> {
      if (!this.me) return
      this.me.user.preferences = { ...this.me.user.preferences, ...values }
      try {
        this.me.user.preferences = await http.patch('/auth/preferences', values)
      } catch {
        /* kept locally; the next save retries */
      }
    },
  },
})
