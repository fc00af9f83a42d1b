import { describe, expect, it } from 'vitest'
import { dragRegion, regionBetween, toCanvasPixels } from './capture'

const bounds = { width: 400, height: 300 }

describe('the capture frame', () => {
  it('moves inside the window and stops at its edges', () => {
    const r = { x: 10, y: 10, width: 100, height: 50 }
    expect(dragRegion(r, 'move', 30, 20, bounds)).toEqual({ x: 40, y: 30, width: 100, height: 50 })
    expect(dragRegion(r, 'move', 1000, -1000, bounds)).toEqual({ x: 300, y: 0, width: 100, height: 50 })
  })

  it('resizes by an edge or corner, keeping the opposite side and a minimum size', () => {
    const r = { x: 0, y: 0, width: 400, height: 300 }
    expect(dragRegion(r, 'se', -100, -50, bounds)).toEqual({ x: 0, y: 0, width: 300, height: 250 })
    expect(dragRegion(r, 'nw', 40, 30, bounds)).toEqual({ x: 40, y: 30, width: 360, height: 270 })
    expect(dragRegion(r, 'e', 50, 99, bounds)).toEqual(r)
    expect(dragRegion(r, 'n', 0, 1000, bounds, 16)).toEqual({ x: 0, y: 284, width: 400, height: 16 })
  })

  it('draws a new frame in either direction, clipped to the window', () => {
    expect(regionBetween(300, 200, 100, 50, bounds)).toEqual({ x: 100, y: 50, width: 200, height: 150 })
    expect(regionBetween(-20, 10, 500, 20, bounds)).toEqual({ x: 0, y: 10, width: 400, height: 10 })
  })

  it('maps CSS pixels to whole canvas pixels inside the canvas', () => {
    expect(toCanvasPixels({ x: 10.4, y: 20, width: 100, height: 50 }, 2, { width: 800, height: 600 })).toEqual({ x: 21, y: 40, width: 200, height: 100 })
    expect(toCanvasPixels({ x: 390, y: 0, width: 100, height: 300 }, 1, { width: 400, height: 300 })).toEqual({ x: 390, y: 0, width: 10, height: 300 })
  })
})
