import { describe, expect, it } from 'vitest'
import { SERIES_LAYOUTS, WINDOW_LAYOUTS, cellsOf, findLayout, pageOf, seriesForCells } from './layouts'
import { PRESETS, allPresets, fromRange, manualWindowLevelDrag, presetById, toRange } from './presets'
import { dicomAge, fieldText, formatSlice, formatWL, personName } from './overlay'
import { elementText, sortInstances, type DicomJson } from './dicom'

describe('layouts', () => {
  it('has every series layout and window layout of the manual, with the right window counts', () => {
    expect(SERIES_LAYOUTS.map((l) => [l.zh, cellsOf(l).length])).toEqual([
      ['单布局', 1], ['二布局', 2], ['四布局', 4], ['竖六布局', 6], ['横六布局', 6], ['九布局', 9],
    ])
    expect(WINDOW_LAYOUTS.map((l) => cellsOf(l).length)).toEqual([1, 2, 3, 3, 3, 4, 5, 6, 6, 9, 12, 18, 20, 24, 30])
  })

  it('reads A*B as A columns by B rows (竖六 两列三排, 横六 三列两排)', () => {
    const v = findLayout('6v')!.layout
    const h = findLayout('6h')!.layout
    expect([v.cols, v.rows, h.cols, h.rows]).toEqual([2, 3, 3, 2])
    expect(findLayout('3x2')).toEqual({ kind: 'series', layout: expect.objectContaining({ cols: 3, rows: 2 }) })
    expect(findLayout('nope')).toBeUndefined()
  })

  it('lays 2+1 and five windows out without overlaps and fills the grid', () => {
    for (const id of ['2+1', '5']) {
      const layout = findLayout(id)!.layout
      const covered = new Set<string>()
      for (const c of cellsOf(layout)) {
        for (let r = c.row; r < c.row + c.rowSpan; r++) {
          for (let k = c.col; k < c.col + c.colSpan; k++) {
            const key = `${r},${k}`
            expect(covered.has(key)).toBe(false)
            covered.add(key)
          }
        }
      }
      expect(covered.size).toBe(layout.cols * layout.rows)
    }
  })

  it('pages windows of one series together and blanks the windows past the end', () => {
    expect(pageOf(0, 4, 10)).toEqual({ page: 0, pages: 3, images: [0, 1, 2, 3] })
    expect(pageOf(5, 4, 10)).toEqual({ page: 1, pages: 3, images: [4, 5, 6, 7] })
    expect(pageOf(9, 4, 10)).toEqual({ page: 2, pages: 3, images: [8, 9, null, null] })
    expect(pageOf(99, 4, 10).page).toBe(2)
    expect(pageOf(-3, 4, 10).page).toBe(0)
  })

  it('assigns series to the windows of a series layout', () => {
    expect(seriesForCells(2, 4)).toEqual([0, 1, null, null])
    expect(seriesForCells(5, 4, 3)).toEqual([3, 4, 0, 1])
    expect(seriesForCells(0, 2)).toEqual([null, null])
  })
})

describe('presets', () => {
  it('are exactly the values of manual 2 §3.1.2', () => {
    const byId = Object.fromEntries(PRESETS.map((p) => [p.id, [p.width, p.level]]))
    expect(byId).toEqual({ max: [1000, 500], head: [85, 40], mediastinum: [400, 40], vessel: [350, 40], lung: [1500, -700], bone: [1600, 500] })
    expect(presetById('lung')?.zh).toBe('肺部')
  })

  it('round-trips width and level through the VOI range', () => {
    for (const p of PRESETS) expect(fromRange(toRange(p.width, p.level))).toEqual({ width: p.width, level: p.level })
    expect(toRange(1500, -700)).toEqual({ lower: -1450, upper: 49 })
  })

  it('adds the user presets after the built-in ones', () => {
    const all = allPresets([{ name: '腹部', width: 350, level: 50 }])
    expect(all.length).toBe(PRESETS.length + 1)
    expect(all.at(-1)).toEqual({ id: 'user-0', zh: '腹部', en: '腹部', width: 350, level: 50 })
  })
})

describe('overlay', () => {
  it('formats W/L and the slice as the viewer shows them', () => {
    expect(formatWL(1500, -700)).toBe('W: 1500 L: -700')
    expect(formatWL(399.6, 40.4)).toBe('W: 400 L: 40')
    expect(formatSlice(0, 200)).toBe('1/200')
    expect(formatSlice(199, 200)).toBe('200/200')
    expect(formatSlice(0, 0)).toBe('0/0')
  })

  it('reads names, ages and fields in Chinese first', () => {
    expect(personName({ Alphabetic: 'Zhang^San', Ideographic: '张^三' })).toBe('张三')
    expect(personName('Zhang^San=张^三', 'en')).toBe('Zhang San')
    expect(dicomAge('045Y')).toBe('45岁')
    expect(dicomAge('003M', 'en')).toBe('3M')
    const meta = { PatientSex: 'F', SliceThickness: 1.5, PixelSpacing: [0.7, 0.7], Rows: 512, Columns: 512 }
    const ctx = { meta, index: 4, total: 200, width: 400, level: 40, zoom: 1.5, lang: 'zh-CN' as const }
    expect(fieldText('patientSex', ctx)).toBe('女')
    expect(fieldText('slice', ctx)).toBe('5/200')
    expect(fieldText('wl', ctx)).toBe('W: 400 L: 40')
    expect(fieldText('zoom', ctx)).toBe('Zoom: 150%')
    expect(fieldText('sliceThickness', ctx)).toBe('T: 1.5 mm')
    expect(fieldText('dimensions', ctx)).toBe('512×512')
    expect(fieldText('unknown', ctx)).toBe('')
  })
})

describe('stack order', () => {
  const inst = (n: number, z: number | null): DicomJson => ({
    '00200013': { vr: 'IS', Value: [n] },
    ...(z === null ? {} : {
      '00200032': { vr: 'DS', Value: [0, 0, z] },
      '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
    }),
  })

  it('sorts along the slice normal, head first, whatever the instance numbers', () => {
    const sorted = sortInstances([inst(1, -3), inst(2, 0), inst(3, -1.5)])
    expect(sorted.map((d) => d['00200013'].Value![0])).toEqual([2, 3, 1])
  })

  it('falls back to instance numbers without positions', () => {
    const sorted = sortInstances([inst(3, null), inst(1, null), inst(2, null)])
    expect(sorted.map((d) => d['00200013'].Value![0])).toEqual([1, 2, 3])
  })
})

describe('window/level drag (manual 2 §3.1.2)', () => {
  it('up/down changes the width, left/right the level', () => {
    expect(manualWindowLevelDrag(0, -10)).toEqual([10, 0])
    expect(manualWindowLevelDrag(0, 10)).toEqual([-10, 0])
    expect(manualWindowLevelDrag(7, 0)).toEqual([0, 7])
  })
})

describe('tag browser values', () => {
  it('shows a person name with all its groups, as the file has it', () => {
    expect(elementText({ vr: 'PN', Value: [{ Alphabetic: 'Zhang^San', Ideographic: '张^三' }] })).toBe('Zhang^San=张^三')
    expect(elementText({ vr: 'PN', Value: [{ Alphabetic: 'Doe^John' }] })).toBe('Doe^John')
    expect(elementText({ vr: 'PN', Value: [{ Ideographic: '张^三' }] })).toBe('=张^三')
    expect(elementText({ vr: 'DS', Value: [0.5, 0.5] })).toBe('0.5\\0.5')
  })
})
