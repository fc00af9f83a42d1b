/**
 * 画笔裁剪 (free-hand cut) and 框选裁剪 (clipping box), pure: a polygon drawn on the VR view is extruded
 * along the view direction and every voxel whose projection falls inside it is set to ``fill``.
 * The projection is the camera's (parallel or perspective), as Cornerstone's 3D viewport renders it.
 */
import { cross, dot, normalize, sub, type Vec3 } from './cprMath'

export interface Camera {
  position: Vec3
  focalPoint: Vec3
  viewUp: Vec3
  parallelProjection?: boolean
  parallelScale?: number
  /** vertical view angle in degrees (perspective) */
  viewAngle?: number
}

export interface Geometry {
  dims: [number, number, number]
  spacing: Vec3
  origin: Vec3
  /** column-major 3×3: the world directions of the index axes i, j, k */
  direction: number[]
}

export type Point2 = [number, number]

/** World → canvas (CSS pixels, y down) of a camera on a ``width`` × ``height`` canvas. */
export function projector(camera: Camera, width: number, height: number): (p: Vec3) => Point2 {
  const dir = normalize(sub(camera.focalPoint, camera.position))
  const right = normalize(cross(dir, camera.viewUp))
  const up = normalize(cross(right, dir))
  const cx = width / 2
  const cy = height / 2
  if (camera.parallelProjection !== false) {
    const k = cy / (camera.parallelScale || 1)
    return (p) => {
      const d = sub(p, camera.focalPoint)
      return [cx + dot(d, right) * k, cy - dot(d, up) * k]
    }
  }
  const tanHalf = Math.tan(((camera.viewAngle ?? 30) * Math.PI) / 360)
  return (p) => {
    const d = sub(p, camera.position)
    const depth = Math.max(1e-6, dot(d, dir))
    const k = cy / (depth * tanHalf)
    return [cx + dot(d, right) * k, cy - dot(d, up) * k]
  }
}

/** Even–odd fill of a polygon on a ``width`` × ``height`` grid (pixel centres), 1 inside. */
export function rasterizePolygon(polygon: Point2[], width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height)
  const n = polygon.length
  if (n < 3) return out
  const xs: number[] = []
  for (let y = 0; y < height; y++) {
    const py = y + 0.5
    xs.length = 0
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = polygon[i]
      const [xj, yj] = polygon[j]
      if ((yi > py) !== (yj > py)) xs.push(xi + ((py - yi) * (xj - xi)) / (yj - yi))
    }
    xs.sort((a, b) => a - b)
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k] - 0.5))
      const to = Math.min(width - 1, Math.floor(xs[k + 1] - 0.5))
      for (let x = from; x <= to; x++) out[y * width + x] = 1
    }
  }
  return out
}

/** The world position of voxel (i, j, k). */
export function indexToWorld(g: Geometry, i: number, j: number, k: number): Vec3 {
  const d = g.direction
  const a = i * g.spacing[0]
  const b = j * g.spacing[1]
  const c = k * g.spacing[2]
  return [
    g.origin[0] + d[0] * a + d[3] * b + d[6] * c,
    g.origin[1] + d[1] * a + d[4] * b + d[7] * c,
    g.origin[2] + d[2] * a + d[5] * b + d[8] * c,
  ]
}

type Writable = ArrayLike<number> & { [i: number]: number; length: number }

/**
 * Set every voxel whose projection falls inside ``polygon`` (canvas pixels) to ``fill``, in place.
 * Returns how many voxels changed value.
 */
export function cutPolygon(data: Writable, g: Geometry, camera: Camera, canvas: { width: number; height: number }, polygon: Point2[], fill: number): number {
  const W = Math.max(1, Math.round(canvas.width))
  const H = Math.max(1, Math.round(canvas.height))
  const inside = rasterizePolygon(polygon, W, H)
  const [nx, ny, nz] = g.dims
  const project = projector(camera, W, H)
  // the projection is linear along i for a parallel camera and projective otherwise: evaluate the
  // two ends of each row and interpolate in homogeneous form
  const parallel = camera.parallelProjection !== false
  const dir = normalize(sub(camera.focalPoint, camera.position))
  let changed = 0
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = (k * ny + j) * nx
      const p0 = indexToWorld(g, 0, j, k)
      const p1 = indexToWorld(g, nx - 1, j, k)
      const a = project(p0)
      const b = project(p1)
      let w0 = 1
      let w1 = 1
      if (!parallel) {
        w0 = 1 / Math.max(1e-6, dot(sub(p0, camera.position), dir))
        w1 = 1 / Math.max(1e-6, dot(sub(p1, camera.position), dir))
      }
      for (let i = 0; i < nx; i++) {
        const f = nx > 1 ? i / (nx - 1) : 0
        let x: number
        let y: number
        if (parallel) {
          x = a[0] + (b[0] - a[0]) * f
          y = a[1] + (b[1] - a[1]) * f
        } else {
          const w = w0 + (w1 - w0) * f
          x = (a[0] * w0 * (1 - f) + b[0] * w1 * f) / w
          y = (a[1] * w0 * (1 - f) + b[1] * w1 * f) / w
        }
        const px = Math.floor(x)
        const py = Math.floor(y)
        if (px < 0 || py < 0 || px >= W || py >= H || !inside[py * W + px]) continue
        if (data[row + i] !== fill) {
          data[row + i] = fill
          changed++
        }
      }
    }
  }
  return changed
}

/** A clipping box as fractions 0–1 of the volume along its index axes i, j, k. */
export interface ClipBox {
  i: [number, number]
  j: [number, number]
  k: [number, number]
}

export const FULL_BOX: ClipBox = { i: [0, 1], j: [0, 1], k: [0, 1] }

/**
 * The six planes of a clipping box, in world space, normals pointing inside (what vtk's clipping planes
 * keep). Each face of the box can be pushed on its own (框选裁剪: 按一个面平推).
 */
export function clipPlanes(g: Geometry, box: ClipBox): { origin: Vec3; normal: Vec3 }[] {
  const d = g.direction
  const axes: Vec3[] = [[d[0], d[1], d[2]], [d[3], d[4], d[5]], [d[6], d[7], d[8]]]
  const planes: { origin: Vec3; normal: Vec3 }[] = []
  ;(['i', 'j', 'k'] as const).forEach((name, axis) => {
    const extent = (g.dims[axis] - 1) * g.spacing[axis]
    const [lo, hi] = box[name]
    const at = (f: number): Vec3 => {
      const idx: [number, number, number] = [0, 0, 0]
      idx[axis] = (f * extent) / g.spacing[axis]
      return indexToWorld(g, idx[0], idx[1], idx[2])
    }
    const n = axes[axis]
    planes.push({ origin: at(Math.min(lo, hi)), normal: [n[0], n[1], n[2]] })
    planes.push({ origin: at(Math.max(lo, hi)), normal: [-n[0], -n[1], -n[2]] })
  })
  return planes
}

/** Whether a world point is kept by the planes (on the inner side of all of them). */
export function insidePlanes(planes: { origin: Vec3; normal: Vec3 }[], p: Vec3): boolean {
  return planes.every((pl) => dot(sub(p, pl.origin), pl.normal) >= -1e-9)
}

// --- the clipping box in the 3D view: its corners, faces and a face pushed by a drag ---------------------

export type BoxAxis = 'i' | 'j' | 'k'
/** 0: the face at the box's low end of the axis, 1: at its high end */
export type BoxSide = 0 | 1
export const BOX_AXES: BoxAxis[] = ['i', 'j', 'k']
/** the thinnest a box may get along an axis (fraction of the volume) */
export const MIN_BOX = 0.02

/** The world position of a point given as fractions 0–1 of the volume along i, j, k (as {@link clipPlanes}). */
export function boxPoint(g: Geometry, f: [number, number, number]): Vec3 {
  return indexToWorld(g, f[0] * (g.dims[0] - 1), f[1] * (g.dims[1] - 1), f[2] * (g.dims[2] - 1))
}

function fractions(box: ClipBox, pick: (axis: BoxAxis, n: number) => number): [number, number, number] {
  return BOX_AXES.map((a, n) => pick(a, n)) as [number, number, number]
}

/** The eight corners of the box (fractions), corner ``c`` at the high end of axis ``n`` when bit ``n`` is set. */
export function boxCorners(box: ClipBox): [number, number, number][] {
  const out: [number, number, number][] = []
  for (let c = 0; c < 8; c++) out.push(fractions(box, (a, n) => box[a][(c >> n) & 1]))
  return out
}

/** The twelve edges of the box as pairs of corner indices (into {@link boxCorners}). */
export const BOX_EDGES: [number, number][] = (() => {
  const edges: [number, number][] = []
  for (let c = 0; c < 8; c++) for (let n = 0; n < 3; n++) if (!((c >> n) & 1)) edges.push([c, c | (1 << n)])
  return edges
})()

/** The four corners of one face, in order round it (fractions). */
export function faceCorners(box: ClipBox, axis: BoxAxis, side: BoxSide): [number, number, number][] {
  const [a, b] = BOX_AXES.filter((x) => x !== axis)
  const at = (u: number, v: number) => fractions(box, (x) => (x === axis ? box[axis][side] : x === a ? box[a][u] : box[b][v]))
  return [at(0, 0), at(1, 0), at(1, 1), at(0, 1)]
}

/** The centre of one face (fractions): where its handle sits. */
export function faceCentre(box: ClipBox, axis: BoxAxis, side: BoxSide): [number, number, number] {
  return fractions(box, (a) => (a === axis ? box[a][side] : (box[a][0] + box[a][1]) / 2))
}

/**
 * How far (fraction of the volume) a drag of ``drag`` pixels pushes a face whose axis, from fraction 0 to
 * 1, runs along ``axisOnScreen`` pixels: the drag's component along that direction. An axis seen end on
 * (pointing at the viewer) gives 0: that face is pushed from another view.
 */
export function dragFraction(drag: Point2, axisOnScreen: Point2): number {
  const len2 = axisOnScreen[0] ** 2 + axisOnScreen[1] ** 2
  if (len2 < 64) return 0 // under 8 px for the whole volume: too steep to drag
  return (drag[0] * axisOnScreen[0] + drag[1] * axisOnScreen[1]) / len2
}

/** The box with one face moved by ``delta`` (fraction), kept inside the volume and at least {@link MIN_BOX} thick. */
export function pushFace(box: ClipBox, axis: BoxAxis, side: BoxSide, delta: number): ClipBox {
  const out: ClipBox = { i: [...box.i], j: [...box.j], k: [...box.k] }
  const [lo, hi] = out[axis]
  if (side === 0) out[axis][0] = Math.min(Math.max(0, lo + delta), hi - MIN_BOX)
  else out[axis][1] = Math.max(Math.min(1, hi + delta), lo + MIN_BOX)
  out[axis][side] = Math.round(out[axis][side] * 1000) / 1000
  return out
}

/** Whether the box is the whole volume. */
export function isFullBox(box: ClipBox): boolean {
  return BOX_AXES.every((a) => box[a][0] <= 0 && box[a][1] >= 1)
}
