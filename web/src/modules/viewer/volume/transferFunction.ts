/**
 * The VR transfer function (自定义曲线), pure: one curve of points over HU, each with an opacity and a
 * color. Presets arrive as vtk's two functions (opacity nodes and color nodes at different HU); they are
 * merged into one list of points, edited (drag, add, delete, recolor) and given back as both functions.
 */
export interface TfPoint {
  hu: number
  opacity: number
  /** '#rrggbb' */
  color: string
}

export interface OpacityNode {
  x: number
  y: number
}

export interface ColorNode {
  x: number
  r: number
  g: number
  b: number
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

export function toHex(r: number, g: number, b: number): string {
  return '#' + [r, g, b].map((c) => Math.round(clamp(c, 0, 1) * 255).toString(16).padStart(2, '0')).join('')
}

export function fromHex(hex: string): [number, number, number] {
  const h = hex.replace('#', '').trim()
  const full = h.length === 3 ? h.split('').map((c) => c + c).join('') : h.padEnd(6, '0').slice(0, 6)
  return [0, 2, 4].map((k) => parseInt(full.slice(k, k + 2), 16) / 255) as [number, number, number]
}

/** Piecewise-linear value of sorted nodes at ``x`` (flat beyond the ends). */
export function interpolate<T extends { x: number }>(nodes: T[], x: number, value: (n: T) => number[]): number[] {
  if (!nodes.length) return []
  if (x <= nodes[0].x) return value(nodes[0])
  const last = nodes[nodes.length - 1]
  if (x >= last.x) return value(last)
  let i = 0
  while (i < nodes.length - 2 && nodes[i + 1].x < x) i++
  const a = nodes[i]
  const b = nodes[i + 1]
  const f = b.x > a.x ? (x - a.x) / (b.x - a.x) : 0
  const va = value(a)
  const vb = value(b)
  return va.map((v, k) => v + (vb[k] - v) * f)
}

/** One point per HU where either function has a node, within [lo, hi] (the data's range). */
export function mergeNodes(opacity: OpacityNode[], color: ColorNode[], lo = -Infinity, hi = Infinity): TfPoint[] {
  const o = [...opacity].sort((a, b) => a.x - b.x)
  const c = [...color].sort((a, b) => a.x - b.x)
  const xs = [...new Set([...o.map((n) => n.x), ...c.map((n) => n.x)])].map((x) => clamp(x, lo, hi))
  const unique = [...new Set(xs)].sort((a, b) => a - b)
  return unique.map((x) => {
    const [y] = o.length ? interpolate(o, x, (n) => [n.y]) : [1]
    const rgb = c.length ? interpolate(c, x, (n) => [n.r, n.g, n.b]) : [1, 1, 1]
    return { hu: x, opacity: clamp(y, 0, 1), color: toHex(rgb[0], rgb[1], rgb[2]) }
  })
}

/** The two vtk functions of a curve. */
export function splitPoints(points: TfPoint[]): { opacity: OpacityNode[]; color: ColorNode[] } {
  const sorted = [...points].sort((a, b) => a.hu - b.hu)
  return {
    opacity: sorted.map((p) => ({ x: p.hu, y: clamp(p.opacity, 0, 1) })),
    color: sorted.map((p) => {
      const [r, g, b] = fromHex(p.color)
      return { x: p.hu, r, g, b }
    }),
  }
}

/**
 * Move point ``index`` to (hu, opacity): it stays between its neighbours (the curve is a function of HU)
 * and inside [lo, hi] × [0, 1]. Returns a new list.
 */
export function movePoint(points: TfPoint[], index: number, hu: number, opacity: number, lo: number, hi: number): TfPoint[] {
  const out = points.map((p) => ({ ...p }))
  const p = out[index]
  if (!p) return out
  const left = index > 0 ? out[index - 1].hu + 1 : lo
  const right = index < out.length - 1 ? out[index + 1].hu - 1 : hi
  p.hu = Math.round(clamp(hu, Math.min(left, right), Math.max(left, right)))
  p.opacity = clamp(opacity, 0, 1)
  return out
}

/** Add a point at ``hu`` with the color the curve has there. Returns the list and the new point's index. */
export function addPoint(points: TfPoint[], hu: number, opacity: number): { points: TfPoint[]; index: number } {
  const sorted = [...points].sort((a, b) => a.hu - b.hu)
  const nodes = sorted.map((p) => {
    const [r, g, b] = fromHex(p.color)
    return { x: p.hu, r, g, b }
  })
  const rgb = nodes.length ? interpolate(nodes, hu, (n) => [n.r, n.g, n.b]) : [1, 1, 1]
  const point = { hu: Math.round(hu), opacity: clamp(opacity, 0, 1), color: toHex(rgb[0], rgb[1], rgb[2]) }
  const out = [...sorted.filter((p) => p.hu !== point.hu), point].sort((a, b) => a.hu - b.hu)
  return { points: out, index: out.indexOf(point) }
}

/** Remove a point; a curve keeps at least two. */
export function removePoint(points: TfPoint[], index: number): TfPoint[] {
  if (points.length <= 2) return points.map((p) => ({ ...p }))
  return points.filter((_, i) => i !== index).map((p) => ({ ...p }))
}
