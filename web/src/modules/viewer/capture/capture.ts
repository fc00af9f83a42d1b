/**
 * 保存图片 (manual 2 §3.1.18): the viewport as the user sees it, image and drawings, cut to the frame
 * the user dragged ("手动拖拽截图选框可调整截图位置和大小"). Regions are in CSS pixels of the viewport
 * element; the picture keeps the canvas's own resolution (device pixels).
 */

export interface Region {
  x: number
  y: number
  width: number
  height: number
}

/** Which part of the frame a drag holds: the whole frame, an edge or a corner (compass points). */
export type Grip = 'move' | 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw'

export const GRIPS: Grip[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w']

/** The smallest frame, so that a handle never disappears under another. */
export const MIN_SIZE = 16

/** The frame after dragging ``grip`` by (dx, dy), kept inside ``bounds`` (width × height from 0,0). */
export function dragRegion(start: Region, grip: Grip, dx: number, dy: number, bounds: { width: number; height: number }, min = MIN_SIZE): Region {
  if (grip === 'move') {
    return {
      ...start,
      x: clamp(start.x + dx, 0, Math.max(0, bounds.width - start.width)),
      y: clamp(start.y + dy, 0, Math.max(0, bounds.height - start.height)),
    }
  }
  let left = start.x
  let top = start.y
  let right = start.x + start.width
  let bottom = start.y + start.height
  if (grip.includes('w')) left = clamp(left + dx, 0, right - min)
  if (grip.includes('e')) right = clamp(right + dx, left + min, bounds.width)
  if (grip.includes('n')) top = clamp(top + dy, 0, bottom - min)
  if (grip.includes('s')) bottom = clamp(bottom + dy, top + min, bounds.height)
  return { x: left, y: top, width: right - left, height: bottom - top }
}

/** A frame drawn from one point to another (either direction), inside ``bounds``. */
export function regionBetween(ax: number, ay: number, bx: number, by: number, bounds: { width: number; height: number }): Region {
  const x0 = clamp(Math.min(ax, bx), 0, bounds.width)
  const y0 = clamp(Math.min(ay, by), 0, bounds.height)
  const x1 = clamp(Math.max(ax, bx), 0, bounds.width)
  const y1 = clamp(Math.max(ay, by), 0, bounds.height)
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** The region in the canvas's pixels (whole pixels, inside the canvas). */
export function toCanvasPixels(region: Region, scale: number, canvas: { width: number; height: number }): Region {
  const x = clamp(Math.round(region.x * scale), 0, canvas.width - 1)
  const y = clamp(Math.round(region.y * scale), 0, canvas.height - 1)
  return {
    x, y,
    width: clamp(Math.round(region.width * scale), 1, canvas.width - x),
    height: clamp(Math.round(region.height * scale), 1, canvas.height - y),
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v))
}

/** The viewport's canvas with Cornerstone's SVG drawings (measurements, annotations) on top. */
export async function composeViewport(el: HTMLElement): Promise<HTMLCanvasElement | null> {
  const canvas = el.querySelector('canvas') as HTMLCanvasElement | null
  if (!canvas) return null
  const out = document.createElement('canvas')
  out.width = canvas.width
  out.height = canvas.height
  const ctx = out.getContext('2d')!
  ctx.drawImage(canvas, 0, 0)
  const svg = (el.querySelector('svg.svg-layer') ?? el.querySelector('svg')) as SVGSVGElement | null
  if (svg) {
    const clone = svg.cloneNode(true) as SVGSVGElement
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
    clone.setAttribute('width', String(el.clientWidth))
    clone.setAttribute('height', String(el.clientHeight))
    const img = new Image()
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(clone))
    await img.decode().catch(() => undefined)
    ctx.drawImage(img, 0, 0, out.width, out.height)
  }
  const overlay = el.parentElement?.querySelector('.vw-overlay') as HTMLElement | null
  if (overlay) drawOverlayText(ctx, el, overlay, el.clientWidth ? out.width / el.clientWidth : 1)
  return out
}

/**
 * The window's four-corner text as it is on the screen (a screenshot of the window shows it): each line
 * where it stands over the viewport, in its font and colour, with the same dark halo.
 */
function drawOverlayText(ctx: CanvasRenderingContext2D, el: HTMLElement, overlay: HTMLElement, scale: number) {
  const origin = el.getBoundingClientRect()
  ctx.save()
  ctx.textBaseline = 'top'
  for (const line of Array.from(overlay.querySelectorAll<HTMLElement>('div'))) {
    if (line.children.length || !line.textContent?.trim()) continue
    const box = line.getBoundingClientRect()
    const style = getComputedStyle(line)
    const fontSize = parseFloat(style.fontSize) || 13
    ctx.font = `${style.fontWeight} ${fontSize * scale}px ${style.fontFamily}`
    ctx.fillStyle = style.color
    ctx.shadowColor = '#000'
    ctx.shadowBlur = 2 * scale
    // line-height centres the glyphs in the line box: start where the browser puts them
    const top = box.top - origin.top + Math.max(0, (box.height - fontSize) / 2)
    const left = style.textAlign === 'right' ? box.right - origin.left : box.left - origin.left
    ctx.textAlign = style.textAlign === 'right' ? 'right' : 'left'
    ctx.fillText(line.textContent.trim(), left * scale, top * scale)
  }
  ctx.restore()
}

/** ``region`` (CSS pixels of ``el``) of the composed viewport, as a PNG download. */
export async function savePicture(el: HTMLElement, region: Region | null, name = `viewer-${Date.now()}.png`): Promise<boolean> {
  const whole = await composeViewport(el)
  if (!whole) return false
  let out = whole
  if (region) {
    const scale = el.clientWidth ? whole.width / el.clientWidth : 1
    const r = toCanvasPixels(region, scale, whole)
    out = document.createElement('canvas')
    out.width = r.width
    out.height = r.height
    out.getContext('2d')!.drawImage(whole, r.x, r.y, r.width, r.height, 0, 0, r.width, r.height)
  }
  const link = document.createElement('a')
  link.href = out.toDataURL('image/png')
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  return true
}
