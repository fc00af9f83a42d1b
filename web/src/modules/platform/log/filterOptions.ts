import { ref, type Ref } from 'vue'
import { describe, type Option } from '@/api/meta'

/** The labels of a column whose options live on the filter of the same name (操作类型, 访问类型). */
export function useFilterOptions(resource: string, name: string): Ref<Option[]> {
  const options = ref<Option[]>([])
  describe(resource)
    .then((desc) => (options.value = desc.filters.find((f) => f.name === name)?.options ?? []))
    .catch(() => undefined)
  return options
}
