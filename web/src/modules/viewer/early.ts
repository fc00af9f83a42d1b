/**
 * The viewer's first requests, sent before its code arrives. Opening /viewer?studyUIDs=… directly, the
 * console's entry (main.ts) calls `startViewerEarly()` at once: the study and series queries and the first
 * series' metadata go out while the viewer chunk (Cornerstone3D, vtk.js) downloads and evaluates, and the
 * viewer's `getJson` takes these answers instead of asking again. No Cornerstone import here: main.ts loads
 * this module with the console.
 */
import { firstSeries, type DicomJson } from './logic/dicom'

export const ROOT = '/dicom-web'

export interface JsonAnswer {
  status: number
  body: any
}

const early = new Map<string, Promise<JsonAnswer>>()

/** GET a DICOMweb or API path as JSON; a failed request is an answer with status 0 (never rejects). */
export function fetchJson(path: string, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  return fetch(path, { headers: { Accept: 'application/dicom+json, application/json', ...headers }, credentials: 'same-origin' })
    .then(async (response) => ({
      status: response.status,
      body: response.status === 204 ? [] : await response.json().catch(() => ({})),
    }))
    .catch(() => ({ status: 0, body: {} }))
}

/** The early answer for `path`, once (a later request for the same path asks the server again). */
export function takeEarly(path: string): Promise<JsonAnswer> | undefined {
  const answer = early.get(path)
  early.delete(path)
  return answer
}

function ask(path: string): Promise<JsonAnswer> {
  const answer = fetchJson(path)
  early.set(path, answer)
  return answer
}

export const studyQuery = (uid: string) => `${ROOT}/studies?StudyInstanceUID=${encodeURIComponent(uid)}&includefield=all`
export const seriesQuery = (uid: string) => `${ROOT}/studies/${uid}/series?includefield=all`
export const metadataPath = (studyUid: string, seriesUid: string) => `${ROOT}/studies/${studyUid}/series/${seriesUid}/metadata`

/** The study UIDs of a viewer URL's query (`studyUIDs`, also spelled `studyUIDS` or `studyUid`). */
export function studyUidsOf(query: URLSearchParams): string[] {
  const raw = query.getAll('studyUIDs').concat(query.getAll('studyUIDS'), query.getAll('studyUid'))
  return raw.join(',').split(',').map((s) => s.trim()).filter(Boolean)
}

/** Ask for what the viewer at `url` will ask first (a logged-in user's /viewer; share links wait for their token). */
export function startViewerEarly(url: URL = new URL(window.location.href)): void {
  if (url.pathname !== '/viewer') return
  const uids = studyUidsOf(url.searchParams)
  if (!uids.length) return
  for (const uid of uids) ask(studyQuery(uid))
  const uid = uids[0]
  ask(seriesQuery(uid)).then((answer) => {
    if (answer.status !== 200 || !Array.isArray(answer.body)) return
    const first = firstSeries(answer.body as DicomJson[], url.searchParams.get('seriesUID'))
    if (first) ask(metadataPath(uid, first))
  })
}
