/**
 * 胶片打印: the film draft and what can be done to its cells, free of components (unit-tested).
 * The server composes the films (POST /film/preview, /film/tasks/{id}/export); these functions only
 * edit the layout and the cells, and place the clickable cell frames over the server's preview with
 * the same geometry the server uses (margins, gaps, header band — see radix/film/compose.py).
 */

export type FilmTarget = 'printer' | 'pdf' | 'png'
export type Rotation = 0 | 90 | 180 | 270

export interface FilmCell {
  studyUid: string
  seriesUid: string
  sopUid: string
  frame: number
  /** both null: the image's own window */
  windowCenter: number | null
  windowWidth: number | null
  zoom: number
  panX: number
  panY: number
  rotate: Rotation
  flipH: boolean
  flipV: boolean
  invert: boolean
}

export interface FilmLayout {
  filmSize: string
  orientation: 'PORTRAIT' | 'LANDSCAPE'
  rows: number
  columns: number
  copies: number
  medium: string
  printMode: 'grid' | 'sheet'
  dpi: number
  header: string
  annotate: boolean
}

export interface FilmDraft {
  taskId: number | null
  name: string | null
  layout: FilmLayout
  cells: FilmCell[]
  target: FilmTarget
  nodeId: number | null
}

/** What the viewer hands over: an image (or a frame of one), with the window it is shown with. */
export interface ImageRef {
  studyUID: string
  seriesUID: string
  sopUID: string
  frame?: number
  wl?: { center: number; width: number } | { windowCenter: number; windowWidth: number } | null
  zoom?: number
  rotate?: number
  flipH?: boolean
  flipV?: boolean
  invert?: boolean
}

/** Film sizes in inches (width × height, portrait), as DICOM Film Size ID names them. */
export const FILM_INCHES: Record<string, [number, number]> = {
  '8INX10IN': [8, 10],
  '8_5INX11IN': [8.5, 11],
  '10INX12IN': [10, 12],
  '10INX14IN': [10, 14],
  '11INX14IN': [11, 14],
  '11INX17IN': [11, 17],
  '14INX14IN': [14, 14],
  '14INX17IN': [14, 17],
  '24CMX24CM': [24 / 2.54, 24 / 2.54],
  '24CMX30CM': [24 / 2.54, 30 / 2.54],
  A4: [210 / 25.4, 297 / 25.4],
  A3: [297 / 25.4, 420 / 25.4],
}

/** The grids offered as one click (columns × rows as radiologists say it: 列×行). */
export const GRID_PRESETS: [number, number][] = [
  [1, 1], [1, 2], [2, 2], [2, 3], [3, 3], [3, 4], [4, 4], [4, 5], [4, 6], [5, 6], [5, 7], [6, 8],
]

/** W/L presets of the viewer (manual 2 §3.1.2): [width, level]. */
export const WL_PRESETS: { key: string; width: number; center: number }[] = [
  { key: 'lung', width: 1500, center: -700 },
  { key: 'bone', width: 1600, center: 500 },
  { key: 'mediastinum', width: 400, center: 40 },
  { key: 'head', width: 85, center: 40 },
  { key: 'vessel', width: 350, center: 40 },
  { key: 'max', width: 1000, center: 500 },
]

export const DEFAULT_HEADER = '{hospital}  {patientName}  {sex}  {age}  患者号：{patientId}  检查号：{accession}\n{modality}  {bodyPart}  检查日期：{studyDate}  第 {page}/{pages} 张'

export function defaultLayout(): FilmLayout {
  return {
    filmSize: '14INX17IN',
    orientation: 'PORTRAIT',
    rows: 4,
    columns: 3,
    copies: 1,
    medium: 'BLUE FILM',
    printMode: 'grid',
    dpi: 150,
    header: DEFAULT_HEADER,
    annotate: true,
  }
}

export function emptyDraft(): FilmDraft {
  return { taskId: null, name: null, layout: defaultLayout(), cells: [], target: 'printer', nodeId: null }
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits

export function normaliseRotation(deg: number): Rotation {
  const r = (((Math.round(deg / 90) * 90) % 360) + 360) % 360
  return r as Rotation
}

export function newCell(ref: ImageRef): FilmCell {
  const wl = ref.wl as any
  const center = wl ? (wl.center ?? wl.windowCenter) : null
  const width = wl ? (wl.width ?? wl.windowWidth) : null
  const valid = Number.isFinite(center) && Number.isFinite(width) && width >= 1
  return {
    studyUid: ref.studyUID,
    seriesUid: ref.seriesUID,
    sopUid: ref.sopUID,
    frame: ref.frame && ref.frame >= 1 ? Math.floor(ref.frame) : 1,
    windowCenter: valid ? round(center, 2) : null,
    windowWidth: valid ? round(width, 2) : null,
    zoom: ref.zoom ? clamp(ref.zoom, 0.1, 10) : 1,
    panX: 0,
    panY: 0,
    rotate: normaliseRotation(ref.rotate ?? 0),
    flipH: !!ref.flipH,
    flipV: !!ref.flipV,
    invert: !!ref.invert,
  }
}

/** 复位: the image as it came (its own window, fitted, upright). */
export function resetCell(cell: FilmCell): FilmCell {
  return { ...newCell({ studyUID: cell.studyUid, seriesUID: cell.seriesUid, sopUID: cell.sopUid, frame: cell.frame }) }
}

export const perFilm = (layout: Pick<FilmLayout, 'rows' | 'columns'>) => Math.max(1, layout.rows * layout.columns)

export function filmCount(layout: Pick<FilmLayout, 'rows' | 'columns'>, cells: number): number {
  return Math.max(1, Math.ceil(cells / perFilm(layout)))
}

/** The indices of the cells on film ``page`` (1-based). */
export function cellsOfPage(layout: Pick<FilmLayout, 'rows' | 'columns'>, page: number, cells: number): number[] {
  const per = perFilm(layout)
  const out: number[] = []
  for (let i = (page - 1) * per; i < Math.min(cells, page * per); i++) out.push(i)
  return out
}

/** 选中图像 / 当页全部 / 全部胶片. */
export type Scope = 'selected' | 'page' | 'all'

export function targetIndices(scope: Scope, selected: number[], layout: FilmLayout, page: number, cells: number): number[] {
  if (scope === 'all') return Array.from({ length: cells }, (_, i) => i)
  if (scope === 'page') return cellsOfPage(layout, page, cells)
  return [...new Set(selected)].filter((i) => i >= 0 && i < cells).sort((a, b) => a - b)
}

export type CellOp =
  | { kind: 'wl'; center: number; width: number }
  | { kind: 'ownWindow' }
  | { kind: 'zoom'; factor: number }
  | { kind: 'zoomTo'; value: number }
  | { kind: 'pan'; dx: number; dy: number }
  | { kind: 'center' }
  | { kind: 'rotate'; by: number }
  | { kind: 'flipH' }
  | { kind: 'flipV' }
  | { kind: 'invert' }
  | { kind: 'reset' }

/**
 * One adjustment of a cell as the user sees it. The server flips first and rotates after, so a
 * flip "on screen" of a quarter-turned image is the other flip of the upright one.
 */
export function applyOp(cell: FilmCell, op: CellOp): FilmCell {
  const quarter = cell.rotate % 180 === 90
  switch (op.kind) {
    case 'wl':
      return { ...cell, windowCenter: round(op.center, 2), windowWidth: round(Math.max(1, op.width), 2) }
    case 'ownWindow':
      return { ...cell, windowCenter: null, windowWidth: null }
    case 'zoom':
      return { ...cell, zoom: round(clamp(cell.zoom * op.factor, 0.1, 10)) }
    case 'zoomTo':
      return { ...cell, zoom: round(clamp(op.value, 0.1, 10)) }
    case 'pan':
      return { ...cell, panX: round(clamp(cell.panX + op.dx, -1, 1)), panY: round(clamp(cell.panY + op.dy, -1, 1)) }
    case 'center':
      return { ...cell, panX: 0, panY: 0 }
    case 'rotate':
      return { ...cell, rotate: normaliseRotation(cell.rotate + op.by) }
    case 'flipH':
      return quarter ? { ...cell, flipV: !cell.flipV } : { ...cell, flipH: !cell.flipH }
    case 'flipV':
      return quarter ? { ...cell, flipH: !cell.flipH } : { ...cell, flipV: !cell.flipV }
    case 'invert':
      return { ...cell, invert: !cell.invert }
    case 'reset':
      return resetCell(cell)
  }
}

export function applyToCells(cells: FilmCell[], indices: number[], op: CellOp): FilmCell[] {
  const chosen = new Set(indices)
  return cells.map((c, i) => (chosen.has(i) ? applyOp(c, op) : c))
}

export function removeCells(cells: FilmCell[], indices: number[]): FilmCell[] {
  const chosen = new Set(indices)
  return cells.filter((_, i) => !chosen.has(i))
}

/** Move a cell to another position (drag and drop in the film). */
export function moveCell(cells: FilmCell[], from: number, to: number): FilmCell[] {
  if (from === to || from < 0 || from >= cells.length) return cells
  const out = cells.slice()
  const [cell] = out.splice(from, 1)
  out.splice(clamp(to, 0, out.length), 0, cell)
  return out
}

/** The sheet in inches, turned for landscape. */
export function sheetInches(layout: Pick<FilmLayout, 'filmSize' | 'orientation'>): [number, number] {
  const [w, h] = FILM_INCHES[layout.filmSize] ?? FILM_INCHES['14INX17IN']
  return layout.orientation === 'LANDSCAPE' ? [h, w] : [w, h]
}

export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

/**
 * Where each cell of a film is, as fractions of the sheet (for the frames over the preview). Same
 * rules as the server: 0.12 in margin, 0.03 in gap, a header band of 0.22 in per line (max 3) + 0.08 in.
 */
export function cellRects(layout: FilmLayout): Rect[] {
  const [w, h] = sheetInches(layout)
  const margin = 0.12
  const gap = 0.03
  const lines = headerLines(layout.header)
  const headerH = lines ? lines * 0.22 + 0.08 : 0
  const top = margin + headerH + (headerH ? gap : 0)
  const cw = (w - 2 * margin - (layout.columns - 1) * gap) / layout.columns
  const ch = (h - top - margin - (layout.rows - 1) * gap) / layout.rows
  const out: Rect[] = []
  for (let r = 0; r < layout.rows; r++) {
    for (let c = 0; c < layout.columns; c++) {
      out.push({ left: (margin + c * (cw + gap)) / w, top: (top + r * (ch + gap)) / h, width: cw / w, height: ch / h })
    }
  }
  return out
}

export function headerLines(text: string | null | undefined): number {
  if (!text || !text.trim()) return 0
  return Math.min(3, text.trim().split(/\r?\n/).length)
}

/** The body of POST /film/tasks (and PATCH, and /film/preview). */
export function toPayload(draft: FilmDraft): Record<string, unknown> {
  const body: Record<string, unknown> = { ...draft.layout, header: draft.layout.header || null, images: draft.cells, target: draft.target }
  if (draft.nodeId) body.nodeId = draft.nodeId
  if (draft.name) body.name = draft.name
  return body
}

/** A saved task (GET /film/tasks/{id}) as a draft. */
export function fromTask(task: any): FilmDraft {
  const base = defaultLayout()
  const layout = { ...base }
  for (const key of Object.keys(base) as (keyof FilmLayout)[]) {
    if (task[key] !== undefined && task[key] !== null) (layout as any)[key] = task[key]
  }
  if (task.header === null) layout.header = ''
  return {
    taskId: task.id ?? null,
    name: task.name ?? null,
    layout,
    cells: (task.images ?? []).map((c: any) => ({ ...newCell({ studyUID: c.studyUid, seriesUID: c.seriesUid, sopUID: c.sopUid }), ...c })),
    target: task.target ?? 'printer',
    nodeId: task.nodeId ?? null,
  }
}
