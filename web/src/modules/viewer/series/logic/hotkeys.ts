/**
 * 快捷键设置 (manual 2 §3.1.33 2): every toolbar action of the viewer, and the keys bound to them.
 * A binding is text like "r", "Shift+l", "Ctrl+ArrowUp", "F5": modifiers in a fixed order, a
 * printable key in lower case (Shift is written out for letters, implied for symbols like "?").
 */

export interface HotkeyAction {
  id: string
  group: 'tools' | 'measure' | 'annotate' | 'window' | 'view' | 'layout' | 'series' | 'other'
  zh: string
  en: string
}

const a = (group: HotkeyAction['group'], id: string, zh: string, en: string): HotkeyAction => ({ id, group, zh, en })

/** In toolbar order. ViewerPage runs each of them (``run`` in its ``onKey``). */
export const HOTKEY_ACTIONS: HotkeyAction[] = [
  a('tools', 'scroll', '翻页', 'Scroll'), a('tools', 'wl', '调窗', 'W/L'), a('tools', 'zoom', '缩放', 'Zoom'),
  a('tools', 'pan', '平移', 'Pan'), a('tools', 'rotate', '旋转', 'Rotate'), a('tools', 'magnify', '放大镜', 'Magnify'),
  a('window', 'invert', '反转黑白', 'Invert'), a('window', 'presetDefault', '默认窗宽窗位', 'Default window'),
  a('window', 'presetMax', '最大范围', 'Max range'), a('window', 'presetHead', '头部', 'Head'),
  a('window', 'presetMediastinum', '纵隔', 'Mediastinum'), a('window', 'presetVessel', '血管', 'Vessel'),
  a('window', 'presetLung', '肺部', 'Lung'), a('window', 'presetBone', '骨头', 'Bone'),
  a('view', 'fit', '适应窗口', 'Fit'), a('view', 'original', '原始大小', 'Original size'),
  a('view', 'rotL', '左转90度', 'Rotate left'), a('view', 'rotR', '右转90度', 'Rotate right'),
  a('view', 'flipV', '上下翻转', 'Flip vertical'), a('view', 'flipH', '左右翻转', 'Flip horizontal'),
  a('view', 'reset', '重置', 'Reset'), a('view', 'refLines', '定位线', 'Reference lines'), a('view', 'locate', '十字定位', 'Locate'),
  a('view', 'cine', '播放/停止', 'Play/stop'), a('view', 'link', '关联布局', 'Link'),
  a('layout', 'layout1x1', '单布局', 'Single'), a('layout', 'layout2x1', '二布局', 'Two'), a('layout', 'layout2x2', '四布局', 'Four'),
  a('layout', 'layout2x3', '竖六布局', 'Six (2×3)'), a('layout', 'layout3x2', '横六布局', 'Six (3×2)'), a('layout', 'layout3x3', '九布局', 'Nine'),
  a('measure', 'length', '长度', 'Length'), a('measure', 'angle', '角度', 'Angle'), a('measure', 'ellipse', '椭圆', 'Ellipse'),
  a('measure', 'circle', '圆形', 'Circle'), a('measure', 'rectangle', '矩形', 'Rectangle'), a('measure', 'freehand', '自由画笔', 'Freehand'),
  a('measure', 'livewire', '智能画笔', 'Smart brush'), a('measure', 'probe', '像素值', 'Pixel value'),
  a('annotate', 'curve', '曲线', 'Curve'), a('annotate', 'arrow', '箭头', 'Arrow'), a('annotate', 'text', '文本', 'Text'),
  a('annotate', 'eraser', '橡皮擦', 'Eraser'), a('annotate', 'clear', '清除所有标注', 'Clear all'), a('annotate', 'list', '标注列表', 'Annotations'),
  a('view', 'stack', '原始图像', 'Original'), a('view', 'axial', '横断面', 'Axial'), a('view', 'coronal', '冠状面', 'Coronal'),
  a('view', 'sagittal', '矢状面', 'Sagittal'), a('view', 'mpr', 'MPR', 'MPR'), a('view', 'slab', '层厚', 'Slab'),
  a('view', 'vr', 'VR', 'VR'), a('view', 'cpr', 'CPR', 'CPR'), a('view', 'pseudoOff', '关闭伪彩', 'Pseudo-color off'),
  a('other', 'overlay', '隐藏信息', 'Hide info'), a('other', 'square', '方形视图', 'Square view'),
  a('other', 'save', '保存图片', 'Save picture'), a('other', 'tags', '元信息', 'DICOM tags'),
  a('other', 'history', '历史影像', 'Prior studies'), a('other', 'download', '下载影像', 'Download'),
  a('other', 'share', '分享', 'Share'), a('other', 'film', '打印', 'Print'), a('other', 'settings', '设置', 'Settings'),
  a('series', 'split', '手动拆分', 'Split series'), a('series', 'newSeries', '新增序列', 'New series from window'),
  a('series', 'registration', '配准', 'Registration'), a('series', 'stitch', '图像拼接', 'Stitching'),
  a('series', 'nextSeries', '下一序列', 'Next series'), a('series', 'prevSeries', '上一序列', 'Previous series'),
]

export const ACTION_IDS = new Set(HOTKEY_ACTIONS.map((x) => x.id))

const MODIFIERS = ['Ctrl', 'Alt', 'Shift', 'Meta'] as const
const ALIASES: Record<string, string> = {
  control: 'Ctrl', ctrl: 'Ctrl', alt: 'Alt', option: 'Alt', shift: 'Shift', meta: 'Meta', cmd: 'Meta', command: 'Meta',
}
const NAMED: Record<string, string> = {
  ' ': 'Space', space: 'Space', spacebar: 'Space', esc: 'Escape', escape: 'Escape', del: 'Delete', delete: 'Delete',
  up: 'ArrowUp', down: 'ArrowDown', left: 'ArrowLeft', right: 'ArrowRight',
}

function keyPart(key: string): string {
  if (key.length === 1) return NAMED[key] ?? key.toLowerCase()
  const named = NAMED[key.toLowerCase()]
  if (named) return named
  if (/^arrow(up|down|left|right)$/i.test(key)) return `Arrow${key[5].toUpperCase()}${key.slice(6).toLowerCase()}`
  if (/^f\d{1,2}$/i.test(key)) return key.toUpperCase()
  return key[0].toUpperCase() + key.slice(1)
}

/** "shift+L" → "Shift+l", "ctrl + alt + arrowup" → "Ctrl+Alt+ArrowUp"; '' when there is no key. */
export function normalizeBinding(binding: string): string {
  const text = String(binding ?? '').trim()
  if (!text) return ''
  if (text === '+') return '+'
  const parts = text.endsWith('++') ? [...text.slice(0, -2).split('+'), '+'] : text.split('+')
  const mods = new Set<string>()
  let key = ''
  for (const raw of parts) {
    const p = raw.trim()
    if (!p) continue
    const mod = ALIASES[p.toLowerCase()]
    if (mod) mods.add(mod)
    else key = p
  }
  if (!key) return ''
  const k = keyPart(key)
  return [...MODIFIERS.filter((m) => mods.has(m)), k].join('+')
}

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  altKey?: boolean
  shiftKey?: boolean
  metaKey?: boolean
}

/** The binding a key press makes; '' for a lone modifier. */
export function bindingOf(e: KeyLike): string {
  if (['Control', 'Alt', 'Shift', 'Meta', 'OS', 'Dead', 'Unidentified'].includes(e.key)) return ''
  const mods: string[] = []
  if (e.ctrlKey) mods.push('Ctrl')
  if (e.altKey) mods.push('Alt')
  // Shift is part of a symbol ("?" is Shift+/), spelled out for letters and named keys
  const printableSymbol = e.key.length === 1 && !/[a-z]/i.test(e.key) && e.key !== ' '
  if (e.shiftKey && !printableSymbol) mods.push('Shift')
  if (e.metaKey) mods.push('Meta')
  return [...mods, keyPart(e.key)].join('+')
}

/** The action bound to a key press, if any. */
export function actionFor(hotkeys: Record<string, string> | undefined, e: KeyLike): string | null {
  const pressed = bindingOf(e)
  if (!pressed) return null
  for (const [action, binding] of Object.entries(hotkeys ?? {})) {
    if (binding && normalizeBinding(binding) === pressed) return action
  }
  return null
}

/** Actions that share a key (by key, the actions). */
export function conflicts(hotkeys: Record<string, string>): Record<string, string[]> {
  const byKey: Record<string, string[]> = {}
  for (const [action, binding] of Object.entries(hotkeys)) {
    const k = normalizeBinding(binding)
    if (k) (byKey[k] ??= []).push(action)
  }
  return Object.fromEntries(Object.entries(byKey).filter(([, list]) => list.length > 1))
}

/** What is saved: only bound, known or already saved actions, bindings normalised. */
export function cleanHotkeys(hotkeys: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [action, binding] of Object.entries(hotkeys)) {
    const k = normalizeBinding(binding)
    if (k && action.length <= 32 && k.length <= 32) out[action] = k
  }
  return out
}
