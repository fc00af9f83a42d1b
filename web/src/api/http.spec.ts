import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, http, onUnauthorized, toSearchParams, url } from './http'

afterEach(() => vi.unstubAllGlobals())

describe('the API client', () => {
  it('repeats array parameters and drops empty ones', () => {
    expect(toSearchParams({ kind: ['a', 'b'], empty: '', none: null, page: 1 }).toString()).toBe('kind=a&kind=b&page=1')
    expect(url('/platform/accounts', { keyword: '王' })).toBe('/api/v1/platform/accounts?keyword=%E7%8E%8B')
  })

  it('turns an error answer into ApiError with its code, Chinese message and fields', async () => {
    vi.stubGlobal('fetch', vi.fn(async () =>
      new Response(JSON.stringify({ code: 'DUPLICATE', message: '账号已存在', fields: [{ field: 'username', message: '账号已存在' }] }), {
        status: 409,
        headers: { 'content-type': 'application/json' },
      }),
    ))
    const error = await http.post('/platform/accounts', {}).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(409)
    expect(error.code).toBe('DUPLICATE')
    expect(error.message).toBe('账号已存在')
    expect(error.fields).toEqual([{ field: 'username', message: '账号已存在' }])
  })

  it('tells the session guard about every 401', async () => {
    const seen: string[] = []
    onUnauthorized((e) => seen.push(e.code))
    vi.stubGlobal('fetch', vi.fn(async () =>
      new Response(JSON.stringify({ code: 'SESSION_REPLACED', message: '您的账号已在其他地点登录' }), {
        status: 401,
        headers: { 'content-type': 'application/json' },
      }),
    ))
    await http.get('/auth/me').catch(() => undefined)
    expect(seen).toContain('SESSION_REPLACED')
  })
})
