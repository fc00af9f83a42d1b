/** 序列管理: what a split makes, and which images "the current window" holds. */

/** The sizes of the two series a split after image ``at`` (1-based) of ``total`` makes. */
export function splitParts(total: number, at: number): [number, number] {
  if (total < 2) throw new Error('只有一张影像的序列不能拆分')
  if (!Number.isInteger(at) || at < 1 || at >= total) throw new Error(`拆分位置应在 1 到 ${total - 1} 之间`)
  return [at, total - at]
}

export interface CellImage {
  studyUid: string | null | undefined
  imageId: string | undefined
}

/**
 * The images shown in the windows (cells), in window order, each once, of the study of the first
 * window that shows one (a new series belongs to one study). ``metaOf`` gives an image's SOP UID.
 */
export function windowImages(cells: CellImage[], metaOf: (imageId: string) => { sopUid?: string } | undefined): { studyUid: string; sopUids: string[] } | null {
  let studyUid: string | null = null
  const sopUids: string[] = []
  for (const c of cells) {
    if (!c.imageId || !c.studyUid) continue
    const sop = metaOf(c.imageId)?.sopUid
    if (!sop) continue
    studyUid ??= c.studyUid
    if (c.studyUid !== studyUid || sopUids.includes(sop)) continue
    sopUids.push(sop)
  }
  return studyUid && sopUids.length ? { studyUid, sopUids } : null
}
