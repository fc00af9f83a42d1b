import type { Directive } from 'vue'
import { useAuth } from '@/stores/auth'

/** v-hasPermi="'platform:account:add'" or "['a', 'b']" (any of): removes the element without the permission. */
export const hasPermi: Directive<HTMLElement, string | string[]> = {
  mounted(el, binding) {
    if (!binding.value) return
    if (!useAuth().has(binding.value)) el.parentNode?.removeChild(el)
  },
}
