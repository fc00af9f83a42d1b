import { ref, watchEffect, type Ref } from 'vue'
import { dictOf, dictOptions, type Option } from '@/api/meta'

/** The options of a field or filter: its own enum options, or its dictionary's (loaded once). */
export function useOptions(source: () => { options?: Option[]; dict?: string; widget?: string; items?: { options?: Option[] } }): Ref<Option[]> {
  const options = ref<Option[]>([])
  watchEffect(async () => {
    const s = source()
    if (s.options?.length) {
      options.value = s.options
      return
    }
    if (s.items?.options?.length) {
      options.value = s.items.options
      return
    }
    const code = dictOf(s)
    if (!code) {
      options.value = []
      return
    }
    try {
      options.value = await dictOptions(code)
    } catch {
      options.value = []
    }
  })
  return options
}
