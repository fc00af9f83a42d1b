import { afterEach, describe, expect, it, vi } from 'vitest'
import { metadataPath, seriesQuery, startViewerEarly, studyQuery, studyUidsOf, takeEarly } from './early'
import { firstSeries, type DicomJson } from './logic/dicom'

const series = (uid: string, number?: number): DicomJson => ({
  '0020000E': { vr: 'UI', Value: [uid] },
  ...(number === undefined ? {} : { '00200011': { vr: 'IS', Value: [number] } }),
})

describe('the series a study opens on', () => {
  it('is the wanted one when the study has it, else the lowest series number', () => {
    const list = [series('b', 3), series('a', 1), series('c', 2)]
    expect(firstSeries(list, null)).toBe('a')
    expect(firstSeries(list, 'c')).toBe('c')
    expect(firstSeries(list, 'elsewhere')).toBe('a')
    expect(firstSeries([series('x', 5), series('y')], null)).toBe('y')
    expect(firstSeries([], null)).toBeNull()
  })

  it('reads the study UIDs of the viewer URL in every spelling', () => {
    expect(studyUidsOf(new URLSearchParams('studyUIDs=1.2, 1.3&studyUid=1.4'))).toEqual(['1.2', '1.3', '1.4'])
    expect(studyUidsOf(new URLSearchParams('seriesUID=9'))).toEqual([])
  })
})

describe('early requests', () => {
  afterEach(() => vi.unstubAllGlobals())

  function fakeArchive() {
    const asked: string[] = []
    vi.stubGlobal('fetch', async (path: string) => {
      asked.push(path)
      const body = path === seriesQuery('1.2') ? [series('s2', 2), series('s1', 1)] : [{ path }]
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/dicom+json' } })
    })
    return asked
  }

  it('asks the study, its series and the first series’ metadata, and hands each answer over once', async () => {
    const asked = fakeArchive()
    startViewerEarly(new URL('http://radix.test/viewer?studyUIDs=1.2'))
    const study = await takeEarly(studyQuery('1.2'))
    expect(study).toEqual({ status: 200, body: [{ path: studyQuery('1.2') }] })
    await takeEarly(seriesQuery('1.2'))
    await vi.waitFor(() => expect(asked).toContain(metadataPath('1.2', 's1')))
    expect(asked).toEqual([studyQuery('1.2'), seriesQuery('1.2'), metadataPath('1.2', 's1')])
    expect((await takeEarly(metadataPath('1.2', 's1')))?.status).toBe(200)
    expect(takeEarly(metadataPath('1.2', 's1'))).toBeUndefined()
    expect(takeEarly(studyQuery('1.2'))).toBeUndefined()
  })

  it('asks nothing off the viewer route or without a study', () => {
    const asked = fakeArchive()
    startViewerEarly(new URL('http://radix.test/imaging/studies?studyUIDs=1.2'))
    startViewerEarly(new URL('http://radix.test/viewer'))
    expect(asked).toEqual([])
  })

  it('turns a refused or failed request into an answer, never a rejection', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ code: 'UNAUTHORIZED', message: '请先登录' }), { status: 401 }))
    startViewerEarly(new URL('http://radix.test/viewer?studyUIDs=9.9'))
    expect(await takeEarly(studyQuery('9.9'))).toEqual({ status: 401, body: { code: 'UNAUTHORIZED', message: '请先登录' } })
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('network down')
    })
    startViewerEarly(new URL('http://radix.test/viewer?studyUIDs=9.8'))
    expect(await takeEarly(studyQuery('9.8'))).toEqual({ status: 0, body: {} })
  })
})
