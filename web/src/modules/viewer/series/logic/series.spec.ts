import { describe, expect, it } from 'vitest'
import { HOTKEY_ACTIONS, actionFor, bindingOf, cleanHotkeys, conflicts, normalizeBinding } from './hotkeys'
import { apply, axisRotation, columnMajor, fromParams, identity, invertRigid, multiply, TILT_DEGREES_PER_PIXEL, toParams, translation, viewDrag, type Vec3 } from './rigid'
import { layout, shrink, stitch, toRgba, warp, type GrayImage } from './stitch'
import { splitParts, windowImages } from './series'

const close = (a: number[], b: number[], eps = 1e-6) => a.every((v, i) => Math.abs(v - b[i]) < eps)

describe('hotkeys', () => {
  it('normalises bindings and key presses the same way', () => {
    expect(normalizeBinding('shift+L')).toBe('Shift+l')
    expect(normalizeBinding(' ctrl + alt + arrowup ')).toBe('Ctrl+Alt+ArrowUp')
    expect(normalizeBinding('Alt+Ctrl+f5')).toBe('Ctrl+Alt+F5')
    expect(normalizeBinding('Ctrl++')).toBe('Ctrl++')
    expect(normalizeBinding('Shift')).toBe('')
    expect(bindingOf({ key: 'L', shiftKey: true })).toBe('Shift+l')
    expect(bindingOf({ key: '?', shiftKey: true })).toBe('?') // Shift is part of the symbol
    expect(bindingOf({ key: 'ArrowRight' })).toBe('ArrowRight')
    expect(bindingOf({ key: 'Control', ctrlKey: true })).toBe('')
    expect(bindingOf({ key: ' ' })).toBe('Space')
  })

  it('finds the action of a key press, and only an exact one', () => {
    const keys = { reset: 'r', invert: 'I', presetLung: 'Shift+L', mpr: 'Ctrl+m', nextSeries: 'ArrowRight' }
    expect(actionFor(keys, { key: 'r' })).toBe('reset')
    expect(actionFor(keys, { key: 'i' })).toBe('invert')
    expect(actionFor(keys, { key: 'L', shiftKey: true })).toBe('presetLung')
    expect(actionFor(keys, { key: 'l' })).toBeNull()
    expect(actionFor(keys, { key: 'm' })).toBeNull()
    expect(actionFor(keys, { key: 'm', ctrlKey: true })).toBe('mpr')
    expect(actionFor(keys, { key: 'ArrowRight' })).toBe('nextSeries')
  })

  it('reports conflicts and keeps only bound actions', () => {
    expect(conflicts({ a: 'r', b: 'R', c: 'x', d: 'Shift+r' })).toEqual({ r: ['a', 'b'] })
    expect(cleanHotkeys({ reset: ' R ', invert: '', cine: 'shift+p' })).toEqual({ reset: 'r', cine: 'Shift+p' })
  })

  it('lists every toolbar action once, including the series tools', () => {
    const ids = HOTKEY_ACTIONS.map((a) => a.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ['wl', 'length', 'presetLung', 'mpr', 'vr', 'cpr', 'split', 'newSeries', 'registration', 'stitch', 'nextSeries', 'reset', 'invert', 'cine'])
      expect(ids).toContain(id)
    expect(ids.length).toBeLessThanOrEqual(80) // the server keeps at most 80 bindings
  })
})

describe('rigid transforms', () => {
  const centre: Vec3 = [10, -20, 30]

  it('go from parameters to a matrix and back', () => {
    const p = { tx: 5, ty: -3, tz: 2, rx: 10, ry: -20, rz: 30 }
    const m = fromParams(p, centre)
    const back = toParams(m, centre)
    expect(close(Object.values(back), Object.values(p), 1e-9)).toBe(true)
    // the centre only moves by the translation
    expect(close(apply(m, centre), [15, -23, 32])).toBe(true)
  })

  it('match the server (R = Rz·Ry·Rx)', () => {
    // radix.viewer.registration.rigid([0, 0, 0, 0, 0, 90], [0, 0, 0]) sends x to y
    const m = fromParams({ tx: 0, ty: 0, tz: 0, rx: 0, ry: 0, rz: 90 }, [0, 0, 0])
    expect(close(apply(m, [1, 0, 0]), [0, 1, 0])).toBe(true)
    const rx = fromParams({ tx: 0, ty: 0, tz: 0, rx: 90, ry: 0, rz: 0 }, [0, 0, 0])
    expect(close(apply(rx, [0, 1, 0]), [0, 0, 1])).toBe(true)
  })

  it('invert, compose and lay out column-major for vtk.js', () => {
    const m = fromParams({ tx: 1, ty: 2, tz: 3, rx: 5, ry: 6, rz: 7 }, centre)
    expect(close(multiply(invertRigid(m), m), identity())).toBe(true)
    const moved = multiply(translation([1, 0, 0]), axisRotation([0, 0, 1], 90, [0, 0, 0]))
    expect(close(apply(moved, [1, 0, 0]), [1, 1, 0])).toBe(true)
    const cm = columnMajor(translation([7, 8, 9]))
    expect(cm.slice(12, 15)).toEqual([7, 8, 9])
  })

  describe('drags in a view cover all six degrees of freedom', () => {
    // an axial view as Cornerstone sets it up: looking from the feet, anterior up; 200 px tall showing 100 mm
    const axial = { viewPlaneNormal: [0, 0, -1], viewUp: [0, -1, 0], focalPoint: [5, 5, 5], parallelScale: 50 }
    const size = { width: 300, height: 200 }
    const centre: Vec3 = [0, 0, 0]
    const params = (m: number[]) => toParams(m, centre)

    it('moves along the screen in the plane', () => {
      const p = params(viewDrag('move', axial, size, 150, 100, 40, -20))
      // 0.5 mm per pixel; screen right is up × normal = (0,−1,0)×(0,0,−1) = +x, a drag up goes up the screen (−y)
      expect(close([p.tx, p.ty, p.tz], [20, -10, 0])).toBe(true)
    })

    it('moves along the third axis (the view normal) with a vertical drag', () => {
      const m = viewDrag('depth', axial, size, 150, 100, 13, -30) // up 30 px: towards the viewer, the across part ignored
      const p = params(m)
      expect(close([p.tx, p.ty, p.tz], [0, 0, -15])).toBe(true)
      expect(close([p.rx, p.ry, p.rz], [0, 0, 0])).toBe(true)
    })

    it('rotates in the plane about the focal point', () => {
      // a quarter turn clockwise on screen round the centre
      const m = viewDrag('rotate', axial, size, 250, 100, -100, 100)
      expect(close(apply(m, [5, 5, 5]), [5, 5, 5])).toBe(true)
      const p = params(m)
      expect(Math.abs(p.rz)).toBeCloseTo(90, 6)
      expect(close([p.rx, p.ry], [0, 0])).toBe(true)
    })

    it('tilts out of the plane about the two in-plane axes', () => {
      const across = viewDrag('tilt', axial, size, 150, 100, 40, 0)
      const pa = params(across)
      // about the screen's up axis (patient y): only ry, 40 px × 0.25°
      expect(Math.abs(pa.ry)).toBeCloseTo(40 * TILT_DEGREES_PER_PIXEL, 6)
      expect(close([pa.rx, pa.rz], [0, 0])).toBe(true)
      // the near side (+normal = −z) goes right (+x)
      const near = apply(across, [5, 5, 5 - 10])
      expect(near[0]).toBeGreaterThan(5)
      const upDown = params(viewDrag('tilt', axial, size, 150, 100, 0, 20))
      expect(Math.abs(upDown.rx)).toBeCloseTo(20 * TILT_DEGREES_PER_PIXEL, 6)
      expect(close([upDown.ry, upDown.rz], [0, 0])).toBe(true)
      // the focal point stays put: the turn is about what the user looks at
      expect(close(apply(across, [5, 5, 5]), [5, 5, 5])).toBe(true)
    })

    it('composes onto the matrix the drag started from', () => {
      const start = fromParams({ tx: 1, ty: 2, tz: 3, rx: 0, ry: 0, rz: 10 }, centre)
      const m = multiply(viewDrag('depth', axial, size, 150, 100, 0, 10), start)
      expect(params(m).tz).toBeCloseTo(3 + 5, 6)
      expect(params(m).rz).toBeCloseTo(10, 6)
    })
  })
})

describe('stitching preview', () => {
  const flat = (width: number, height: number, value: number): GrayImage => ({ width, height, data: new Float32Array(width * height).fill(value) })

  it('turns quarter turns exactly (as numpy rot90) and boxes free rotations', () => {
    const img: GrayImage = { width: 4, height: 3, data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) }
    const q = warp(img, 90, 1) // np.rot90(img, -1) == [[8,4,0],[9,5,1],[10,6,2],[11,7,3]]
    expect([q.width, q.height]).toEqual([3, 4])
    expect(Array.from(q.data)).toEqual([8, 4, 0, 9, 5, 1, 10, 6, 2, 11, 7, 3])
    expect(Array.from(warp(img, 180, 1).data)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
    expect(Array.from(warp(img, -90, 1).data)).toEqual(Array.from(warp(img, 270, 1).data))
    const free = warp(flat(100, 100, 1), 45, 1)
    expect([free.width, free.height]).toEqual([142, 142])
    expect(free.mask[0]).toBe(0)
    expect(free.mask[71 * 142 + 71]).toBe(1)
    expect([warp(flat(100, 60, 1), 0, 0.5).width, warp(flat(100, 60, 1), 0, 0.5).height]).toEqual([50, 30])
  })

  it('places images one after the other, centred across, with overlap and pan', () => {
    const sizes = [{ width: 40, height: 50 }, { width: 40, height: 30 }]
    const zero = { rotate: 0, scale: 1, dx: 0, dy: 0 }
    expect(layout(sizes, [zero, zero], { direction: 'vertical', overlap: 10 })).toEqual({
      boxes: [{ top: 0, left: 0, height: 50, width: 40 }, { top: 40, left: 0, height: 30, width: 40 }], width: 40, height: 70,
    })
    // the same as the server's test: horizontal, second moved down 5
    const side = layout(sizes, [zero, { ...zero, dy: 5 }], { direction: 'horizontal', overlap: 0 })
    expect(side.boxes.map((b) => [b.top, b.left, b.height, b.width])).toEqual([[0, 0, 50, 40], [15, 40, 30, 40]])
    expect([side.width, side.height]).toEqual([80, 50])
  })

  it('blends the overlap linearly and keeps single-image pixels', () => {
    const zero = { rotate: 0, scale: 1, dx: 0, dy: 0 }
    const out = stitch([flat(40, 50, 100), flat(40, 30, 200)], [zero, zero], { direction: 'vertical', overlap: 10, blend: 'linear' })
    const column = Array.from({ length: out.height }, (_, y) => out.data[y * out.width + 5])
    expect(column.slice(0, 40).every((v) => v === 100)).toBe(true)
    expect(column.slice(50).every((v) => v === 200)).toBe(true)
    const ramp = column.slice(40, 50)
    expect(ramp.every((v, i) => i === 0 || v > ramp[i - 1])).toBe(true)
    expect(ramp[0]).toBeGreaterThan(100)
    expect(ramp[9]).toBeLessThan(200)
    const hard = stitch([flat(40, 50, 100), flat(40, 30, 200)], [zero, zero], { direction: 'vertical', overlap: 10, blend: 'none' })
    expect(hard.data[45 * hard.width + 5]).toBe(200)
  })

  it('windows to RGBA and shrinks by box means', () => {
    const img: GrayImage = { width: 2, height: 2, data: Float32Array.from([0, 50, 100, 200]) }
    const rgba = toRgba(img, 50, 100)
    expect([rgba[0], rgba[4], rgba[8], rgba[12], rgba[3]]).toEqual([0, 128, 255, 255, 255])
    expect(Array.from(shrink(img, 2).data)).toEqual([87.5])
  })
})

describe('series management', () => {
  it('splits a stack after the chosen image', () => {
    expect(splitParts(200, 100)).toEqual([100, 100])
    expect(splitParts(5, 1)).toEqual([1, 4])
    expect(() => splitParts(5, 5)).toThrow()
    expect(() => splitParts(1, 1)).toThrow()
  })

  it('collects the images shown in the windows, once each, in window order', () => {
    const meta = new Map([
      ['a1', { sopUid: '1.1' }], ['a2', { sopUid: '1.2' }], ['b1', { sopUid: '2.1' }],
    ])
    const cells = [{ studyUid: 's', imageId: 'a2' }, { studyUid: 's', imageId: 'a1' }, { studyUid: 's', imageId: 'a2' }, { studyUid: 's', imageId: undefined }]
    expect(windowImages(cells, (id) => meta.get(id))).toEqual({ studyUid: 's', sopUids: ['1.2', '1.1'] })
    expect(windowImages([{ studyUid: 's', imageId: 'a1' }, { studyUid: 't', imageId: 'b1' }], (id) => meta.get(id))).toEqual({ studyUid: 's', sopUids: ['1.1'] })
    expect(windowImages([], () => undefined)).toBeNull()
  })
})
