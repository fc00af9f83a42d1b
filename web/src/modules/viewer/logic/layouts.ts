/**
 * 布局 and 窗口 of manual 2 §3.1.10–3.1.11. "A*B" in the manual is A columns by B rows (竖六 2*3 =
 * 两列三排, 横六 3*2 = 三列两排). A layout is a CSS grid; 2+1 and 五窗口 span cells.
 */

export interface Cell {
  col: number
  row: number
  colSpan: number
  rowSpan: number
}

export interface GridLayout {
  id: string
  zh: string
  en: string
  cols: number
  rows: number
  /** explicit cells when some span; otherwise every grid cell, row by row */
  spans?: Cell[]
}

const grid = (id: string, zh: string, en: string, cols: number, rows: number, spans?: Cell[]): GridLayout => ({ id, zh, en, cols, rows, spans })

/** series layouts: each window shows another series */
export const SERIES_LAYOUTS: GridLayout[] = [
  grid('1x1', '单布局', 'Single', 1, 1),
  grid('2x1', '二布局', 'Two', 2, 1),
  grid('2x2', '四布局', 'Four', 2, 2),
  grid('2x3', '竖六布局', 'Six (2×3)', 2, 3),
  grid('3x2', '横六布局', 'Six (3×2)', 3, 2),
  grid('3x3', '九布局', 'Nine', 3, 3),
]

/** windows of one series: consecutive images of the same series, paged together */
export const WINDOW_LAYOUTS: GridLayout[] = [
  grid('1', '一窗口', 'One', 1, 1),
  grid('2', '二窗口', 'Two', 2, 1),
  grid('3v', '竖三窗口', 'Three (vertical)', 1, 3),
  grid('3h', '横三窗口', 'Three (horizontal)', 3, 1),
  grid('2+1', '2+1 三窗口', 'Two plus one', 2, 2, [
    { col: 1, row: 1, colSpan: 1, rowSpan: 1 },
    { col: 2, row: 1, colSpan: 1, rowSpan: 1 },
    { col: 1, row: 2, colSpan: 2, rowSpan: 1 },
  ]),
  grid('4', '四窗口', 'Four', 2, 2),
  grid('5', '五窗口', 'Five', 6, 2, [
    { col: 1, row: 1, colSpan: 3, rowSpan: 1 },
    { col: 4, row: 1, colSpan: 3, rowSpan: 1 },
    { col: 1, row: 2, colSpan: 2, rowSpan: 1 },
    { col: 3, row: 2, colSpan: 2, rowSpan: 1 },
    { col: 5, row: 2, colSpan: 2, rowSpan: 1 },
  ]),
  grid('6v', '竖六窗口', 'Six (2×3)', 2, 3),
  grid('6h', '横六窗口', 'Six (3×2)', 3, 2),
  grid('9', '九窗口', 'Nine', 3, 3),
  grid('12', '十二窗口', 'Twelve', 4, 3),
  grid('3x6', '3*6 窗口', '3×6', 3, 6),
  grid('5x4', '5*4 窗口', '5×4', 5, 4),
  grid('6x4', '6*4 窗口', '6×4', 6, 4),
  grid('6x5', '6*5 窗口', '6×5', 6, 5),
]

export function findLayout(id: string): { kind: 'series' | 'windows'; layout: GridLayout } | undefined {
  const s = SERIES_LAYOUTS.find((l) => l.id === id)
  if (s) return { kind: 'series', layout: s }
  const w = WINDOW_LAYOUTS.find((l) => l.id === id)
  return w ? { kind: 'windows', layout: w } : undefined
}

/** The cells of a layout, in reading order. */
export function cellsOf(layout: GridLayout): Cell[] {
  if (layout.spans) return layout.spans
  const out: Cell[] = []
  for (let row = 1; row <= layout.rows; row++) {
    for (let col = 1; col <= layout.cols; col++) out.push({ col, row, colSpan: 1, rowSpan: 1 })
  }
  return out
}

/** CSS for the grid container and for one cell. */
export function gridStyle(layout: GridLayout): Record<string, string> {
  return {
    display: 'grid',
    gridTemplateColumns: `repeat(${layout.cols}, minmax(0, 1fr))`,
    gridTemplateRows: `repeat(${layout.rows}, minmax(0, 1fr))`,
  }
}

export function cellStyle(cell: Cell): Record<string, string> {
  return { gridColumn: `${cell.col} / span ${cell.colSpan}`, gridRow: `${cell.row} / span ${cell.rowSpan}` }
}

/**
 * 窗口 paging: window ``i`` of ``n`` shows image ``page * n + i``. Returns the page that keeps
 * ``index`` on screen, the image each window shows (null past the end), and the page count.
 */
export function pageOf(index: number, windows: number, total: number): { page: number; pages: number; images: (number | null)[] } {
  const pages = Math.max(1, Math.ceil(total / windows))
  const page = Math.min(Math.max(0, Math.floor(index / windows)), pages - 1)
  const images = Array.from({ length: windows }, (_, i) => {
    const n = page * windows + i
    return n < total ? n : null
  })
  return { page, pages, images }
}

/** Series shown in a series layout of ``cells`` windows, starting from the selected one. */
export function seriesForCells(seriesCount: number, cells: number, start = 0): (number | null)[] {
  return Array.from({ length: cells }, (_, i) => (seriesCount && i < seriesCount ? (start + i) % seriesCount : null))
}
