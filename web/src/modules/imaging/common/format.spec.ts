import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, uploadWithProgress } from '@/api/http'
import { dicomDate, dicomTime, duration, formatBytes, modalityList, personName, viewerUrl } from './format'

afterEach(() => vi.unstubAllGlobals())

describe('how the archive pages show DICOM values', () => {
  it('shows sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GB')
    expect(formatBytes(null)).toBe('')
  })

  it('prefers the ideographic name in Chinese and the alphabetic one in English', () => {
    expect(personName('Wang^XiaoDong=王^小东', 'zh-CN')).toBe('王小东')
    expect(personName('Wang^XiaoDong=王^小东', 'en')).toBe('Wang XiaoDong')
    expect(personName('=张^三', 'en')).toBe('张三')
    expect(personName('Doe^John^^^', 'zh-CN')).toBe('Doe John')
    expect(personName(null)).toBe('')
  })

  it('formats DA, TM and ModalitiesInStudy', () => {
    expect(dicomDate('20240131')).toBe('2024-01-31')
    expect(dicomDate('2024')).toBe('2024')
    expect(dicomTime('093015.123')).toBe('09:30:15')
    expect(modalityList('\\CT\\SR\\')).toEqual(['CT', 'SR'])
    expect(modalityList(['MR'])).toEqual(['MR'])
  })

  it('says how long the steps of an image took', () => {
    const units = { ms: 'ms', s: 's', min: 'min', h: 'h' }
    expect(duration(12, units)).toBe('12 ms')
    expect(duration(3400, units)).toBe('3.4 s')
    expect(duration(113_459, units)).toBe('1 min 53 s')
  })

  it('opens the viewer on the study', () => {
    expect(viewerUrl('1.2.3')).toBe('/viewer?studyUIDs=1.2.3')
  })
})

/** a stand-in XMLHttpRequest that answers when told to */
class FakeXhr {
  static last: FakeXhr
  upload: { onprogress: ((e: any) => void) | null } = { onprogress: null }
  status = 0
  responseText = ''
  withCredentials = false
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  onabort: (() => void) | null = null
  url = ''
  constructor() {
    FakeXhr.last = this
  }
  open(_method: string, url: string) {
    this.url = url
  }
  setRequestHeader() {}
  send() {}
  abort() {
    this.onabort?.()
  }
  answer(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.onload?.()
  }
}

describe('an upload with progress (本地上传)', () => {
  const file = new File(['PK'], 'a.zip', { type: 'application/zip' })

  it('reports progress and resolves with the answer', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    const seen: number[] = []
    const job = uploadWithProgress('/imaging/uploads', file, { onProgress: (p) => seen.push(p.loaded) })
    expect(FakeXhr.last.url).toBe('/api/v1/imaging/uploads')
    FakeXhr.last.upload.onprogress?.({ loaded: 1, total: 2, lengthComputable: true })
    FakeXhr.last.answer(202, { id: 7, status: 'received', jobId: 9 })
    expect(await job.promise).toEqual({ id: 7, status: 'received', jobId: 9 })
    expect(seen).toEqual([1])
  })

  it('is cancelled by abort, and an error answer is an ApiError', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    const aborted = uploadWithProgress('/imaging/uploads', file)
    aborted.abort()
    expect(await aborted.promise.catch((e) => e.code)).toBe('ABORTED')

    const refused = uploadWithProgress('/imaging/uploads', file)
    FakeXhr.last.answer(413, { code: 'UPLOAD_TOO_LARGE', message: '仅支持上传 2 GB 以内（含 2 GB）的 ZIP 文件' })
    const error = await refused.promise.catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(413)
    expect(error.code).toBe('UPLOAD_TOO_LARGE')
  })
})
