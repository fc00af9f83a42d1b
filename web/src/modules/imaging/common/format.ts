/** How the archive pages show DICOM values: sizes, person names, DA/TM, modalities, the viewer link. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB']

/** 1536 → "1.5 KB" (binary units, as storage is counted). */
export function formatBytes(bytes: number | null | undefined, digits = 1): string {
  if (bytes === null || bytes === undefined || Number.isNaN(Number(bytes))) return ''
  let value = Number(bytes)
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${unit === 0 ? value : value.toFixed(digits)} ${UNITS[unit]}`
}

/**
 * A DICOM PN for people: "Wang^XiaoDong=王^小东" is 王小东 in Chinese and "Wang XiaoDong" in English;
 * the ideographic group is preferred in Chinese, the alphabetic one otherwise.
 */
export function personName(pn: string | null | undefined, lang: string = 'zh-CN'): string {
  if (!pn) return ''
  const [alphabetic = '', ideographic = '', phonetic = ''] = String(pn).split('=')
  const join = (group: string, sep: string) =>
    group
      .split('^')
      .map((x) => x.trim())
      .filter(Boolean)
      .join(sep)
  const alpha = join(alphabetic, ' ')
  const ideo = join(ideographic, '')
  if (lang !== 'en') return ideo || alpha || join(phonetic, ' ')
  return alpha || ideo || join(phonetic, ' ')
}

/** DA "20240131" → "2024-01-31" (other shapes are shown as they are). */
export function dicomDate(da: string | null | undefined): string {
  if (!da) return ''
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(String(da).trim())
  return m ? `${m[1]}-${m[2]}-${m[3]}` : String(da)
}

/** TM "093015.123" → "09:30:15". */
export function dicomTime(tm: string | null | undefined): string {
  if (!tm) return ''
  const m = /^(\d{2})(\d{2})?(\d{2})?/.exec(String(tm).trim())
  if (!m) return String(tm)
  return [m[1], m[2] ?? '00', m[3] ?? '00'].join(':')
}

/** ModalitiesInStudy as stored ("\\CT\\SR\\") or a plain list → ["CT", "SR"]. */
export function modalityList(value: string | string[] | null | undefined): string[] {
  if (!value) return []
  const items = Array.isArray(value) ? value : String(value).split(/[\\,]/)
  return items.map((x) => x.trim()).filter(Boolean)
}

/** The diagnostic viewer of a study, opened in a new tab. */
export function viewerUrl(studyUid: string | null | undefined): string {
  return `/viewer?studyUIDs=${encodeURIComponent(studyUid ?? '')}`
}

/** An address the server gave as a path becomes one a person can paste anywhere. */
export function absoluteUrl(value: string | null | undefined): string {
  if (!value) return ''
  if (/^https?:\/\//.test(value)) return value
  return `${window.location.origin}${value.startsWith('/') ? '' : '/'}${value}`
}

/** "2024-05-01T08:00:01.234Z" → "2024-05-01 08:00:01.234" (the steps of an instance's way in are milliseconds apart). */
export function dateTimeMs(value: string | null | undefined): string {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** A time span for people: 12 ms, 3.4 s, 2 min 5 s, 3 h 2 min (units given by the caller's language). */
export function duration(ms: number, units: { ms: string; s: string; min: string; h: string }): string {
  if (ms < 1000) return `${Math.round(ms)} ${units.ms}`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} ${units.s}`
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 60) return `${minutes} ${units.min} ${Math.round((ms % 60_000) / 1000)} ${units.s}`
  return `${Math.floor(minutes / 60)} ${units.h} ${minutes % 60} ${units.min}`
}
