/**
 * 图像拼接 preview: the same rules as the server's ``radix.viewer.stitching`` (which makes the exported
 * image), on images shrunk for the screen. Each image is rotated clockwise and scaled about its centre,
 * placed after the previous one along the direction (centred across it), ``overlap`` pixels over it and
 * moved by its pan; overlaps blend linearly (each image weighs by its distance to its own edge along the
 * direction), pixels only one image covers keep that image's value.
 */

export interface GrayImage {
  width: number
  height: number
  data: Float32Array
}

export interface Placement {
  rotate: number
  scale: number
  dx: number
  dy: number
}

export type Direction = 'vertical' | 'horizontal'

export interface StitchOptions {
  direction: Direction
  overlap: number
  blend: 'linear' | 'none'
}

export interface Box {
  top: number
  left: number
  height: number
  width: number
}

export interface Warped extends GrayImage {
  mask: Uint8Array
}

/** The image rotated (degrees, clockwise) and scaled about its centre, on its bounding box. */
export function warp(img: GrayImage, rotate: number, scale: number): Warped {
  const quarter = Math.round(rotate / 90)
  const { width: w, height: h, data } = img
  if (scale === 1 && Math.abs(rotate - quarter * 90) < 1e-9) {
    const q = ((quarter % 4) + 4) % 4
    const ow = q % 2 ? h : w
    const oh = q % 2 ? w : h
    const out = new Float32Array(ow * oh)
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        // source of output (x, y) for q clockwise quarter turns
        const [sx, sy] = q === 0 ? [x, y] : q === 1 ? [y, h - 1 - x] : q === 2 ? [w - 1 - x, h - 1 - y] : [w - 1 - y, x]
        out[y * ow + x] = data[sy * w + sx]
      }
    }
    return { width: ow, height: oh, data: out, mask: new Uint8Array(ow * oh).fill(1) }
  }
  const t = (rotate * Math.PI) / 180
  const c = Math.cos(t)
  const s = Math.sin(t)
  const corners = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(([x, y]) => [(x * c - y * s) * scale, (x * s + y * c) * scale])
  const xs = corners.map((p) => p[0])
  const ys = corners.map((p) => p[1])
  const ow = Math.max(1, Math.ceil(Math.max(...xs) - Math.min(...xs) - 1e-9))
  const oh = Math.max(1, Math.ceil(Math.max(...ys) - Math.min(...ys) - 1e-9))
  const out = new Float32Array(ow * oh)
  const mask = new Uint8Array(ow * oh)
  for (let v = 0; v < oh; v++) {
    for (let u = 0; u < ow; u++) {
      const x = u + 0.5 - ow / 2
      const y = v + 0.5 - oh / 2
      let sx = (x * c + y * s) / scale + w / 2 - 0.5
      let sy = (-x * s + y * c) / scale + h / 2 - 0.5
      if (sx < -0.5 || sx > w - 0.5 || sy < -0.5 || sy > h - 0.5) continue
      sx = Math.min(Math.max(sx, 0), w - 1)
      sy = Math.min(Math.max(sy, 0), h - 1)
      const x0 = Math.min(Math.floor(sx), Math.max(w - 2, 0))
      const y0 = Math.min(Math.floor(sy), Math.max(h - 2, 0))
      const x1 = Math.min(x0 + 1, w - 1)
      const y1 = Math.min(y0 + 1, h - 1)
      const fx = Math.min(Math.max(sx - x0, 0), 1)
      const fy = Math.min(Math.max(sy - y0, 0), 1)
      const top = data[y0 * w + x0] * (1 - fx) + data[y0 * w + x1] * fx
      const bottom = data[y1 * w + x0] * (1 - fx) + data[y1 * w + x1] * fx
      out[v * ow + u] = top * (1 - fy) + bottom * fy
      mask[v * ow + u] = 1
    }
  }
  return { width: ow, height: oh, data: out, mask }
}

/** Where each warped image of the given sizes goes on the canvas, and the canvas size. */
export function layout(sizes: { width: number; height: number }[], placements: Placement[], opts: Pick<StitchOptions, 'direction' | 'overlap'>): { boxes: Box[]; width: number; height: number } {
  const vertical = opts.direction === 'vertical'
  const across = Math.max(...sizes.map((s) => (vertical ? s.width : s.height)))
  let along = 0
  const raw = sizes.map((s, n) => {
    if (n) along -= opts.overlap
    const p = placements[n]
    let box: Box
    if (vertical) {
      box = { top: along + p.dy, left: (across - s.width) / 2 + p.dx, height: s.height, width: s.width }
      along += s.height
    } else {
      box = { top: (across - s.height) / 2 + p.dy, left: along + p.dx, height: s.height, width: s.width }
      along += s.width
    }
    // Python's round(): halves to even
    return { ...box, top: roundHalfEven(box.top), left: roundHalfEven(box.left) }
  })
  const minTop = Math.min(...raw.map((b) => b.top))
  const minLeft = Math.min(...raw.map((b) => b.left))
  const boxes = raw.map((b) => ({ ...b, top: b.top - minTop, left: b.left - minLeft }))
  return {
    boxes,
    width: Math.max(...boxes.map((b) => b.left + b.width)),
    height: Math.max(...boxes.map((b) => b.top + b.height)),
  }
}

export function roundHalfEven(v: number): number {
  const f = Math.floor(v)
  const diff = v - f
  if (Math.abs(diff - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1
  return Math.round(v)
}

export interface Stitched extends GrayImage {
  covered: Uint8Array
  boxes: Box[]
}

export function stitch(images: GrayImage[], placements: Placement[], opts: StitchOptions): Stitched {
  const warped = images.map((img, n) => warp(img, placements[n].rotate, placements[n].scale))
  const { boxes, width, height } = layout(warped, placements, opts)
  const total = new Float64Array(width * height)
  const weights = new Float64Array(width * height)
  const vertical = opts.direction === 'vertical'
  warped.forEach((w, n) => {
    const b = boxes[n]
    const len = vertical ? w.height : w.width
    for (let y = 0; y < w.height; y++) {
      for (let x = 0; x < w.width; x++) {
        const k = y * w.width + x
        if (!w.mask[k]) continue
        const o = (b.top + y) * width + b.left + x
        if (opts.blend === 'linear') {
          const i = vertical ? y : x
          const weight = Math.min(i + 1, len - i)
          total[o] += w.data[k] * weight
          weights[o] += weight
        } else {
          total[o] = w.data[k]
          weights[o] = 1
        }
      }
    }
  })
  const data = new Float32Array(width * height)
  const covered = new Uint8Array(width * height)
  for (let i = 0; i < data.length; i++) {
    if (weights[i] > 0) {
      data[i] = total[i] / weights[i]
      covered[i] = 1
    }
  }
  return { width, height, data, covered, boxes }
}

/** Grey values through a window as RGBA bytes for a canvas (uncovered pixels black). */
export function toRgba(img: Stitched | GrayImage, center: number, width: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(img.width * img.height * 4)
  const low = center - width / 2
  const covered = (img as Stitched).covered
  for (let i = 0; i < img.width * img.height; i++) {
    const v = covered && !covered[i] ? 0 : ((img.data[i] - low) / Math.max(width, 1e-6)) * 255
    out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = v
    out[i * 4 + 3] = 255
  }
  return out
}

/** A smaller copy (box means) so that the preview stays quick; ``factor`` ≥ 1. */
export function shrink(img: GrayImage, factor: number): GrayImage {
  const f = Math.max(1, Math.floor(factor))
  if (f === 1) return img
  const width = Math.max(1, Math.floor(img.width / f))
  const height = Math.max(1, Math.floor(img.height / f))
  const data = new Float32Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0
      for (let j = 0; j < f; j++) for (let i = 0; i < f; i++) sum += img.data[(y * f + j) * img.width + x * f + i]
      data[y * width + x] = sum / (f * f)
    }
  }
  return { width, height, data }
}
