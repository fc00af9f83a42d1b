/**
 * The one API client: JSON in and out, the session cookie, and errors as ApiError
 * ({ status, code, message, fields }) whatever the endpoint.
 */

export interface FieldError {
  field: string
  message: string
}

export class ApiError extends Error {
  status: number
  code: string
  fields: FieldError[]
  body: any

  constructor(status: number, body: any) {
    super(body?.message || `请求失败（${status}）`)
    this.status = status
    this.code = body?.code || 'HTTP_ERROR'
    this.fields = Array.isArray(body?.fields) ? body.fields : []
    this.body = body
  }
}

type Listener = (error: ApiError) => void
const unauthorizedListeners: Listener[] = []

/** Called for every 401 (session replaced, expired, logged out elsewhere). */
export function onUnauthorized(listener: Listener): void {
  unauthorizedListeners.push(listener)
}

export type Query = Record<string, unknown>

/** Serialise query values the way the API reads them: arrays repeat the key, empty values are dropped. */
export function toSearchParams(query: Query | undefined): URLSearchParams {
  const params = new URLSearchParams()
  if (!query) return params
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item !== undefined && item !== null && item !== '') params.append(key, String(item))
      }
    } else {
      params.append(key, String(value))
    }
  }
  return params
}

export function url(path: string, query?: Query): string {
  const base = path.startsWith('/api') ? path : `/api/v1${path}`
  const qs = toSearchParams(query).toString()
  return qs ? `${base}?${qs}` : base
}

interface RequestOptions {
  query?: Query
  body?: unknown
  form?: FormData
  headers?: Record<string, string>
  /** do not raise the global 401 handling (the login page itself) */
  silent401?: boolean
}

export async function request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers || {}) }
  let body: BodyInit | undefined
  if (opts.form) {
    body = opts.form
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  const response = await fetch(url(path, opts.query), { method, headers, body, credentials: 'same-origin' })
  if (response.status === 204) return undefined as T
  const type = response.headers.get('content-type') || ''
  const data = type.includes('application/json') ? await response.json() : await response.text()
  if (!response.ok) {
    const error = new ApiError(response.status, typeof data === 'string' ? { message: data } : data)
    if (response.status === 401 && !opts.silent401) unauthorizedListeners.forEach((l) => l(error))
    throw error
  }
  return data as T
}

export const http = {
  get: <T = any>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T = any>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body, query }),
  put: <T = any>(path: string, body?: unknown, query?: Query) => request<T>('PUT', path, { body, query }),
  patch: <T = any>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = any>(path: string) => request<T>('DELETE', path),
  upload: <T = any>(path: string, file: File, field = 'file') => {
    const form = new FormData()
    form.append(field, file)
    return request<T>('POST', path, { form })
  },
}

/** Download a file answer (export, template) and save it under the server's file name. */
export async function download(path: string, query?: Query, fallbackName = 'export.xlsx'): Promise<string> {
  const response = await fetch(url(path, query), { credentials: 'same-origin' })
  if (!response.ok) {
    const data = await response.json().catch(() => ({}))
    const error = new ApiError(response.status, data)
    if (response.status === 401) unauthorizedListeners.forEach((l) => l(error))
    throw error
  }
  const blob = await response.blob()
  const disposition = response.headers.get('content-disposition') || ''
  const match = /filename\*=UTF-8''([^;]+)/.exec(disposition) || /filename="?([^";]+)"?/.exec(disposition)
  const name = match ? decodeURIComponent(match[1]) : fallbackName
  saveBlob(blob, name)
  return name
}

/** Let the browser save `blob` as `name` (a link clicked and dropped; `testid` names it for tests). */
export function saveBlob(blob: Blob, name: string, testid = 'download-link'): void {
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  link.dataset.testid = testid
  document.body.appendChild(link)
  link.click()
  setTimeout(() => {
    URL.revokeObjectURL(link.href)
    link.remove()
  }, 1000)
}

export interface UploadProgress {
  loaded: number
  total: number
}

/**
 * A multipart upload that reports its progress and can be aborted (fetch has no upload progress).
 * Errors come back as ApiError like every other call; an abort rejects with status 0, code ABORTED.
 */
export function uploadWithProgress<T = any>(
  path: string,
  file: File,
  opts: { field?: string; onProgress?: (p: UploadProgress) => void } = {},
): { promise: Promise<T>; abort: () => void } {
  const xhr = new XMLHttpRequest()
  const promise = new Promise<T>((resolve, reject) => {
    const form = new FormData()
    form.append(opts.field ?? 'file', file)
    xhr.open('POST', url(path))
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => opts.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size })
    xhr.onload = () => {
      let data: any = xhr.responseText
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined
      } catch {
        /* a text answer */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T)
      const error = new ApiError(xhr.status, typeof data === 'string' ? { message: data } : data)
      if (xhr.status === 401) unauthorizedListeners.forEach((l) => l(error))
      reject(error)
    }
    xhr.onerror = () => reject(new ApiError(0, { code: 'NETWORK', message: '网络错误，上传中断' }))
    xhr.onabort = () => reject(new ApiError(0, { code: 'ABORTED', message: '已取消上传' }))
    xhr.send(form)
  })
  return { promise, abort: () => xhr.abort() }
}
