/**
 * CPR 画线: the user clicks centerline points on the MPR panes (click adds a point, double click or
 * Enter finishes, Backspace removes the last point, Esc cancels). While picking, the panes' own left
 * button tools do not see the clicks; the wheel still pages through the slices. The points are drawn
 * on every pane (projected) in an SVG layer of our own, and stay there while the CPR is shown.
 */
import { core } from '../cs'
import { dedupe, type Vec3 } from './cprMath'

const SVG = 'http://www.w3.org/2000/svg'

export interface PickerCallbacks {
  changed(count: number): void
  done(points: Vec3[], viewNormal: Vec3): void
  cancelled(): void
}

export class CenterlinePicker {
  points: Vec3[] = []
  private normal: Vec3 | null = null
  private layers = new Map<HTMLElement, SVGSVGElement>()
  private off: (() => void)[] = []
  private shown: (() => void)[] = []

  constructor(private viewports: any[], private cb: PickerCallbacks) {}

  start(): void {
    for (const vp of this.viewports) {
      const el: HTMLElement = vp.element
      const svg = document.createElementNS(SVG, 'svg') as SVGSVGElement
      svg.setAttribute('data-testid', 'cpr-centerline-layer')
      Object.assign(svg.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none', zIndex: '6' })
      el.appendChild(svg)
      this.layers.set(el, svg)
      const down = (e: MouseEvent) => {
        if (e.button !== 0) return
        e.stopImmediatePropagation()
        e.preventDefault()
        this.add(vp, e)
      }
      const swallow = (e: Event) => {
        e.stopImmediatePropagation()
        e.preventDefault()
      }
      const dbl = (e: MouseEvent) => {
        swallow(e)
        this.finish()
      }
      const redraw = () => this.draw()
      el.addEventListener('mousedown', down, true)
      el.addEventListener('mouseup', swallow, true)
      el.addEventListener('dblclick', dbl, true)
      el.addEventListener(core.Enums.Events.CAMERA_MODIFIED, redraw)
      el.style.cursor = 'crosshair'
      this.off.push(() => {
        el.removeEventListener('mousedown', down, true)
        el.removeEventListener('mouseup', swallow, true)
        el.removeEventListener('dblclick', dbl, true)
        el.style.cursor = ''
      })
      this.shown.push(() => {
        el.removeEventListener(core.Enums.Events.CAMERA_MODIFIED, redraw)
        svg.remove()
      })
    }
    const key = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return
      if (e.key === 'Enter') this.finish()
      else if (e.key === 'Escape') this.cancel()
      else if (e.key === 'Backspace') {
        this.points.pop()
        this.cb.changed(this.points.length)
        this.draw()
      } else return
      e.preventDefault()
      e.stopImmediatePropagation()
    }
    window.addEventListener('keydown', key, true)
    this.off.push(() => window.removeEventListener('keydown', key, true))
    this.cb.changed(0)
  }

  /** Stop picking; the line stays drawn on the panes until ``stop``. */
  detach(): void {
    for (const f of this.off.splice(0)) f()
  }

  /** Stop picking and take the line off the panes. */
  stop(): void {
    this.detach()
    for (const f of this.shown.splice(0)) f()
    this.layers.clear()
  }

  finish(): void {
    const points = dedupe(this.points)
    if (points.length < 2) return
    this.detach()
    this.cb.done(points, this.normal ?? [0, 0, 1])
  }

  cancel(): void {
    this.stop()
    this.cb.cancelled()
  }

  private add(vp: any, e: MouseEvent): void {
    const rect = (vp.element as HTMLElement).getBoundingClientRect()
    const world = vp.canvasToWorld([e.clientX - rect.left, e.clientY - rect.top]) as number[]
    if (!world || world.some((v) => !Number.isFinite(v))) return
    if (!this.normal) {
      const n = vp.getCamera?.()?.viewPlaneNormal
      if (n) this.normal = [n[0], n[1], n[2]]
    }
    const p: Vec3 = [world[0], world[1], world[2]]
    const last = this.points[this.points.length - 1]
    if (last && Math.hypot(last[0] - p[0], last[1] - p[1], last[2] - p[2]) < 1e-3) return
    this.points.push(p)
    this.cb.changed(this.points.length)
    this.draw()
  }

  draw(): void {
    for (const vp of this.viewports) {
      const svg = this.layers.get(vp.element)
      if (!svg) continue
      while (svg.firstChild) svg.removeChild(svg.firstChild)
      const canvas = this.points.map((p) => vp.worldToCanvas(p) as number[])
      if (canvas.length > 1) {
        const line = document.createElementNS(SVG, 'polyline')
        line.setAttribute('points', canvas.map((c) => `${c[0]},${c[1]}`).join(' '))
        line.setAttribute('fill', 'none')
        line.setAttribute('stroke', '#ffd400')
        line.setAttribute('stroke-width', '1.5')
        svg.appendChild(line)
      }
      for (const c of canvas) {
        const dot = document.createElementNS(SVG, 'circle')
        dot.setAttribute('cx', String(c[0]))
        dot.setAttribute('cy', String(c[1]))
        dot.setAttribute('r', '4')
        dot.setAttribute('fill', '#ff4d4f')
        dot.setAttribute('stroke', '#fff')
        svg.appendChild(dot)
      }
    }
  }
}
