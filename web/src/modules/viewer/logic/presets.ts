/**
 * 窗宽窗位 of manual 2 §3.1.2, exactly: 最大范围 1000/500, 头部 85/40, 纵隔 400/40, 血管 350/40,
 * 肺部 1500/-700, 骨头 1600/500; 默认 goes back to the image's own window, 反转 inverts.
 * The VOI range uses DICOM's linear function (PS3.3 C.11.2.1.2), as Cornerstone does, so that a
 * preset set as a range reads back as the same width and level.
 */

export interface WindowPreset {
  id: string
  zh: string
  en: string
  width: number
  level: number
}

export const PRESETS: WindowPreset[] = [
  { id: 'max', zh: '最大范围', en: 'Max range', width: 1000, level: 500 },
  { id: 'head', zh: '头部', en: 'Head', width: 85, level: 40 },
  { id: 'mediastinum', zh: '纵隔', en: 'Mediastinum', width: 400, level: 40 },
  { id: 'vessel', zh: '血管', en: 'Vessel', width: 350, level: 40 },
  { id: 'lung', zh: '肺部', en: 'Lung', width: 1500, level: -700 },
  { id: 'bone', zh: '骨头', en: 'Bone', width: 1600, level: 500 },
]

export function presetById(id: string): WindowPreset | undefined {
  return PRESETS.find((p) => p.id === id)
}

export interface VoiRange {
  lower: number
  upper: number
}

export function toRange(width: number, level: number): VoiRange {
  return { lower: level - 0.5 - (width - 1) / 2, upper: level - 0.5 + (width - 1) / 2 }
}

export function fromRange(range: VoiRange): { width: number; level: number } {
  return { width: Math.abs(range.upper - range.lower) + 1, level: (range.lower + range.upper + 1) / 2 }
}

/** W/L drag: up/down changes the width, left/right the level (manual 2 §3.1.2), scaled to the data. */
export function dragWindow(width: number, level: number, dx: number, dy: number, sensitivity = 1): { width: number; level: number } {
  return { width: Math.max(1, width + dy * sensitivity), level: level + dx * sensitivity }
}

/** User presets (设置 → 预设窗宽窗位) after the built-in ones, named as the user named them. */
export function allPresets(user: { name: string; width: number; level: number }[]): WindowPreset[] {
  return [...PRESETS, ...user.map((u, i) => ({ id: `user-${i}`, zh: u.name, en: u.name, width: u.width, level: u.level }))]
}

/**
 * Manual 2 §3.1.2: 上下拖动调整窗宽，左右拖动调整窗位. A drag of (dx, dy) canvas pixels becomes
 * (width delta, level delta) in the order Cornerstone's window/level tool expects: dragging up widens
 * the window, dragging right raises the level. (Cornerstone's own tool does it the other way round.)
 */
export function manualWindowLevelDrag(dx: number, dy: number): [number, number] {
  return [0 - dy || 0, dx]
}

/** 伪彩 (pseudo-color) presets offered in the viewer, by vtk.js colour-map name */
export const PSEUDO_COLOR_PRESETS = [
  'hsv', 'jet', 'Rainbow Blended White', 'Cool to Warm', 'Black-Body Radiation', 'X Ray', 'Viridis (matplotlib)',
  'Inferno (matplotlib)',
]
