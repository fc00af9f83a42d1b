/**
 * The film being laid out (胶片排版), one per browser: kept in localStorage so that the viewer — often
 * in another tab — can add images to it and the 胶片打印 page picks them up at once (storage events).
 */
import { reactive, watch } from 'vue'
import { emptyDraft, newCell, type FilmDraft, type ImageRef } from './logic'

export const STORAGE_KEY = 'radix.film.draft'

function read(): FilmDraft {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    if (!raw) return emptyDraft()
    const saved = JSON.parse(raw)
    const base = emptyDraft()
    return { ...base, ...saved, layout: { ...base.layout, ...(saved.layout || {}) }, cells: Array.isArray(saved.cells) ? saved.cells : [] }
  } catch {
    return emptyDraft()
  }
}

/** The draft every film component shares. */
export const film = reactive<FilmDraft>(read())

let applying = false
watch(
  film,
  () => {
    if (applying) return
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(film))
    } catch {
      /* storage full or disabled: the draft still lives in this tab */
    }
  },
  { deep: true },
)

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== STORAGE_KEY) return
    applying = true
    Object.assign(film, e.newValue ? read() : emptyDraft())
    queueMicrotask(() => (applying = false))
  })
}

/**
 * 添加到胶片: the viewer's 添加当前图像 / 添加序列 / 添加检查 hand their images here (one or many, in
 * order). Returns how many images the film now has.
 */
export function addToFilm(refs: ImageRef | ImageRef[]): number {
  const list = Array.isArray(refs) ? refs : [refs]
  for (const ref of list) {
    if (ref && ref.studyUID && ref.seriesUID && ref.sopUID) film.cells.push(newCell(ref))
  }
  return film.cells.length
}

/** 清空: a new, empty film (the saved task, if any, stays in 打印任务). */
export function clearFilm(): void {
  Object.assign(film, emptyDraft())
}

/** Replace the draft (opening a saved task). */
export function loadDraft(draft: FilmDraft): void {
  Object.assign(film, draft)
}
