import { ref, type Ref } from 'vue'
import { http } from '@/api/http'
import type { FieldDesc } from '@/api/meta'

/** A job type that 调度设置 can schedule, with the form of its params (GET /jobs/types?schedulable=true). */
export interface JobType {
  name: string
  zh: string
  en: string
  schedulable: boolean
  params: (FieldDesc & { default?: unknown })[]
}

let cache: Promise<JobType[]> | null = null

export function useJobTypes(): { types: Ref<JobType[]>; error: Ref<string> } {
  const types = ref<JobType[]>([])
  const error = ref('')
  cache = cache ?? http.get<JobType[]>('/jobs/types', { schedulable: true })
  cache
    .then((list) => (types.value = list))
    .catch((e) => {
      cache = null
      error.value = e?.message ?? String(e)
    })
  return { types, error }
}

/** The params a new schedule of this type starts with: each field's default. */
export function defaultParams(type: JobType | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of type?.params ?? []) {
    if (f.default !== undefined) out[f.name] = JSON.parse(JSON.stringify(f.default))
  }
  return out
}
