/**
 * Film printing for other modules (the viewer): add images to the film being laid out, then open the
 * 胶片打印 page (`FILM_PAGE`, `/film`; `/film?taskId=<id>` opens a saved print task).
 *
 *   import { addToFilm, FILM_PAGE } from '@/modules/film'
 *   addToFilm({ studyUID, seriesUID, sopUID, frame: 1, wl: { center: 40, width: 400 } })
 *   router.push(FILM_PAGE)
 */
export { addToFilm, clearFilm, film } from './store'
export type { FilmCell, FilmDraft, FilmLayout, ImageRef } from './logic'

export const FILM_PAGE = '/film'
export const FILM_TASKS_PAGE = '/film/task'
