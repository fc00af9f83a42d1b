/** DICOM JSON (PS3.18 F.2) helpers: values by keyword, and the order of a stack. */

export const TAGS: Record<string, string> = {
  PatientName: '00100010', PatientID: '00100020', PatientSex: '00100040', PatientAge: '00101010', PatientBirthDate: '00100030',
  StudyDate: '00080020', StudyTime: '00080030', AccessionNumber: '00080050', StudyDescription: '00081030',
  InstitutionName: '00080080', Modality: '00080060', SeriesNumber: '00200011', SeriesDescription: '0008103E',
  InstanceNumber: '00200013', SliceLocation: '00201041', SliceThickness: '00180050', BodyPartExamined: '00180015',
  KVP: '00180060', Exposure: '00181152', XRayTubeCurrent: '00181151', PixelSpacing: '00280030', Rows: '00280010',
  Columns: '00280011', NumberOfFrames: '00280008', ImagePositionPatient: '00200032', ImageOrientationPatient: '00200037',
  StudyInstanceUID: '0020000D', SeriesInstanceUID: '0020000E', SOPInstanceUID: '00080018', SOPClassUID: '00080016',
  WindowCenter: '00281050', WindowWidth: '00281051', NumberOfStudyRelatedSeries: '00201206',
  NumberOfSeriesRelatedInstances: '00201209', ModalitiesInStudy: '00080061', FrameOfReferenceUID: '00200052',
}

export type DicomJson = Record<string, { vr: string; Value?: any[]; BulkDataURI?: string; InlineBinary?: string }>

export function values(ds: DicomJson | undefined, keyword: string): any[] | undefined {
  const el = ds?.[TAGS[keyword] ?? keyword]
  return el?.Value
}

export function value(ds: DicomJson | undefined, keyword: string): any {
  return values(ds, keyword)?.[0]
}

/** The keywords the overlay uses, as a plain object. */
export function naturalize(ds: DicomJson | undefined): Record<string, any> {
  const out: Record<string, any> = {}
  for (const keyword of Object.keys(TAGS)) {
    const v = values(ds, keyword)
    if (v === undefined) continue
    out[keyword] = ['PixelSpacing', 'ImagePositionPatient', 'ImageOrientationPatient', 'WindowCenter', 'WindowWidth', 'ModalitiesInStudy'].includes(keyword) ? v : v[0]
  }
  return out
}

/**
 * Stack order: along the slice normal when every image has a position and the same orientation
 * (head to feet as acquired), else by instance number.
 */
export function sortInstances<T extends DicomJson>(instances: T[]): T[] {
  const withPos = instances.map((ds) => ({ ds, pos: values(ds, 'ImagePositionPatient'), iop: values(ds, 'ImageOrientationPatient'), n: Number(value(ds, 'InstanceNumber') ?? 0) }))
  const iop = withPos[0]?.iop
  const sameOrientation = iop && withPos.every((x) => x.pos?.length === 3 && x.iop?.length === 6 && x.iop.every((v: number, i: number) => Math.abs(v - iop[i]) < 1e-4))
  if (sameOrientation && iop) {
    const normal = [iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]]
    const dist = (p: number[]) => p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2]
    return withPos.sort((a, b) => dist(b.pos!) - dist(a.pos!) || a.n - b.n).map((x) => x.ds)
  }
  return withPos.sort((a, b) => a.n - b.n).map((x) => x.ds)
}

/** A tag as "(0010,0010)". */
export function tagText(tag: string): string {
  return `(${tag.slice(0, 4)},${tag.slice(4, 8)})`.toUpperCase()
}

/** A DICOM JSON element as text for the tag browser. */
export function elementText(el: { vr: string; Value?: any[]; BulkDataURI?: string; InlineBinary?: string }): string {
  if (el.BulkDataURI) return '<二进制数据>'
  if (el.InlineBinary) return `<二进制数据，${el.InlineBinary.length} 字符>`
  if (!el.Value) return ''
  if (el.vr === 'SQ') return `<序列，${el.Value.length} 项>`
  return el.Value.map((v) => (v && typeof v === 'object' ? personName(v) : String(v))).join('\\')
}

/** The name as DICOM writes it, every group kept (Zhang^San=张^三): the browser shows what the file holds. */
function personName(v: any): string {
  if (!('Alphabetic' in v || 'Ideographic' in v || 'Phonetic' in v)) return JSON.stringify(v)
  return [v.Alphabetic ?? '', v.Ideographic ?? '', v.Phonetic ?? ''].join('=').replace(/=+$/, '')
}

/** Series order in the series panel: by series number (none first). */
export function seriesOrder(a: DicomJson, b: DicomJson): number {
  return Number(value(a, 'SeriesNumber') ?? 0) - Number(value(b, 'SeriesNumber') ?? 0)
}

/** The series a study opens on: the wanted one when the study has it, else the first in panel order. */
export function firstSeries(series: DicomJson[], wanted: string | null): string | null {
  if (wanted && series.some((s) => value(s, 'SeriesInstanceUID') === wanted)) return wanted
  const ordered = [...series].sort(seriesOrder)
  return ordered.length ? (value(ordered[0], 'SeriesInstanceUID') as string) : null
}
