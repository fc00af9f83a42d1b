/**
 * 右键快捷删除 (manual 2 §3.1.14–15): a right click (not a right drag, which zooms) on a drawing asks
 * to delete it. Removing it through the annotation state fires ANNOTATION_REMOVED, which the viewer
 * already turns into the server delete.
 */
import { ElMessageBox } from 'element-plus'
import { core, loadedTools } from '../cs'
import { seriesMessages } from './i18n'

/** A right press that moves farther than this (CSS px) is a drag, not a click. */
const CLICK_SLOP = 4

let pressed: { x: number; y: number } | null = null

function onDown(e: MouseEvent) {
  if (e.button === 2) pressed = { x: e.clientX, y: e.clientY }
}

/** Listen for right presses (call once; returns the remover). */
export function installAnnotationMenu(): () => void {
  window.addEventListener('mousedown', onDown, true)
  return () => window.removeEventListener('mousedown', onDown, true)
}

/** The drawing under a right click in a Cornerstone viewport element (or inside one), if any. */
export function annotationAt(e: MouseEvent, proximity = 6): any | null {
  // no tools yet, no drawings yet (they arrive just after the first image)
  const tools = loadedTools()?.tools
  if (!tools) return null
  if (pressed && Math.hypot(e.clientX - pressed.x, e.clientY - pressed.y) > CLICK_SLOP) return null
  const target = e.target as HTMLElement | null
  const host = target?.closest?.('.vw-cell')
  const element = (host?.querySelector('.vw-viewport') as HTMLDivElement | null) ?? null
  if (!element || !core.getEnabledElement(element)) return null
  const rect = element.getBoundingClientRect()
  const point = [e.clientX - rect.left, e.clientY - rect.top]
  try {
    return tools.utilities.getAnnotationNearPoint(element, point as any, proximity) ?? null
  } catch {
    return null
  }
}

/** Right click on a drawing: confirm, then delete it. Returns whether one was there. */
export async function deleteAnnotationAt(e: MouseEvent, lang: string): Promise<boolean> {
  const ann = annotationAt(e)
  if (!ann) return false
  const words = lang === 'en' ? seriesMessages.en : seriesMessages['zh-CN']
  try {
    await ElMessageBox.confirm(words.annotation.deleteConfirm, words.annotation.confirm, { type: 'warning', confirmButtonText: words.ok, cancelButtonText: words.cancel })
  } catch {
    return true
  }
  loadedTools()?.tools.annotation.state.removeAnnotation(ann.annotationUID)
  for (const re of core.getRenderingEngines?.() ?? []) (re as any).render()
  return true
}
