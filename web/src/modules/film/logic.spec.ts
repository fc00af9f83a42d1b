import { beforeEach, describe, expect, it } from 'vitest'
import {
  applyOp,
  applyToCells,
  cellRects,
  defaultLayout,
  filmCount,
  fromTask,
  moveCell,
  newCell,
  removeCells,
  targetIndices,
  toPayload,
  type FilmCell,
} from './logic'

const ref = (n: number) => ({ studyUID: '1.2.3', seriesUID: '1.2.3.4', sopUID: `1.2.3.4.${n}` })

describe('cells', () => {
  it('take the window the viewer shows, in either shape', () => {
    expect(newCell({ ...ref(1), wl: { center: 40, width: 400 } })).toMatchObject({ windowCenter: 40, windowWidth: 400, frame: 1, zoom: 1, rotate: 0 })
    expect(newCell({ ...ref(1), wl: { windowCenter: -700, windowWidth: 1500 }, frame: 3 })).toMatchObject({ windowCenter: -700, windowWidth: 1500, frame: 3 })
    expect(newCell({ ...ref(1), wl: { center: 40, width: 0 } })).toMatchObject({ windowCenter: null, windowWidth: null })
    expect(newCell({ ...ref(1), rotate: -90 }).rotate).toBe(270)
  })

  it('adjust, clamp and reset', () => {
    let c: FilmCell = newCell(ref(1))
    c = applyOp(c, { kind: 'zoom', factor: 100 })
    expect(c.zoom).toBe(10)
    c = applyOp(c, { kind: 'pan', dx: 0.7, dy: -2 })
    expect([c.panX, c.panY]).toEqual([0.7, -1])
    c = applyOp(c, { kind: 'rotate', by: -90 })
    expect(c.rotate).toBe(270)
    c = applyOp(c, { kind: 'wl', center: 40, width: 0 })
    expect([c.windowCenter, c.windowWidth]).toEqual([40, 1])
    c = applyOp(c, { kind: 'reset' })
    expect(c).toEqual(newCell(ref(1)))
  })

  it('flip what the user sees: a quarter-turned image flips the other way upright', () => {
    const upright = applyOp(newCell(ref(1)), { kind: 'flipH' })
    expect([upright.flipH, upright.flipV]).toEqual([true, false])
    const turned = applyOp(applyOp(newCell(ref(1)), { kind: 'rotate', by: 90 }), { kind: 'flipH' })
    expect([turned.flipH, turned.flipV]).toEqual([false, true])
  })
})

describe('films', () => {
  const layout = { ...defaultLayout(), rows: 2, columns: 3 }

  it('count the films and the cells of a page', () => {
    expect(filmCount(layout, 0)).toBe(1)
    expect(filmCount(layout, 6)).toBe(1)
    expect(filmCount(layout, 7)).toBe(2)
    expect(targetIndices('page', [], layout, 2, 8)).toEqual([6, 7])
    expect(targetIndices('all', [], layout, 1, 3)).toEqual([0, 1, 2])
    expect(targetIndices('selected', [4, 1, 4, 9], layout, 1, 5)).toEqual([1, 4])
  })

  it('apply to the chosen cells only, delete and move them', () => {
    const cells = [1, 2, 3, 4].map((n) => newCell(ref(n)))
    const changed = applyToCells(cells, [1, 3], { kind: 'invert' })
    expect(changed.map((c) => c.invert)).toEqual([false, true, false, true])
    expect(removeCells(cells, [0, 2]).map((c) => c.sopUid)).toEqual(['1.2.3.4.2', '1.2.3.4.4'])
    expect(moveCell(cells, 0, 2).map((c) => c.sopUid)).toEqual(['1.2.3.4.2', '1.2.3.4.3', '1.2.3.4.1', '1.2.3.4.4'])
  })

  it('place the cell frames as the server composes them', () => {
    const rects = cellRects({ ...layout, filmSize: '8INX10IN', header: '' })
    expect(rects).toHaveLength(6)
    // 8 in wide: 0.12 in margins, two 0.03 in gaps
    expect(rects[0].left).toBeCloseTo(0.12 / 8)
    expect(rects[0].width).toBeCloseTo((8 - 0.24 - 0.06) / 3 / 8)
    expect(rects[5].left + rects[5].width).toBeCloseTo(1 - 0.12 / 8)
    const withHeader = cellRects({ ...layout, filmSize: '8INX10IN', header: 'a\nb' })
    expect(withHeader[0].top).toBeCloseTo((0.12 + 2 * 0.22 + 0.08 + 0.03) / 10)
    const landscape = cellRects({ ...layout, filmSize: '8INX10IN', orientation: 'LANDSCAPE', header: '' })
    expect(landscape[0].left).toBeCloseTo(0.12 / 10)
  })

  it('round-trip through the API body', () => {
    const draft = { taskId: 5, name: '胶片', layout: { ...layout }, cells: [newCell(ref(1))], target: 'pdf' as const, nodeId: null }
    const body = toPayload(draft)
    expect(body).toMatchObject({ rows: 2, columns: 3, target: 'pdf', name: '胶片' })
    expect(body).not.toHaveProperty('nodeId')
    const back = fromTask({ id: 5, ...body, header: null })
    expect(back.layout.header).toBe('')
    expect(back.cells[0]).toEqual(draft.cells[0])
  })
})

describe('addToFilm', () => {
  beforeEach(() => localStorage.clear())

  it('adds to the shared draft and keeps it for other tabs', async () => {
    const { addToFilm, clearFilm, film } = await import('./index')
    clearFilm()
    expect(addToFilm([ref(1), ref(2)])).toBe(2)
    expect(addToFilm({ ...ref(3), wl: { center: 40, width: 400 } })).toBe(3)
    expect(film.cells[2].windowWidth).toBe(400)
    await new Promise((r) => setTimeout(r, 0))
    const saved = JSON.parse(localStorage.getItem('radix.film.draft') || '{}')
    expect(saved.cells).toHaveLength(3)
  })
})
