/** The server side of the series tools (``/api/v1/viewer/…``, radix.viewer.series_router). */
import { ApiError, http, saveBlob, url } from '@/api/http'

export interface NewSeries {
  studyUid: string
  seriesUid: string
  seriesNumber: number
  description: string
  modality: string | null
  count: number
}

export interface Registration {
  id?: number | null
  studyUid: string
  fixedSeriesUid: string
  movingSeriesUid: string
  matrix: number[]
  method: 'auto' | 'manual'
  metric?: string | null
  score?: number | null
  params?: number[] | null
  evaluations?: number | null
  updatedAt?: string | null
}

export interface SeriesPair {
  studyUid: string
  fixedSeriesUid: string
  movingSeriesUid: string
  movingStudyUid?: string | null
}

export interface StitchImageParams {
  seriesUid: string
  sopUid: string
  frame: number
  rotate: number
  scale: number
  dx: number
  dy: number
}

export interface StitchParams {
  studyUid: string
  images: StitchImageParams[]
  direction: 'vertical' | 'horizontal'
  overlap: number
  blend: 'linear' | 'none'
  description?: string | null
  windowCenter?: number | null
  windowWidth?: number | null
}

export const splitSeries = (studyUid: string, seriesUid: string, splitAt: number) =>
  http.post<{ items: NewSeries[] }>(`/viewer/studies/${studyUid}/series/${seriesUid}/split`, { splitAt })

export const newSeries = (studyUid: string, sopUids: string[], description?: string | null) =>
  http.post<NewSeries>(`/viewer/studies/${studyUid}/series`, { sopUids, description: description || null })

export const autoRegister = (pair: SeriesPair, metric: 'ncc' | 'mi', initial?: number[] | null) =>
  http.post<Registration>('/viewer/registrations/auto', { ...pair, metric, initial: initial ?? null })

export const saveRegistration = (pair: SeriesPair, matrix: number[], method: 'auto' | 'manual', metric?: string | null, score?: number | null) =>
  http.put<Registration>('/viewer/registrations', { ...pair, matrix, method, metric: metric ?? null, score: score ?? null })

export const lastRegistrations = (query: { studyUid?: string; fixedSeriesUid?: string; movingSeriesUid?: string }) =>
  http.get<{ items: Registration[]; total: number }>('/viewer/registrations', query)

export const clearRegistration = (fixedSeriesUid: string, movingSeriesUid: string) =>
  http.delete<{ deleted: number }>(`/viewer/registrations?fixedSeriesUid=${encodeURIComponent(fixedSeriesUid)}&movingSeriesUid=${encodeURIComponent(movingSeriesUid)}`)

export const stitchToArchive = (params: StitchParams) =>
  http.post<{ studyUid: string; seriesUid: string; sopUid: string; seriesNumber: number; rows: number; columns: number }>('/viewer/stitch', params)

/** The stitched image as a PNG file (saved by the browser). */
export async function stitchToPng(params: StitchParams, name = 'stitched.png'): Promise<Blob> {
  const response = await fetch(url('/viewer/stitch/png'), {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'image/png, application/json' }, body: JSON.stringify(params),
  })
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})))
  const blob = await response.blob()
  saveBlob(blob, name, 'stitch-png-link')
  return blob
}

/** A Chinese message for a failed call (field messages first). */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.fields?.map((f) => f.message).join('；') || e.message
  return e instanceof Error ? e.message : String(e)
}
