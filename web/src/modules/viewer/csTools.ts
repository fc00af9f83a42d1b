/**
 * The viewer's Cornerstone tools: W/L, zoom, pan, measurements, annotations, reference lines, crosshairs,
 * VR rotation; the tool groups viewports join; the toolbar's left-button tool. Loaded apart from the
 * first image (import it only through `loadTools()` of ./cs): `@cornerstonejs/tools` cannot be
 * tree-shaken and is a megabyte of code the first image does not need.
 */
import * as tools from '@cornerstonejs/tools'
import { CURVE, STACK_GROUP, VOLUME_GROUP, VR_GROUP, core, promptText } from './cs'
import { manualWindowLevelDrag } from './logic/presets'

/** Window/level as the manual drags it: up/down = width, left/right = level. */
class ManualWindowLevelTool extends (tools.WindowLevelTool as any) {
  static toolName = 'RadixWindowLevel'
  getNewRange(args: any): any {
    const [dx, dy] = args.deltaPointsCanvas
    return super.getNewRange({ ...args, deltaPointsCanvas: manualWindowLevelDrag(dx, dy) })
  }
}
const WindowLevelTool = ManualWindowLevelTool as any

/** Tools whose drawings are the user's annotations (saved on the server, listed, erased). */
export const ANNOTATION_TOOLS = [
  tools.LengthTool.toolName, tools.AngleTool.toolName, tools.EllipticalROITool.toolName, tools.CircleROITool.toolName,
  tools.RectangleROITool.toolName, tools.PlanarFreehandROITool.toolName, tools.LivewireContourTool.toolName,
  tools.ProbeTool.toolName, tools.ArrowAnnotateTool.toolName, tools.LabelTool.toolName, CURVE,
]

let started = false

/**
 * Once (`loadTools()` calls it): the tools' global state and listeners, every tool registered, and the
 * viewports enabled before the tools were here (the first image's) given what the tools give an element
 * when it is enabled (its SVG layer and its mouse, wheel and key listeners).
 */
export function start(): void {
  if (started) return
  started = true
  tools.init()
  for (const T of [
    tools.StackScrollTool, WindowLevelTool, tools.ZoomTool, tools.PanTool, tools.PlanarRotateTool, tools.MagnifyTool,
    tools.LengthTool, tools.AngleTool, tools.EllipticalROITool, tools.CircleROITool, tools.RectangleROITool,
    tools.PlanarFreehandROITool, tools.LivewireContourTool, tools.ProbeTool, tools.ArrowAnnotateTool, tools.LabelTool,
    tools.EraserTool, tools.ReferenceLinesTool, tools.CrosshairsTool, tools.TrackballRotateTool,
  ] as any[]) {
    tools.addTool(T)
  }
  const known = tools.store.state.enabledElements as HTMLDivElement[]
  for (const engine of core.getRenderingEngines() ?? []) {
    for (const vp of engine.getViewports()) {
      if (known.includes(vp.element)) continue
      tools.store.addEnabledElement({ detail: { element: vp.element, viewportId: vp.id, renderingEngineId: engine.id } } as any)
    }
  }
}

const textConfig = {
  getTextCallback: (done: (text: string) => void) => {
    promptText('输入标注文字').then((text) => done(text ?? ''))
  },
  changeTextCallback: (data: any, _event: unknown, done: (text: string) => void) => {
    promptText('修改标注文字', data?.text ?? data?.data?.text ?? '').then((text) => done(text ?? data?.text ?? ''))
  },
}

const arrowConfig = {
  getTextCallback: (done: (text: string) => void) => done(''),
  changeTextCallback: (data: any, _event: unknown, done: (text: string) => void) => {
    promptText('箭头文字', data?.text ?? '').then((text) => done(text ?? ''))
  },
}

function addAnnotationTools(group: any): void {
  group.addTool(tools.LengthTool.toolName)
  group.addTool(tools.AngleTool.toolName)
  group.addTool(tools.EllipticalROITool.toolName)
  group.addTool(tools.CircleROITool.toolName)
  group.addTool(tools.RectangleROITool.toolName)
  group.addTool(tools.PlanarFreehandROITool.toolName, { calculateStats: true })
  group.addToolInstance(CURVE, tools.PlanarFreehandROITool.toolName, { allowOpenContours: true, calculateStats: false })
  group.addTool(tools.LivewireContourTool.toolName)
  group.addTool(tools.ProbeTool.toolName)
  group.addTool(tools.ArrowAnnotateTool.toolName, arrowConfig)
  group.addTool(tools.LabelTool.toolName, textConfig)
  group.addTool(tools.EraserTool.toolName)
  // passive from the start: a tool's drawings are drawn (and can be picked) before the tool is, as
  // the ones restored from the server are; a tool never set to a mode draws nothing
  for (const name of ANNOTATION_TOOLS) group.setToolPassive(name)
}

/** Manual 2 §3.1.3: 向上拖动放大，向下拖动缩小 (Cornerstone's zoom drag is the other way round). */
const ZOOM_CONFIG = { invert: true }

export type GroupKind = 'stack' | 'volume' | 'vr'

/** The tool groups of the viewer (created once; viewports join and leave them). */
export function toolGroups(): Record<GroupKind, any> {
  const { ToolGroupManager } = tools
  // the 2D groups: the same navigation and drawing tools, plus reference lines resp. crosshairs
  const planar = (id: string, navigation: any[], extra: any) => {
    let group = ToolGroupManager.getToolGroup(id)
    if (!group) {
      group = ToolGroupManager.createToolGroup(id)!
      for (const name of navigation) group.addTool(name.toolName, name === tools.ZoomTool ? ZOOM_CONFIG : undefined)
      addAnnotationTools(group)
      group.addTool(extra.toolName)
    }
    return group
  }
  const navigation = [tools.StackScrollTool, WindowLevelTool, tools.ZoomTool, tools.PanTool, tools.MagnifyTool]
  const stack = planar(STACK_GROUP, [...navigation, tools.PlanarRotateTool], tools.ReferenceLinesTool)
  const volume = planar(VOLUME_GROUP, navigation, tools.CrosshairsTool)
  let vr = ToolGroupManager.getToolGroup(VR_GROUP)
  if (!vr) {
    vr = ToolGroupManager.createToolGroup(VR_GROUP)!
    vr.addTool(tools.TrackballRotateTool.toolName)
    vr.addTool(tools.ZoomTool.toolName)
    vr.addTool(tools.PanTool.toolName)
    vr.setToolActive(tools.TrackballRotateTool.toolName, { bindings: [{ mouseButton: tools.Enums.MouseBindings.Primary }] })
    vr.setToolActive(tools.ZoomTool.toolName, { bindings: [{ mouseButton: tools.Enums.MouseBindings.Secondary }] })
    vr.setToolActive(tools.PanTool.toolName, { bindings: [{ mouseButton: tools.Enums.MouseBindings.Auxiliary }] })
  }
  return { stack, volume, vr }
}

/** The viewer's tool names by its toolbar ids. */
export const TOOL_BY_ID: Record<string, string> = {
  scroll: tools.StackScrollTool.toolName,
  wl: WindowLevelTool.toolName,
  zoom: tools.ZoomTool.toolName,
  pan: tools.PanTool.toolName,
  rotate: tools.PlanarRotateTool.toolName,
  magnify: tools.MagnifyTool.toolName,
  length: tools.LengthTool.toolName,
  angle: tools.AngleTool.toolName,
  ellipse: tools.EllipticalROITool.toolName,
  circle: tools.CircleROITool.toolName,
  rectangle: tools.RectangleROITool.toolName,
  freehand: tools.PlanarFreehandROITool.toolName,
  livewire: tools.LivewireContourTool.toolName,
  probe: tools.ProbeTool.toolName,
  arrow: tools.ArrowAnnotateTool.toolName,
  text: tools.LabelTool.toolName,
  curve: CURVE,
  eraser: tools.EraserTool.toolName,
  crosshairs: tools.CrosshairsTool.toolName,
}

/**
 * Make ``toolId`` the left-button tool of every group (the others stay passive: their drawings can
 * still be selected and moved); wheel scrolls; middle and right follow the user's mouse settings.
 */
export function activate(toolId: string, mouse: { middle: string; right: string } = { middle: 'pan', right: 'zoom' }): void {
  const { MouseBindings } = tools.Enums
  const groups = toolGroups()
  for (const group of [groups.stack, groups.volume]) {
    const primary = TOOL_BY_ID[toolId]
    if (!primary || !group.hasTool(primary)) continue
    const middle = TOOL_BY_ID[mouse.middle]
    const right = TOOL_BY_ID[mouse.right]
    for (const name of Object.keys(group.toolOptions)) {
      if (name === tools.ReferenceLinesTool.toolName) continue
      if (name === tools.CrosshairsTool.toolName && toolId !== 'crosshairs') {
        group.setToolDisabled(name)
        continue
      }
      group.setToolPassive(name, { removeAllBindings: true })
    }
    const bindings: Record<string, { mouseButton: number }[]> = {}
    const bind = (name: string | undefined, button: number) => {
      if (!name || !group.hasTool(name)) return
      ;(bindings[name] ??= []).push({ mouseButton: button })
    }
    bind(primary, MouseBindings.Primary)
    bind(middle, MouseBindings.Auxiliary)
    bind(right, MouseBindings.Secondary)
    bind(tools.StackScrollTool.toolName, MouseBindings.Wheel)
    for (const [name, b] of Object.entries(bindings)) group.setToolActive(name, { bindings: b })
  }
}

export function setReferenceLines(on: boolean, sourceViewportId?: string): void {
  const { stack } = toolGroups()
  const name = tools.ReferenceLinesTool.toolName
  if (on && sourceViewportId) {
    stack.setToolConfiguration(name, { sourceViewportId })
    stack.setToolEnabled(name)
  } else {
    stack.setToolDisabled(name)
  }
}

export { tools }
