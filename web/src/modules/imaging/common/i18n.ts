/**
 * Words every archive page uses (性别, 阅片, 事件…), merged into a page's own component-local messages
 * so that each page still declares its strings where they are used.
 */
import type { Ref } from 'vue'
import { useI18n } from 'vue-i18n'

type Messages = Record<string, any>

export const common: { 'zh-CN': Messages; en: Messages } = {
  'zh-CN': {
    sexes: { M: '男', F: '女', O: '其他' },
    viewer: '阅片',
    detail: '详情',
    send: '发送',
    share: '分享',
    close: '关闭',
    copy: '复制',
    copied: '已复制到剪贴板',
    copyFailed: '复制失败，请手动复制',
    sources: { dimse: 'DICOM 接收', stow: 'STOW-RS', upload: '本地上传', demo: '演示数据' },
    eventKinds: { received: '已接收', stored: '已存储', indexed: '已入库', forwarded: '已转发', failed: '失败' },
  },
  en: {
    sexes: { M: 'Male', F: 'Female', O: 'Other' },
    viewer: 'Open viewer',
    detail: 'Detail',
    send: 'Send',
    share: 'Share',
    close: 'Close',
    copy: 'Copy',
    copied: 'Copied to the clipboard',
    copyFailed: 'Copy failed, copy it by hand',
    sources: { dimse: 'DICOM (C-STORE)', stow: 'STOW-RS', upload: 'Upload', demo: 'Demo data' },
    eventKinds: { received: 'Received', stored: 'Stored', indexed: 'Indexed', forwarded: 'Forwarded', failed: 'Failed' },
  },
}

function merge(a: Messages, b: Messages): Messages {
  const out: Messages = { ...a }
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && typeof a[k] === 'object' ? merge(a[k], v) : v
  }
  return out
}

/** useI18n with the archive's common words and the page's own; global keys (crud.*) still resolve. */
export function useImagingI18n(local: { 'zh-CN': Messages; en: Messages } = { 'zh-CN': {}, en: {} }) {
  const options: any = {
    missingWarn: false,
    fallbackWarn: false,
    messages: { 'zh-CN': merge(common['zh-CN'], local['zh-CN']), en: merge(common.en, local.en) },
  }
  // the messages' literal types would make every t() call instantiate deeply; keys are plain strings here
  const i18n = useI18n(options) as unknown as {
    t: (key: string, named?: Record<string, unknown>) => string
    te: (key: string) => boolean
    locale: Ref<string>
  }
  const known = (group: string, v: string | null | undefined) => (v && i18n.te(`${group}.${v}`) ? i18n.t(`${group}.${v}`) : v || '')
  return {
    ...i18n,
    /** DICOM PatientSex M/F/O in words */
    sexText: (v: string | null | undefined) => known('sexes', v),
    /** how an instance came in (dimse / stow / upload / demo) */
    sourceText: (v: string | null | undefined) => known('sources', v),
    eventText: (v: string | null | undefined) => known('eventKinds', v),
  }
}
