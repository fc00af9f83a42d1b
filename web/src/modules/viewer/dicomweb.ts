/**
 * Reading the archive over DICOMweb: the study (QIDO), its series (QIDO), each series' metadata
 * (WADO-RS) turned into WADO-RS frame image IDs for Cornerstone. The console's session cookie
 * authenticates a logged-in user; a share link sends its token as X-Radix-Share.
 */
import { wadors } from '@cornerstonejs/dicom-image-loader'
import { authHeaders } from './cs'
import { naturalize, seriesOrder, sortInstances, value, type DicomJson } from './logic/dicom'
import { ROOT, fetchJson, metadataPath, seriesQuery, studyQuery, takeEarly } from './early'

export { ROOT }

export class LoadError extends Error {
  status: number
  code: string

  constructor(status: number, body: any) {
    super(body?.message || (status ? `影像读取失败（${status}）` : '无法连接影像服务，请检查网络'))
    this.status = status
    this.code = body?.code || 'HTTP_ERROR'
  }
}

/** GET JSON from the archive (the answer asked early, before the viewer's code came, when there is one). */
export async function getJson<T = any>(path: string): Promise<T> {
  const { status, body } = await (takeEarly(path) ?? fetchJson(path, authHeaders()))
  if (status < 200 || status >= 300) throw new LoadError(status, body)
  return body as T
}

export interface SeriesInfo {
  key: string
  studyUid: string
  seriesUid: string
  modality: string
  number: number | null
  description: string
  count: number
  imageIds: string[]
  /** per image id: the naturalised tags the overlay and the tag browser use */
  meta: Map<string, Record<string, any>>
  raw: Map<string, DicomJson>
  status: 'idle' | 'loading' | 'ready' | 'error'
  loaded: number
  error?: string
  thumbnail: string
}

export interface StudyInfo {
  studyUid: string
  patientName: any
  patientId: string
  studyDate: string
  description: string
  modalities: string[]
  series: SeriesInfo[]
  history?: boolean
}

function withShare(url: string, share: string | null): string {
  return share ? `${url}${url.includes('?') ? '&' : '?'}share=${encodeURIComponent(share)}` : url
}

export async function loadStudy(studyUid: string, share: string | null = null): Promise<StudyInfo> {
  // the study and its series are asked at once (the first image waits on both)
  const [studies, series] = await Promise.all([
    getJson<DicomJson[]>(studyQuery(studyUid)),
    getJson<DicomJson[]>(seriesQuery(studyUid)),
  ])
  if (!studies.length) throw new LoadError(404, { code: 'STUDY_NOT_FOUND', message: '检查不存在或无权查看' })
  const st = studies[0]
  const list: SeriesInfo[] = [...series].sort(seriesOrder).map((s) => {
    const seriesUid = value(s, 'SeriesInstanceUID')
    return {
      key: `${studyUid}/${seriesUid}`,
      studyUid,
      seriesUid,
      modality: value(s, 'Modality') ?? '',
      number: value(s, 'SeriesNumber') ?? null,
      description: value(s, 'SeriesDescription') ?? '',
      count: Number(value(s, 'NumberOfSeriesRelatedInstances') ?? 0),
      imageIds: [],
      meta: new Map(),
      raw: new Map(),
      status: 'idle',
      loaded: 0,
      thumbnail: withShare(`${ROOT}/studies/${studyUid}/series/${seriesUid}/thumbnail`, share),
    }
  })
  return {
    studyUid,
    patientName: value(st, 'PatientName'),
    patientId: value(st, 'PatientID') ?? '',
    studyDate: value(st, 'StudyDate') ?? '',
    description: value(st, 'StudyDescription') ?? '',
    modalities: (st['00080061']?.Value as string[]) ?? [],
    series: list,
  }
}

/** The series' instances as frame image IDs (one per frame), in stack order. */
export async function loadSeriesMetadata(series: SeriesInfo): Promise<void> {
  if (series.imageIds.length) return
  const instances = sortInstances(await getJson<DicomJson[]>(metadataPath(series.studyUid, series.seriesUid)))
  const base = `${location.origin}${ROOT}/studies/${series.studyUid}/series/${series.seriesUid}/instances`
  const ids: string[] = []
  for (const ds of instances) {
    const sop = value(ds, 'SOPInstanceUID')
    const frames = Number(value(ds, 'NumberOfFrames') ?? 1) || 1
    const natural = naturalize(ds)
    for (let f = 1; f <= frames; f++) {
      const imageId = `wadors:${base}/${sop}/frames/${f}`
      wadors.metaDataManager.add(imageId, ds as any)
      series.meta.set(imageId, { ...natural, frame: f, sopUid: sop })
      series.raw.set(imageId, ds)
      ids.push(imageId)
    }
  }
  series.imageIds = ids
  series.count = ids.length
}

/** The patient's other studies (历史影像), newest first. */
export async function patientStudies(patientId: string, except: string[]): Promise<{ studyUid: string; date: string; description: string; modalities: string }[]> {
  if (!patientId) return []
  const rows = await getJson<DicomJson[]>(`${ROOT}/studies?PatientID=${encodeURIComponent(patientId)}&limit=50`)
  return rows
    .map((r) => ({
      studyUid: value(r, 'StudyInstanceUID') as string,
      date: value(r, 'StudyDate') ?? '',
      description: value(r, 'StudyDescription') ?? '',
      modalities: ((r['00080061']?.Value as string[]) ?? []).join('/'),
    }))
    .filter((r) => !except.includes(r.studyUid))
    .sort((a, b) => b.date.localeCompare(a.date))
}

/** The part of an image ID after the DICOMweb root: the same on every host (saved annotations). */
export function portableImageId(imageId: string): string {
  const i = imageId.indexOf(`${ROOT}/`)
  return i >= 0 ? `wadors:${imageId.slice(i)}` : imageId
}

export function localImageId(portable: string): string {
  return portable.startsWith(`wadors:${ROOT}/`) ? `wadors:${location.origin}${portable.slice('wadors:'.length)}` : portable
}
