/** The series panel after the server made new series (split, new series, stitching): ask QIDO again. */
import { loadStudy, type SeriesInfo, type StudyInfo } from '../dicomweb'

/** Adds the study's series the panel does not show yet; returns them. ``studies`` are the viewer's (reactive). */
export async function addNewSeries(studies: StudyInfo[], seriesByKey: Map<string, SeriesInfo>, studyUid: string): Promise<SeriesInfo[]> {
  const study = studies.find((s) => s.studyUid === studyUid)
  if (!study) return []
  const fresh = await loadStudy(studyUid, null)
  const added = fresh.series.filter((s) => !seriesByKey.has(s.key))
  for (const s of added) {
    seriesByKey.set(s.key, s)
    study.series.push(s)
  }
  study.series.sort((a, b) => (a.number ?? 0) - (b.number ?? 0))
  return study.series.filter((s) => added.some((a) => a.key === s.key))
}
