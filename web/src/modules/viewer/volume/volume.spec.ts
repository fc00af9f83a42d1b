import { describe, expect, it } from 'vitest'
import {
  applyFrame, arcLengths, buildCenterline, cross, dist, dot, frameMatrix, norm, resampleCenterline, rotationDirections,
  quatFromMatrix, rotateByQuat, rotationMinimizingFrames, slabSamples, smoothCenterline, stretchedFrame, sub, type Vec3,
} from './cprMath'
import { bodyMask, largestComponent, morph2d, removeTable, shrink2d, type Dims } from './tableRemoval'
import {
  BOX_EDGES, boxCorners, boxPoint, clipPlanes, cutPolygon, dragFraction, faceCentre, faceCorners, FULL_BOX, indexToWorld, insidePlanes,
  isFullBox, MIN_BOX, projector, pushFace, rasterizePolygon, type Camera, type Geometry,
} from './cut'
import { addPoint, fromHex, mergeNodes, movePoint, removePoint, splitPoints, toHex } from './transferFunction'

const close = (a: number[], b: number[], eps = 1e-6) => a.every((v, i) => Math.abs(v - b[i]) < eps)

describe('cprMath', () => {
  it('measures arc length and resamples a polyline at equal steps', () => {
    const line: Vec3[] = [[0, 0, 0], [30, 0, 0], [30, 40, 0]]
    expect(arcLengths(line)).toEqual([0, 30, 70])
    const r = resampleCenterline(line, 10)
    expect(r).toHaveLength(8)
    expect(r[0]).toEqual([0, 0, 0])
    expect(r[7]).toEqual([30, 40, 0])
    expect(r[3]).toEqual([30, 0, 0])
    const steps = r.slice(1).map((p, i) => dist(p, r[i]))
    for (const s of steps) expect(s).toBeCloseTo(10, 9)
  })

  it('smooths through every clicked point and stays near them', () => {
    const clicked: Vec3[] = [[0, 0, 0], [10, 10, 0], [20, 0, 0], [30, 10, 5]]
    const smooth = smoothCenterline(clicked, 8)
    expect(smooth).toHaveLength(3 * 8 + 1)
    for (const [n, p] of clicked.entries()) expect(close(smooth[n * 8], p)).toBe(true)
    // a straight line stays straight
    const straight = smoothCenterline([[0, 0, 0], [0, 0, 10], [0, 0, 20]], 4)
    for (const p of straight) expect(close([p[0], p[1]], [0, 0])).toBe(true)
    // a double click adds the last point twice: dropped
    expect(smoothCenterline([[0, 0, 0], [5, 0, 0], [5, 0, 0]], 4)).toEqual([[0, 0, 0], [5, 0, 0]])
  })

  it('gives orthonormal right-handed frames that follow the curve and do not twist', () => {
    const helix: Vec3[] = Array.from({ length: 200 }, (_, i) => [20 * Math.cos(i / 20), 20 * Math.sin(i / 20), i * 0.5])
    const { points, frames, length } = buildCenterline(helix, [0, 0, 1], 0.5)
    expect(length).toBeGreaterThan(100)
    expect(frames).toHaveLength(points.length)
    for (const [i, f] of frames.entries()) {
      expect(norm(f.t)).toBeCloseTo(1, 6)
      expect(norm(f.u)).toBeCloseTo(1, 6)
      expect(norm(f.v)).toBeCloseTo(1, 6)
      expect(Math.abs(dot(f.t, f.u))).toBeLessThan(1e-6)
      expect(Math.abs(dot(f.t, f.v))).toBeLessThan(1e-6)
      expect(close(cross(f.t, f.u), f.v, 1e-6)).toBe(true) // v = t × u
      if (i > 0 && i < points.length - 1) {
        // the tangent points along the curve
        expect(dot(f.t, sub(points[i + 1], points[i - 1]))).toBeGreaterThan(0)
        // rotation minimising: neighbouring frames hardly turn around the tangent
        expect(dot(f.u, frames[i - 1].u)).toBeGreaterThan(0.99)
      }
    }
    // the first frame projects along the view normal (as far as it is orthogonal to the tangent)
    const flat = buildCenterline([[0, 0, 0], [10, 5, 0], [20, 0, 0]], [0, 0, 1])
    expect(close(flat.frames[0].v, [0, 0, 1], 1e-6)).toBe(true)
    expect(Math.abs(flat.frames[0].u[2])).toBeLessThan(1e-6)
  })

  it('frames map the model axes onto (u, v, t) as a column-major matrix, and rotation turns around t', () => {
    const [f] = rotationMinimizingFrames([[0, 0, 0], [0, 10, 0]], [0, 0, 1])
    expect(frameMatrix(f)).toEqual([...f.u, ...f.v, ...f.t])
    const d = rotationDirections(90)
    const sampling = applyFrame(f, [d[0], d[1], d[2]])
    expect(close(sampling, f.v)).toBe(true)
    expect(close(applyFrame(f, [d[3], d[4], d[5]]), f.u.map((x) => -x))).toBe(true)
    expect(close(rotationDirections(360), rotationDirections(0))).toBe(true)
    expect(close(rotationDirections(-90), rotationDirections(270))).toBe(true)
    for (const deg of [0, 45, 137, 300]) {
      const r = rotationDirections(deg)
      expect(Math.abs(dot(applyFrame(f, [r[0], r[1], r[2]]), f.t))).toBeLessThan(1e-9)
    }
  })

  it('stretched mode uses one frame along the chord', () => {
    const f = stretchedFrame([[0, 0, 0], [5, 3, 0], [0, 0, 40]], [1, 0, 0])
    expect(close(f.t, [0, 0, 1])).toBe(true)
    expect(close(f.v, [1, 0, 0])).toBe(true)
    expect(close(f.u, [0, 1, 0].map((x) => -x) as Vec3) || close(f.u, [0, -1, 0])).toBe(true)
  })

  it('turns a frame into the quaternion that maps the model axes onto it', () => {
    const frames = [
      stretchedFrame([[0, 0, 0], [0, 0, 40]], [1, 0, 0]),
      stretchedFrame([[0, 0, 0], [3, -4, 12]], [0.2, 1, 0]),
      ...buildCenterline([[0, 0, 0], [-10, 20, 5], [-40, 25, 30], [-50, -5, 60]], [0, 1, 0]).frames.filter((_, i) => i % 25 === 0),
    ]
    for (const f of frames) {
      const q = quatFromMatrix(frameMatrix(f))
      expect(close(rotateByQuat(q, [1, 0, 0]), f.u, 1e-6)).toBe(true)
      expect(close(rotateByQuat(q, [0, 1, 0]), f.v, 1e-6)).toBe(true)
      expect(close(rotateByQuat(q, [0, 0, 1]), f.t, 1e-6)).toBe(true)
    }
  })

  it('samples a slab with an odd number of samples', () => {
    expect(slabSamples(0, 0.7)).toBe(1)
    expect(slabSamples(10, 1)).toBe(11)
    expect(slabSamples(9, 1)).toBe(11)
    expect(slabSamples(500, 0.5)).toBe(127)
  })
})

/** A CT-like volume: air, a body cylinder (muscle with a lung), and a table under it; ``k`` scales it in plane. */
function phantom(bridge = false, k = 1): { data: Int16Array; dims: Dims; body: (x: number, y: number) => boolean; table: (x: number, y: number) => boolean; lung: (x: number, y: number) => boolean; strap: (x: number, y: number) => boolean } {
  const dims: Dims = [48 * k, 40 * k, 12]
  const [nx, ny, nz] = dims
  const data = new Int16Array(nx * ny * nz).fill(-1000)
  const body = (x: number, y: number) => ((x / k - 24) / 16) ** 2 + ((y / k - 15) / 11) ** 2 <= 1
  const lung = (x: number, y: number) => ((x / k - 19) / 3) ** 2 + ((y / k - 14) / 4) ** 2 <= 1
  const table = (x: number, y: number) => y >= 30 * k && y < 36 * k && x >= 2 * k && x < 46 * k
  // a one-voxel strap between body and table
  const strap = (x: number, y: number) => bridge && x === 24 * k && !body(x, y) && !table(x, y) && y > 20 * k && y < 30 * k
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = (z * ny + y) * nx + x
        if (body(x, y)) data[i] = lung(x, y) ? -850 : 40 + ((x + y + z) % 7)
        if (table(x, y)) data[i] = 150
        if (strap(x, y)) data[i] = 60
      }
    }
  }
  return { data, dims, body, table, lung, strap }
}

describe('tableRemoval', () => {
  it('erodes and dilates in plane', () => {
    const dims: Dims = [7, 7, 1]
    const m = new Uint8Array(49)
    for (let y = 1; y <= 5; y++) for (let x = 1; x <= 5; x++) m[y * 7 + x] = 1
    const e = morph2d(m, dims, 1, 'erode')
    expect([...e].reduce((a, b) => a + b, 0)).toBe(9)
    expect(e[3 * 7 + 3]).toBe(1)
    const d = morph2d(e, dims, 1, 'dilate')
    expect([...d]).toEqual([...m])
  })

  it('shrinks a mask into blocks (any voxel set)', () => {
    const m = new Uint8Array(16)
    m[5] = 1 // (1, 1)
    m[15] = 1 // (3, 3)
    expect(shrink2d(m, [4, 4, 1], 2)).toEqual({ mask: new Uint8Array([1, 0, 0, 1]), dims: [2, 2, 1] })
  })

  it('keeps the largest 6-connected component', () => {
    const dims: Dims = [5, 1, 3]
    const m = new Uint8Array([1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])
    // component A: x0,x1 of z0 (2); component B: x3 z0, x3 z1, x3 z2 (3, joined along z)
    expect([...largestComponent(m, dims)]).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])
  })

  for (const [bridge, k, block] of [[false, 1, 1], [true, 1, 1], [false, 3, 2], [true, 3, 2]] as const) {
    it(`removes the table and keeps the body, lungs and air${bridge ? ' (table strapped to the body)' : ''}, ${block}×${block} blocks`, () => {
      const { data, dims, body, table, lung, strap } = phantom(bridge, k)
      const before = data.slice()
      const { data: out, removed, kept } = removeTable(data, dims, { block })
      expect(data).toEqual(before) // a copy
      const [nx, ny, nz] = dims
      let tableVoxels = 0
      for (let z = 0; z < nz; z++) {
        for (let y = 0; y < ny; y++) {
          for (let x = 0; x < nx; x++) {
            const i = (z * ny + y) * nx + x
            if (table(x, y)) {
              expect(out[i]).toBe(-1000)
              tableVoxels++
            } else if (body(x, y)) {
              expect(out[i]).toBe(data[i])
              if (lung(x, y)) expect(out[i]).toBe(-850)
            } else if (strap(x, y)) {
              expect(out[i]).toBe(60) // the strap touches the patient: it stays
            } else {
              expect(out[i]).toBe(-1000)
            }
          }
        }
      }
      expect(removed).toBe(tableVoxels)
      expect(kept).toBeGreaterThan(tableVoxels)
      const { body: mask } = bodyMask(data, dims, { block })
      expect(mask[(5 * ny + 16 * k) * nx + 24 * k]).toBe(1)
      expect(mask[(5 * ny + 32 * k) * nx + 24 * k]).toBe(0)
    })
  }

  it('works in blocks by default on large slices', () => {
    const { data, dims, table } = phantom(false, 6) // 288 × 240 slices
    const { data: out, removed } = removeTable(data, dims)
    let tableVoxels = 0
    for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) if (table(x, y)) tableVoxels++
    expect(removed).toBe(tableVoxels * dims[2])
    expect(out[(3 * dims[1] + 32 * 6) * dims[0] + 100]).toBe(-1000)
  })

  it('uses the given fill value', () => {
    const { data, dims } = phantom()
    const { data: out } = removeTable(data, dims, { fill: -1024 })
    expect(out[(0 * dims[1] + 32) * dims[0] + 10]).toBe(-1024)
  })
})

describe('cut', () => {
  const g: Geometry = { dims: [20, 20, 10], spacing: [1, 1, 2], origin: [-9.5, -9.5, -9], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }
  const camera: Camera = { position: [0, 0, 100], focalPoint: [0, 0, 0], viewUp: [0, 1, 0], parallelProjection: true, parallelScale: 10 }

  it('projects like a camera (parallel and perspective)', () => {
    const p = projector(camera, 200, 200)
    expect(p([0, 0, 0])).toEqual([100, 100])
    expect(p([10, 0, 5])).toEqual([200, 100])
    expect(p([0, 10, -3])).toEqual([100, 0])
    const persp = projector({ ...camera, parallelProjection: false, viewAngle: 90 }, 200, 200)
    expect(close(persp([50, 0, 50]), [200, 100])).toBe(true) // depth 50, half-angle 45° → edge
    expect(close(persp([25, 0, 50]), [150, 100])).toBe(true)
  })

  it('rasterizes a polygon (even-odd)', () => {
    const square = rasterizePolygon([[2, 2], [6, 2], [6, 6], [2, 6]], 8, 8)
    expect([...square].reduce((a, b) => a + b, 0)).toBe(16)
    expect(square[3 * 8 + 3]).toBe(1)
    expect(square[1 * 8 + 1]).toBe(0)
    expect(rasterizePolygon([[0, 0], [1, 1]], 4, 4).every((v) => v === 0)).toBe(true)
  })

  it('cuts the voxels inside the extruded polygon, through the whole depth', () => {
    const data = new Int16Array(20 * 20 * 10).fill(100)
    // the left half of the view (x < 0 in world), all rows
    const changed = cutPolygon(data, g, camera, { width: 200, height: 200 }, [[0, 0], [100, 0], [100, 200], [0, 200]], -1000)
    expect(changed).toBe(10 * 20 * 10)
    for (let k = 0; k < 10; k++) {
      for (let j = 0; j < 20; j++) {
        for (let i = 0; i < 20; i++) {
          const w = indexToWorld(g, i, j, k)
          expect(data[(k * 20 + j) * 20 + i]).toBe(w[0] < 0 ? -1000 : 100)
        }
      }
    }
    // cutting again changes nothing
    expect(cutPolygon(data, g, camera, { width: 200, height: 200 }, [[0, 0], [100, 0], [100, 200], [0, 200]], -1000)).toBe(0)
  })

  it('cuts along the view direction of a side camera', () => {
    const data = new Int16Array(20 * 20 * 10).fill(1)
    const side: Camera = { position: [100, 0, 0], focalPoint: [0, 0, 0], viewUp: [0, 0, 1], parallelProjection: true, parallelScale: 10 }
    // top half of the view = world z > 0, whatever x
    cutPolygon(data, g, side, { width: 100, height: 100 }, [[0, 0], [100, 0], [100, 50], [0, 50]], 0)
    for (let k = 0; k < 10; k++) {
      const z = indexToWorld(g, 0, 0, k)[2]
      expect(data[(k * 20 + 5) * 20 + 3]).toBe(z > 0 ? 0 : 1)
    }
  })

  it('builds six inward clipping planes from a box of fractions', () => {
    const planes = clipPlanes(g, { i: [0.25, 1], j: [0, 1], k: [0, 0.5] })
    expect(planes).toHaveLength(6)
    const x25 = -9.5 + 0.25 * 19
    expect(insidePlanes(planes, [x25 + 0.1, 0, -5])).toBe(true)
    expect(insidePlanes(planes, [x25 - 0.1, 0, -5])).toBe(false)
    const zHalf = -9 + 0.5 * 18
    expect(insidePlanes(planes, [5, 0, zHalf + 0.1])).toBe(false)
    expect(insidePlanes(planes, [5, 9.5, zHalf - 0.1])).toBe(true)
  })

  it('lays out the box: corners, edges and faces in world space', () => {
    const box = { i: [0.25, 1] as [number, number], j: [0, 1] as [number, number], k: [0, 0.5] as [number, number] }
    const corners = boxCorners(box)
    expect(corners).toHaveLength(8)
    expect(BOX_EDGES).toHaveLength(12)
    // every edge joins corners that differ along one axis only
    for (const [a, b] of BOX_EDGES) expect(corners[a].filter((v, n) => v !== corners[b][n])).toHaveLength(1)
    expect(close(boxPoint(g, [0.25, 0, 0.5]), [-9.5 + 0.25 * 19, -9.5, 0])).toBe(true)
    // the face handle of the pushed i face sits on the first clipping plane, in the middle of the others
    expect(faceCentre(box, 'i', 0)).toEqual([0.25, 0.5, 0.25])
    const planes = clipPlanes(g, box)
    const c = boxPoint(g, faceCentre(box, 'i', 0))
    expect(Math.abs((c[0] - planes[0].origin[0]) * planes[0].normal[0])).toBeLessThan(1e-9)
    expect(faceCorners(box, 'k', 1).every((f) => f[2] === 0.5)).toBe(true)
    expect(new Set(faceCorners(box, 'k', 1).map((f) => f.join())).size).toBe(4)
  })

  it('turns a drag on the view into a push of one face, kept in the volume', () => {
    // the k axis of the volume runs 200 px down the screen: 50 px down is a quarter
    expect(dragFraction([0, 50], [0, 200])).toBeCloseTo(0.25, 9)
    expect(dragFraction([30, 0], [0, 200])).toBe(0) // across the axis: nothing
    expect(dragFraction([0, 50], [0, 4])).toBe(0) // axis seen end on: not draggable here
    let box = pushFace(FULL_BOX, 'k', 1, -0.25)
    expect(box.k).toEqual([0, 0.75])
    expect(FULL_BOX.k).toEqual([0, 1]) // the input is not changed
    expect(isFullBox(box)).toBe(false)
    box = pushFace(box, 'k', 0, 0.9) // the low face stops short of the high one
    expect(box.k[0]).toBeCloseTo(0.75 - MIN_BOX, 9)
    expect(pushFace(FULL_BOX, 'i', 0, -0.3).i).toEqual([0, 1]) // not out of the volume
    expect(isFullBox(FULL_BOX)).toBe(true)
  })
})

describe('transferFunction', () => {
  it('converts colors', () => {
    expect(toHex(1, 0.5, 0)).toBe('#ff8000')
    expect(close(fromHex('#ff8000'), [1, 128 / 255, 0])).toBe(true)
    expect(fromHex('#fff')).toEqual([1, 1, 1])
  })

  it('merges a preset’s opacity and color nodes into one curve and splits it back', () => {
    const points = mergeNodes([{ x: -1000, y: 0 }, { x: 200, y: 0.5 }, { x: 3000, y: 1 }], [{ x: -1000, r: 0, g: 0, b: 0 }, { x: 1000, r: 1, g: 1, b: 1 }], -1024, 3071)
    expect(points.map((p) => p.hu)).toEqual([-1000, 200, 1000, 3000])
    expect(points[1].color).toBe(toHex(0.6, 0.6, 0.6))
    expect(points[2].opacity).toBeCloseTo(0.5 + (0.5 * 800) / 2800, 6)
    const { opacity, color } = splitPoints(points)
    expect(opacity.map((n) => n.x)).toEqual([-1000, 200, 1000, 3000])
    expect(color[3]).toEqual({ x: 3000, r: 1, g: 1, b: 1 })
  })

  it('drags a point between its neighbours and within the range', () => {
    const pts = mergeNodes([{ x: 0, y: 0 }, { x: 100, y: 0.5 }, { x: 200, y: 1 }], [], -1000, 3000)
    expect(movePoint(pts, 1, 500, 2, -1000, 3000)[1]).toMatchObject({ hu: 199, opacity: 1 })
    expect(movePoint(pts, 0, -5000, -1, -1000, 3000)[0]).toMatchObject({ hu: -1000, opacity: 0 })
    expect(pts[1].hu).toBe(100) // unchanged input
  })

  it('adds a point with the curve’s color there and never removes below two points', () => {
    const pts = mergeNodes([{ x: 0, y: 0 }, { x: 100, y: 1 }], [{ x: 0, r: 0, g: 0, b: 0 }, { x: 100, r: 1, g: 0, b: 0 }])
    const { points, index } = addPoint(pts, 50, 0.3)
    expect(index).toBe(1)
    expect(points[1]).toEqual({ hu: 50, opacity: 0.3, color: toHex(0.5, 0, 0) })
    expect(removePoint(points, 1)).toHaveLength(2)
    expect(removePoint(pts, 0)).toHaveLength(2)
  })
})
