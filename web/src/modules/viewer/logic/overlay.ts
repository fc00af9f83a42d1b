/** The four-corner overlay (四角信息): which fields, and how each reads. */

export function formatWL(width: number, level: number): string {
  return `W: ${Math.round(width)} L: ${Math.round(level)}`
}

export function formatSlice(index: number, total: number): string {
  return total > 0 ? `${index + 1}/${total}` : '0/0'
}

export function formatZoom(zoom: number): string {
  return `${Math.round(zoom * 100)}%`
}

/** DICOM DA → 2026-03-01 */
export function dicomDate(value: string | undefined | null): string {
  if (!value || !/^\d{8}$/.test(value)) return value ?? ''
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`
}

/** DICOM TM → 09:30:12 */
export function dicomTime(value: string | undefined | null): string {
  if (!value) return ''
  const v = value.split('.')[0]
  if (!/^\d{2,6}$/.test(v)) return value
  return [v.slice(0, 2), v.slice(2, 4), v.slice(4, 6)].filter(Boolean).join(':')
}

/** Person name: the ideographic group when there is one (Zhang^San=张^三 → 张三), else "Zhang San". */
export function personName(value: any, lang: 'zh-CN' | 'en' = 'zh-CN'): string {
  if (!value) return ''
  const text = typeof value === 'string' ? value : value.Ideographic && lang === 'zh-CN' ? value.Ideographic : value.Alphabetic ?? value.Ideographic ?? ''
  const groups = String(text).split('=')
  const chosen = lang === 'zh-CN' && groups[1] ? groups[1] : groups[0]
  const parts = chosen.split('^').filter((p) => p.trim())
  return /[\u4e00-\u9fff]/.test(chosen) ? parts.join('') : parts.join(' ')
}

/** 045Y → 45岁 / 45Y */
export function dicomAge(value: string | undefined | null, lang: 'zh-CN' | 'en' = 'zh-CN'): string {
  const m = /^(\d{3})([DWMY])$/.exec(value ?? '')
  if (!m) return value ?? ''
  const n = Number(m[1])
  const zh = { D: '天', W: '周', M: '月', Y: '岁' } as const
  return lang === 'zh-CN' ? `${n}${zh[m[2] as keyof typeof zh]}` : `${n}${m[2]}`
}

export const SEX: Record<string, { zh: string; en: string }> = { M: { zh: '男', en: 'M' }, F: { zh: '女', en: 'F' }, O: { zh: '其他', en: 'O' } }

/** What the overlay knows about the image on screen. */
export interface OverlayContext {
  meta: Record<string, any>
  index: number
  total: number
  width?: number
  level?: number
  zoom?: number
  lang: 'zh-CN' | 'en'
}

export const OVERLAY_LABELS: Record<string, { zh: string; en: string }> = {
  patientName: { zh: '姓名', en: 'Name' },
  patientId: { zh: '患者号', en: 'Patient ID' },
  patientSex: { zh: '性别', en: 'Sex' },
  patientAge: { zh: '年龄', en: 'Age' },
  studyDate: { zh: '检查日期', en: 'Study date' },
  studyTime: { zh: '检查时间', en: 'Study time' },
  accessionNumber: { zh: '检查号', en: 'Accession' },
  modality: { zh: '模态', en: 'Modality' },
  seriesNumber: { zh: '序列号', en: 'Series' },
  seriesDescription: { zh: '序列描述', en: 'Series description' },
  instanceNumber: { zh: '图像号', en: 'Image' },
  slice: { zh: '层', en: 'Slice' },
  sliceLocation: { zh: '层位置', en: 'Location' },
  sliceThickness: { zh: '层厚', en: 'Thickness' },
  wl: { zh: '窗宽窗位', en: 'W/L' },
  zoom: { zh: '缩放', en: 'Zoom' },
  institutionName: { zh: '机构', en: 'Institution' },
  studyDescription: { zh: '检查描述', en: 'Study description' },
  bodyPart: { zh: '部位', en: 'Body part' },
  kvp: { zh: 'kV', en: 'kV' },
  mas: { zh: 'mAs', en: 'mAs' },
  pixelSpacing: { zh: '像素间距', en: 'Pixel spacing' },
  dimensions: { zh: '矩阵', en: 'Matrix' },
  orientation: { zh: '方位', en: 'Orientation' },
}

const num = (v: any, digits = 2) => (v === undefined || v === null || v === '' || Number.isNaN(Number(v)) ? '' : String(Number(Number(v).toFixed(digits))))

/** The text of one overlay field ('' when the image does not have it). */
export function fieldText(field: string, ctx: OverlayContext): string {
  const m = ctx.meta
  switch (field) {
    case 'patientName':
      return personName(m.PatientName, ctx.lang)
    case 'patientId':
      return m.PatientID ?? ''
    case 'patientSex':
      return m.PatientSex ? (SEX[m.PatientSex]?.[ctx.lang === 'en' ? 'en' : 'zh'] ?? m.PatientSex) : ''
    case 'patientAge':
      return dicomAge(m.PatientAge, ctx.lang)
    case 'studyDate':
      return dicomDate(m.StudyDate)
    case 'studyTime':
      return dicomTime(m.StudyTime)
    case 'accessionNumber':
      return m.AccessionNumber ?? ''
    case 'modality':
      return m.Modality ?? ''
    case 'seriesNumber':
      return m.SeriesNumber !== undefined ? `Se: ${m.SeriesNumber}` : ''
    case 'seriesDescription':
      return m.SeriesDescription ?? ''
    case 'instanceNumber':
      return m.InstanceNumber !== undefined ? `Im: ${m.InstanceNumber}` : ''
    case 'slice':
      return formatSlice(ctx.index, ctx.total)
    case 'sliceLocation':
      return m.SliceLocation !== undefined ? `Loc: ${num(m.SliceLocation)} mm` : ''
    case 'sliceThickness':
      return m.SliceThickness !== undefined ? `T: ${num(m.SliceThickness)} mm` : ''
    case 'wl':
      return ctx.width !== undefined && ctx.level !== undefined ? formatWL(ctx.width, ctx.level) : ''
    case 'zoom':
      return ctx.zoom !== undefined ? `Zoom: ${formatZoom(ctx.zoom)}` : ''
    case 'institutionName':
      return m.InstitutionName ?? ''
    case 'studyDescription':
      return m.StudyDescription ?? ''
    case 'bodyPart':
      return m.BodyPartExamined ?? ''
    case 'kvp':
      return m.KVP !== undefined ? `${num(m.KVP, 0)} kV` : ''
    case 'mas':
      return m.Exposure !== undefined ? `${num(m.Exposure, 0)} mAs` : m.XRayTubeCurrent !== undefined ? `${num(m.XRayTubeCurrent, 0)} mA` : ''
    case 'pixelSpacing':
      return Array.isArray(m.PixelSpacing) ? `${num(m.PixelSpacing[0], 3)}×${num(m.PixelSpacing[1], 3)} mm` : ''
    case 'dimensions':
      return m.Rows && m.Columns ? `${m.Columns}×${m.Rows}` : ''
    default:
      return ''
  }
}
