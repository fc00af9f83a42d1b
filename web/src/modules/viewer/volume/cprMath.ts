/**
 * CPR (曲面重建) geometry, pure: the centerline the user clicks on an MPR pane becomes a smooth curve
 * sampled every ``step`` mm, with one orientation frame per sample for vtk.js's ImageCPRMapper.
 *
 * A frame is (u, v, t): t the curve's tangent, u the direction the CPR image samples across (its rows),
 * v the projection direction of a slab (MaxIP/MinIP/AvgIP), with v = t × u (a rotation). The mapper
 * takes each frame as a column-major 3×3 matrix [u | v | t] and maps its model axes x, y, z onto them;
 * rotating the CPR around the centerline (0–360°) is the direction matrix of ``rotationDirections``.
 */
export type Vec3 = [number, number, number]

export interface Frame {
  t: Vec3
  u: Vec3
  v: Vec3
}

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s]
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2])
export const dist = (a: Vec3, b: Vec3): number => norm(sub(a, b))

export function normalize(a: Vec3): Vec3 {
  const n = norm(a)
  return n > 1e-12 ? scale(a, 1 / n) : [0, 0, 0]
}

/** Points closer than ``eps`` mm to the previous one are dropped (a double click adds the same point twice). */
export function dedupe(points: Vec3[], eps = 1e-3): Vec3[] {
  const out: Vec3[] = []
  for (const p of points) if (!out.length || dist(out[out.length - 1], p) > eps) out.push([p[0], p[1], p[2]])
  return out
}

/** Cumulative arc length at each vertex of a polyline (0 at the first point). */
export function arcLengths(points: Vec3[]): number[] {
  const out = points.length ? [0] : []
  for (let i = 1; i < points.length; i++) out.push(out[i - 1] + dist(points[i - 1], points[i]))
  return out
}

/**
 * Centripetal Catmull–Rom through the clicked points (no cusps, no overshoot loops): ``perSegment``
 * samples between two clicked points. Two points give their straight segment.
 */
export function smoothCenterline(points: Vec3[], perSegment = 16): Vec3[] {
  const p = dedupe(points)
  if (p.length < 3) return p
  const out: Vec3[] = []
  for (let i = 0; i < p.length - 1; i++) {
    const p0 = i === 0 ? sub(scale(p[0], 2), p[1]) : p[i - 1]
    const p1 = p[i]
    const p2 = p[i + 1]
    const p3 = i + 2 < p.length ? p[i + 2] : sub(scale(p[i + 1], 2), p[i])
    const t0 = 0
    const t1 = t0 + Math.sqrt(Math.max(dist(p0, p1), 1e-6))
    const t2 = t1 + Math.sqrt(Math.max(dist(p1, p2), 1e-6))
    const t3 = t2 + Math.sqrt(Math.max(dist(p2, p3), 1e-6))
    for (let k = 0; k < perSegment; k++) {
      const t = t1 + ((t2 - t1) * k) / perSegment
      const a1 = add(scale(p0, (t1 - t) / (t1 - t0)), scale(p1, (t - t0) / (t1 - t0)))
      const a2 = add(scale(p1, (t2 - t) / (t2 - t1)), scale(p2, (t - t1) / (t2 - t1)))
      const a3 = add(scale(p2, (t3 - t) / (t3 - t2)), scale(p3, (t - t2) / (t3 - t2)))
      const b1 = add(scale(a1, (t2 - t) / (t2 - t0)), scale(a2, (t - t0) / (t2 - t0)))
      const b2 = add(scale(a2, (t3 - t) / (t3 - t1)), scale(a3, (t - t1) / (t3 - t1)))
      out.push(add(scale(b1, (t2 - t) / (t2 - t1)), scale(b2, (t - t1) / (t2 - t1))))
    }
  }
  out.push(p[p.length - 1])
  return out
}

/** The polyline resampled at equal arc-length steps of ``step`` mm (first and last points kept). */
export function resampleCenterline(points: Vec3[], step: number): Vec3[] {
  const p = dedupe(points)
  if (p.length < 2 || !(step > 0)) return p
  const s = arcLengths(p)
  const total = s[s.length - 1]
  const n = Math.max(1, Math.round(total / step))
  const out: Vec3[] = []
  let seg = 0
  for (let k = 0; k <= n; k++) {
    const target = (total * k) / n
    while (seg < p.length - 2 && s[seg + 1] < target) seg++
    const len = s[seg + 1] - s[seg]
    const f = len > 0 ? Math.min(1, Math.max(0, (target - s[seg]) / len)) : 0
    out.push(add(p[seg], scale(sub(p[seg + 1], p[seg]), f)))
  }
  return out
}

/** Unit tangents: central differences inside, one-sided at the ends. */
export function tangents(points: Vec3[]): Vec3[] {
  const n = points.length
  return points.map((_, i) => normalize(sub(points[Math.min(n - 1, i + 1)], points[Math.max(0, i - 1)])))
}

/** A unit vector orthogonal to ``t``, as close as possible to ``hint`` (any orthogonal one if parallel). */
export function orthogonal(t: Vec3, hint: Vec3): Vec3 {
  const h = sub(hint, scale(t, dot(hint, t)))
  if (norm(h) > 1e-6) return normalize(h)
  const axis: Vec3 = Math.abs(t[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]
  return normalize(sub(axis, scale(t, dot(axis, t))))
}

function frameFrom(t: Vec3, v: Vec3): Frame {
  // u = v × t so that (u, v, t) is right-handed and v = t × u
  return { t, v, u: normalize(cross(v, t)) }
}

/**
 * Rotation-minimising frames along the curve (double reflection, Wang et al. 2008): the frame does not
 * twist around the centerline. The first frame's projection direction v is ``viewNormal`` (the
 * drawing pane's normal) made orthogonal to the tangent, so that at 0° the CPR cuts the curve in the
 * plane the user drew it in.
 */
export function rotationMinimizingFrames(points: Vec3[], viewNormal: Vec3 = [0, 0, 1]): Frame[] {
  const T = tangents(points)
  if (!T.length) return []
  const frames: Frame[] = [frameFrom(T[0], orthogonal(T[0], viewNormal))]
  for (let i = 0; i < points.length - 1; i++) {
    const prev = frames[i]
    const v1 = sub(points[i + 1], points[i])
    const c1 = dot(v1, v1)
    if (c1 < 1e-12) {
      frames.push(frameFrom(T[i + 1], orthogonal(T[i + 1], prev.v)))
      continue
    }
    const rL = sub(prev.v, scale(v1, (2 / c1) * dot(v1, prev.v)))
    const tL = sub(prev.t, scale(v1, (2 / c1) * dot(v1, prev.t)))
    const v2 = sub(T[i + 1], tL)
    const c2 = dot(v2, v2)
    const r = c2 < 1e-12 ? rL : sub(rL, scale(v2, (2 / c2) * dot(v2, rL)))
    frames.push(frameFrom(T[i + 1], orthogonal(T[i + 1], r)))
  }
  return frames
}

/**
 * The one frame of the stretched mode: t along the chord (first to last point), v the view normal made
 * orthogonal to it. The mapper measures rows by the distance orthogonal to the sampling direction.
 */
export function stretchedFrame(points: Vec3[], viewNormal: Vec3 = [0, 0, 1]): Frame {
  const p = dedupe(points)
  let t = p.length >= 2 ? normalize(sub(p[p.length - 1], p[0])) : ([0, 0, 1] as Vec3)
  if (norm(t) < 0.5) t = [0, 0, 1]
  return frameFrom(t, orthogonal(t, viewNormal))
}

/** Column-major 3×3 [u | v | t] (gl-matrix mat3, what the mapper's orientation array holds). */
export function frameMatrix(f: Frame): number[] {
  return [...f.u, ...f.v, ...f.t]
}

/**
 * The mapper's direction matrix for a rotation of ``degrees`` around the centerline: its sampling
 * direction (model x) and projection direction (model y) turn in the plane orthogonal to the curve.
 */
export function rotationDirections(degrees: number): number[] {
  const a = (((degrees % 360) + 360) % 360) * (Math.PI / 180)
  const c = Math.cos(a)
  const s = Math.sin(a)
  return [c, s, 0, -s, c, 0, 0, 0, 1]
}

/** Apply a frame (and a rotation) to a model-space vector: the world direction it stands for. */
export function applyFrame(f: Frame, m: Vec3): Vec3 {
  return add(add(scale(f.u, m[0]), scale(f.v, m[1])), scale(f.t, m[2]))
}

/** Samples across a slab of ``thickness`` mm every ``spacing`` mm: odd, so the centre is sampled; 1 = no slab. */
export function slabSamples(thickness: number, spacing: number, max = 127): number {
  if (!(thickness > 0) || !(spacing > 0)) return 1
  let n = Math.ceil(thickness / spacing) + 1
  if (n % 2 === 0) n++
  return Math.max(1, Math.min(max % 2 ? max : max - 1, n))
}

/** The centerline the mapper gets: smooth, every ``step`` mm, with its frames. */
export function buildCenterline(clicked: Vec3[], viewNormal: Vec3, step = 0.5): { points: Vec3[]; frames: Frame[]; length: number } {
  const points = resampleCenterline(smoothCenterline(clicked), step)
  const s = arcLengths(points)
  return { points, frames: rotationMinimizingFrames(points, viewNormal), length: s.length ? s[s.length - 1] : 0 }
}

/**
 * The unit quaternion [x, y, z, w] of a rotation given as a column-major 3×3 matrix (the mapper's
 * stretched mode takes its uniform orientation as a quaternion).
 */
export function quatFromMatrix(m: number[]): [number, number, number, number] {
  // column-major: element (row r, column c) is m[c * 3 + r]
  const a = (r: number, c: number) => m[c * 3 + r]
  const trace = a(0, 0) + a(1, 1) + a(2, 2)
  let q: [number, number, number, number]
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2
    q = [(a(2, 1) - a(1, 2)) / s, (a(0, 2) - a(2, 0)) / s, (a(1, 0) - a(0, 1)) / s, s / 4]
  } else if (a(0, 0) > a(1, 1) && a(0, 0) > a(2, 2)) {
    const s = Math.sqrt(1 + a(0, 0) - a(1, 1) - a(2, 2)) * 2
    q = [s / 4, (a(0, 1) + a(1, 0)) / s, (a(0, 2) + a(2, 0)) / s, (a(2, 1) - a(1, 2)) / s]
  } else if (a(1, 1) > a(2, 2)) {
    const s = Math.sqrt(1 + a(1, 1) - a(0, 0) - a(2, 2)) * 2
    q = [(a(0, 1) + a(1, 0)) / s, s / 4, (a(1, 2) + a(2, 1)) / s, (a(0, 2) - a(2, 0)) / s]
  } else {
    const s = Math.sqrt(1 + a(2, 2) - a(0, 0) - a(1, 1)) * 2
    q = [(a(0, 2) + a(2, 0)) / s, (a(1, 2) + a(2, 1)) / s, s / 4, (a(1, 0) - a(0, 1)) / s]
  }
  const n = Math.hypot(...q)
  return q.map((v) => v / n) as [number, number, number, number]
}

/** Rotate ``v`` by the unit quaternion ``q`` ([x, y, z, w]). */
export function rotateByQuat(q: [number, number, number, number], v: Vec3): Vec3 {
  const [x, y, z, w] = q
  const u: Vec3 = [x, y, z]
  const t = scale(cross(u, v), 2)
  return add(add(v, scale(t, w)), cross(u, t))
}
