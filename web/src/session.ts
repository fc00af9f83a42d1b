/**
 * Session guards for every page, installed before the first navigation: the forced-logout popup of
 * manual 3 §四.1.1 (shown whenever the server says SESSION_REPLACED, even right after a reload) and
 * idle auto-logout per the tenant's policy (the server ends idle sessions too).
 */
import { watch } from 'vue'
import type { Router } from 'vue-router'
import { ElMessage, ElMessageBox } from 'element-plus'
import { onUnauthorized } from '@/api/http'
import { i18n } from '@/i18n'
import { useAuth } from '@/stores/auth'
import { resetRoutes } from '@/router'

export function installSessionGuards(router: Router): void {
  const t = i18n.global.t
  let showing = false

  onUnauthorized(async (error) => {
    const auth = useAuth()
    if (showing) return
    const replaced = error.code === 'SESSION_REPLACED'
    if (!replaced && !auth.loggedIn) return
    showing = true
    auth.clear()
    resetRoutes()
    if (replaced) {
      await ElMessageBox.alert(error.message, t('session.replacedTitle'), {
        confirmButtonText: t('session.ok'),
        type: 'warning',
        showClose: false,
        customClass: 'session-replaced',
      }).catch(() => undefined)
    } else {
      ElMessage.warning(error.message || t('session.expired'))
    }
    showing = false
    if (router.currentRoute.value.name !== 'login') router.replace('/login')
  })

  let idleTimer: ReturnType<typeof setTimeout> | undefined
  const arm = () => {
    clearTimeout(idleTimer)
    const minutes = useAuth().me?.policy.autoLogoutMinutes
    if (!minutes) return
    idleTimer = setTimeout(async () => {
      await useAuth().logout()
      resetRoutes()
      router.replace({ path: '/login', query: { reason: 'idle' } })
    }, minutes * 60 * 1000)
  }
  for (const e of ['mousemove', 'keydown', 'click', 'wheel', 'touchstart']) window.addEventListener(e, arm, { passive: true })
  watch(() => useAuth().me, arm)
}
