/**
 * 配准 math: 4×4 rigid transforms as the server keeps them (16 numbers, row-major, moving patient
 * coordinates → fixed patient coordinates, mm), the six parameters the user edits (translation mm,
 * rotation degrees about a centre, R = Rz·Ry·Rx — the same as ``radix.viewer.registration.rigid``),
 * and the column-major layout vtk.js wants for an actor's user matrix.
 */

export type Mat4 = number[] // 16, row-major
export type Vec3 = [number, number, number]
export interface RigidParams {
  tx: number
  ty: number
  tz: number
  rx: number
  ry: number
  rz: number
}

export const ZERO: RigidParams = { tx: 0, ty: 0, tz: 0, rx: 0, ry: 0, rz: 0 }

export function identity(): Mat4 {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
}

export function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Array(16).fill(0)
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[r * 4 + c] += a[r * 4 + k] * b[k * 4 + c]
  return out
}

const rad = (d: number) => (d * Math.PI) / 180
const deg = (r: number) => (r * 180) / Math.PI

/** R = Rz · Ry · Rx (degrees), as rows. */
export function rotation(rx: number, ry: number, rz: number): number[][] {
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(rad(rx)), Math.sin(rad(rx)), Math.cos(rad(ry)), Math.sin(rad(ry)), Math.cos(rad(rz)), Math.sin(rad(rz))]
  return [
    [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx],
    [sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx],
    [-sy, cy * sx, cy * cx],
  ]
}

/** The transform of ``p`` about ``centre``: rotate about it, then translate. */
export function fromParams(p: RigidParams, centre: Vec3): Mat4 {
  const r = rotation(p.rx, p.ry, p.rz)
  const t = [0, 1, 2].map((i) => centre[i] - (r[i][0] * centre[0] + r[i][1] * centre[1] + r[i][2] * centre[2]) + [p.tx, p.ty, p.tz][i])
  return [...r[0], t[0], ...r[1], t[1], ...r[2], t[2], 0, 0, 0, 1]
}

/** The parameters of a rigid matrix about ``centre`` (inverse of {@link fromParams}). */
export function toParams(m: Mat4, centre: Vec3): RigidParams {
  const r = [[m[0], m[1], m[2]], [m[4], m[5], m[6]], [m[8], m[9], m[10]]]
  const ry = deg(Math.asin(Math.max(-1, Math.min(1, -r[2][0]))))
  let rx: number
  let rz: number
  if (Math.abs(r[2][0]) < 0.999999) {
    rx = deg(Math.atan2(r[2][1], r[2][2]))
    rz = deg(Math.atan2(r[1][0], r[0][0]))
  } else {
    rx = 0
    rz = deg(Math.atan2(-r[0][1], r[1][1]))
  }
  const t = [0, 1, 2].map((i) => m[i * 4 + 3] - (centre[i] - (r[i][0] * centre[0] + r[i][1] * centre[1] + r[i][2] * centre[2])))
  return { tx: t[0], ty: t[1], tz: t[2], rx, ry, rz }
}

export function invertRigid(m: Mat4): Mat4 {
  const r = [[m[0], m[4], m[8]], [m[1], m[5], m[9]], [m[2], m[6], m[10]]] // transposed
  const t = [m[3], m[7], m[11]]
  const ti = [0, 1, 2].map((i) => -(r[i][0] * t[0] + r[i][1] * t[1] + r[i][2] * t[2]))
  return [...r[0], ti[0], ...r[1], ti[1], ...r[2], ti[2], 0, 0, 0, 1]
}

export function apply(m: Mat4, p: Vec3): Vec3 {
  return [0, 1, 2].map((i) => m[i * 4] * p[0] + m[i * 4 + 1] * p[1] + m[i * 4 + 2] * p[2] + m[i * 4 + 3]) as Vec3
}

/** Row-major → column-major (gl-matrix / vtk.js ``setUserMatrix``). */
export function columnMajor(m: Mat4): number[] {
  const out = new Array(16)
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) out[c * 4 + r] = m[r * 4 + c]
  return out
}

/** A rotation by ``degrees`` about the unit ``axis`` through ``centre`` (manual rotation in a view plane). */
export function axisRotation(axis: Vec3, degrees: number, centre: Vec3): Mat4 {
  const n = Math.hypot(...axis) || 1
  const [x, y, z] = axis.map((v) => v / n)
  const c = Math.cos(rad(degrees))
  const s = Math.sin(rad(degrees))
  const k = 1 - c
  const r = [
    [c + x * x * k, x * y * k - z * s, x * z * k + y * s],
    [y * x * k + z * s, c + y * y * k, y * z * k - x * s],
    [z * x * k - y * s, z * y * k + x * s, c + z * z * k],
  ]
  const t = [0, 1, 2].map((i) => centre[i] - (r[i][0] * centre[0] + r[i][1] * centre[1] + r[i][2] * centre[2]))
  return [...r[0], t[0], ...r[1], t[1], ...r[2], t[2], 0, 0, 0, 1]
}

export function translation(d: Vec3): Mat4 {
  return [1, 0, 0, d[0], 0, 1, 0, d[1], 0, 0, 1, d[2], 0, 0, 0, 1]
}

export function round(m: Mat4, digits = 6): Mat4 {
  const f = 10 ** digits
  return m.map((v) => Math.round(v * f) / f + 0)
}

/** How a drag in one view of the moving series adjusts it (manual registration). */
export type ViewDrag = 'move' | 'depth' | 'rotate' | 'tilt'

export interface ViewCamera {
  /** unit vector from the focal point towards the viewer */
  viewPlaneNormal: number[]
  /** unit vector up the screen */
  viewUp: number[]
  focalPoint: number[]
  /** half the view's height in mm */
  parallelScale: number
}

/** degrees of tilt per pixel dragged */
export const TILT_DEGREES_PER_PIXEL = 0.25

const unit = (v: number[]): Vec3 => {
  const n = Math.hypot(v[0], v[1], v[2]) || 1
  return [v[0] / n, v[1] / n, v[2] / n]
}
const crossV = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]

/**
 * The transform a drag of (``dx``, ``dy``) canvas pixels (y down) from (``x0``, ``y0``) makes in a view
 * ``height`` pixels tall (``width`` wide), to put before the matrix the drag started from. Together the
 * four kinds cover all six degrees of freedom from any one view:
 * - ``move``: along the screen (the two in-plane axes), the moving series following the pointer;
 * - ``depth``: along the view normal (the third axis), a drag up brings it towards the viewer;
 * - ``rotate``: about the view normal through the focal point (in-plane), by the angle swept about the centre;
 * - ``tilt``: about the two in-plane axes through the focal point (out of plane), like a trackball:
 *   across turns about the screen's up axis, up–down about its horizontal axis.
 */
export function viewDrag(kind: ViewDrag, camera: ViewCamera, size: { width: number; height: number }, x0: number, y0: number, dx: number, dy: number): Mat4 {
  const normal = unit(camera.viewPlaneNormal)
  const up = unit(camera.viewUp)
  const right = crossV(up, normal) // screen right: the direction of projection (−normal) × up
  const mm = (camera.parallelScale || 1) / (size.height / 2)
  const centre = camera.focalPoint.slice(0, 3) as Vec3
  if (kind === 'move') return translation([0, 1, 2].map((i) => (right[i] * dx - up[i] * dy) * mm) as Vec3)
  if (kind === 'depth') return translation(normal.map((v) => -v * dy * mm) as Vec3)
  if (kind === 'rotate') {
    const cx = size.width / 2
    const cy = size.height / 2
    const angle = (Math.atan2(y0 + dy - cy, x0 + dx - cx) - Math.atan2(y0 - cy, x0 - cx)) * (180 / Math.PI)
    // canvas angles grow clockwise, the normal points at the viewer: a clockwise sweep is a negative turn
    return axisRotation(normal, -angle, centre)
  }
  // tilt: a positive turn about up carries the near side (+normal) to the right, one about right carries it down
  return multiply(axisRotation(right, dy * TILT_DEGREES_PER_PIXEL, centre), axisRotation(up, dx * TILT_DEGREES_PER_PIXEL, centre))
}
