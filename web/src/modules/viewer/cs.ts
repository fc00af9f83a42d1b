/**
 * Cornerstone3D set-up, once per page: the rendering core and the DICOM image loader (WADO-RS frames,
 * asking `transfer-syntax=*`, with the share token as a header when there is one). That is all the first
 * image needs. The tools (`@cornerstonejs/tools`, about a megabyte more to evaluate) are in ./csTools and
 * arrive with `loadTools()`: the viewer asks for them once its first image is on the screen, and anything
 * that needs them earlier awaits the same promise. `loadedTools()` is the synchronous getter for code that
 * runs only after that (it is null before).
 */
import * as core from '@cornerstonejs/core'
import { init as initLoader } from '@cornerstonejs/dicom-image-loader'

export type Tools = typeof import('./csTools')

let ready: Promise<void> | null = null
let shareToken: string | null = null

export const STACK_GROUP = 'radix-stack'
export const VOLUME_GROUP = 'radix-volume'
export const VR_GROUP = 'radix-vr'
export const ENGINE = 'radix-engine'

/** Freehand curve (曲线) is the freehand tool with open contours and no statistics. */
export const CURVE = 'FreehandCurve'

export type TextPrompt = (title: string, initial?: string) => Promise<string | null>
let prompt: TextPrompt = async () => null

export function setTextPrompt(p: TextPrompt): void {
  prompt = p
}

/** Ask the user for a text (the label and arrow tools' texts) with the viewer's dialog. */
export function promptText(title: string, initial?: string): Promise<string | null> {
  return prompt(title, initial)
}

export function setShareToken(token: string | null): void {
  shareToken = token
}

export function authHeaders(): Record<string, string> {
  return shareToken ? { 'X-Radix-Share': shareToken } : {}
}

let httpCache = true

/**
 * 缓存 (settings): on, frames come from the browser's cache once the archive confirms them unchanged (ETag,
 * 304 without pixels); off, every frame is downloaded again (the request bypasses the browser's cache).
 */
export function setHttpCache(on: boolean): void {
  httpCache = on
}

function frameHeaders(): Record<string, string> {
  return httpCache ? authHeaders() : { ...authHeaders(), 'Cache-Control': 'no-cache', Pragma: 'no-cache' }
}

export function init(): Promise<void> {
  if (ready) return ready
  ready = (async () => {
    core.init({ rendering: { webGlContextCount: 2 } } as any)
    initLoader({
      maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
      beforeSend: () => frameHeaders(),
    })
  })()
  return ready
}

let tools: Tools | null = null
let toolsLoading: Promise<Tools> | null = null

/** The tools, loaded and registered once (a failed download is tried again at the next call). */
export function loadTools(): Promise<Tools> {
  toolsLoading ??= init()
    .then(() => import('./csTools'))
    .then((m) => {
      m.start()
      tools = m
      return m
    })
    .catch((e) => {
      toolsLoading = null
      throw e
    })
  return toolsLoading
}

/** The tools once `loadTools()` has resolved, else null. */
export function loadedTools(): Tools | null {
  return tools
}

export { core }
