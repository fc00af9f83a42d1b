/** Names of the UIDs a reader meets in 影像数据 (PS3.6 Annex A), so a detail says "CT 图像存储", not a UID. */

export const TRANSFER_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K Lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
}

export const SOP_CLASSES: Record<string, { zh: string; en: string }> = {
  '1.2.840.10008.5.1.4.1.1.1': { zh: 'CR 图像存储', en: 'CR Image Storage' },
  '1.2.840.10008.5.1.4.1.1.1.1': { zh: 'DX 图像存储（用于显示）', en: 'Digital X-Ray Image Storage – For Presentation' },
  '1.2.840.10008.5.1.4.1.1.1.1.1': { zh: 'DX 图像存储（用于处理）', en: 'Digital X-Ray Image Storage – For Processing' },
  '1.2.840.10008.5.1.4.1.1.1.2': { zh: '乳腺 X 线图像存储（用于显示）', en: 'Digital Mammography X-Ray Image Storage – For Presentation' },
  '1.2.840.10008.5.1.4.1.1.1.2.1': { zh: '乳腺 X 线图像存储（用于处理）', en: 'Digital Mammography X-Ray Image Storage – For Processing' },
  '1.2.840.10008.5.1.4.1.1.2': { zh: 'CT 图像存储', en: 'CT Image Storage' },
  '1.2.840.10008.5.1.4.1.1.2.1': { zh: '增强 CT 图像存储', en: 'Enhanced CT Image Storage' },
  '1.2.840.10008.5.1.4.1.1.3.1': { zh: '超声多帧图像存储', en: 'Ultrasound Multi-frame Image Storage' },
  '1.2.840.10008.5.1.4.1.1.4': { zh: 'MR 图像存储', en: 'MR Image Storage' },
  '1.2.840.10008.5.1.4.1.1.4.1': { zh: '增强 MR 图像存储', en: 'Enhanced MR Image Storage' },
  '1.2.840.10008.5.1.4.1.1.6.1': { zh: '超声图像存储', en: 'Ultrasound Image Storage' },
  '1.2.840.10008.5.1.4.1.1.7': { zh: '二次捕获图像存储', en: 'Secondary Capture Image Storage' },
  '1.2.840.10008.5.1.4.1.1.12.1': { zh: 'X 线血管造影图像存储', en: 'X-Ray Angiographic Image Storage' },
  '1.2.840.10008.5.1.4.1.1.20': { zh: '核医学图像存储', en: 'Nuclear Medicine Image Storage' },
  '1.2.840.10008.5.1.4.1.1.88.11': { zh: '基本文本结构化报告', en: 'Basic Text SR Storage' },
  '1.2.840.10008.5.1.4.1.1.88.22': { zh: '增强结构化报告', en: 'Enhanced SR Storage' },
  '1.2.840.10008.5.1.4.1.1.88.33': { zh: '综合结构化报告', en: 'Comprehensive SR Storage' },
  '1.2.840.10008.5.1.4.1.1.104.1': { zh: '封装 PDF 存储', en: 'Encapsulated PDF Storage' },
  '1.2.840.10008.5.1.4.1.1.128': { zh: 'PET 图像存储', en: 'PET Image Storage' },
  '1.2.840.10008.5.1.4.1.1.481.1': { zh: '放疗图像存储', en: 'RT Image Storage' },
  '1.2.840.10008.5.1.4.1.1.481.2': { zh: '放疗剂量存储', en: 'RT Dose Storage' },
  '1.2.840.10008.5.1.4.1.1.481.3': { zh: '放疗结构集存储', en: 'RT Structure Set Storage' },
  '1.2.840.10008.5.1.4.1.1.66': { zh: '原始数据存储', en: 'Raw Data Storage' },
  '1.2.840.10008.5.1.4.1.1.11.1': { zh: '灰阶显示状态存储', en: 'Grayscale Softcopy Presentation State Storage' },
}

/** "CT 图像存储 (1.2.840…)" or the bare UID when unknown. */
export function uidName(uid: string | null | undefined, table: 'ts' | 'sop', lang: string): string {
  if (!uid) return ''
  if (table === 'ts') {
    const name = TRANSFER_SYNTAXES[uid]
    return name ? `${name} (${uid})` : uid
  }
  const hit = SOP_CLASSES[uid]
  return hit ? `${lang === 'en' ? hit.en : hit.zh} (${uid})` : uid
}
