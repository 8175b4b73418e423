// The one way the app talks to the server: JSON over fetch, same-origin cookies, the CSRF
// header on state-changing requests, and one typed error for every failure (docs/api.md
// "Errors — one shape everywhere").
import type { FieldErrors } from './types'

export const API_BASE = '/api/v1'
export const CSRF_COOKIE = 'carelive_csrf'
/** Behind TLS the server names it `__Host-carelive_csrf` (bound to this host, Secure, Path=/). */
export const CSRF_COOKIE_TLS = '__Host-' + CSRF_COOKIE
export const CSRF_HEADER = 'X-CSRF-Token'

/** `network` and `unknown` are the app's own codes: no answer, or an answer not in the contract. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: FieldErrors
  readonly retryAfter: number | null

  constructor(status: number, code: string, fields: FieldErrors = {}, retryAfter: number | null = null) {
    super(code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    this.retryAfter = retryAfter
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function parseFields(v: unknown): FieldErrors {
  const out: FieldErrors = {}
  if (!isRecord(v)) return out
  for (const [name, codes] of Object.entries(v)) {
    const list = (Array.isArray(codes) ? codes : [codes]).filter((c): c is string => typeof c === 'string' && c !== '')
    if (list.length > 0) out[name] = list
  }
  return out
}

function parseSeconds(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null
}

/**
 * Turns an error answer into an ApiError. `body` is the parsed JSON (or undefined when the
 * body was not JSON); `retryAfterHeader` is the Retry-After header, used when the body has none.
 */
export function parseApiError(status: number, body: unknown, retryAfterHeader: string | null = null): ApiError {
  const err = isRecord(body) && isRecord(body.error) ? body.error : null
  const code = err && typeof err.code === 'string' && err.code !== '' ? err.code : 'unknown'
  const fields = err ? parseFields(err.fields) : {}
  const retryAfter = (err ? parseSeconds(err.retry_after) : null) ?? parseSeconds(retryAfterHeader)
  return new ApiError(status, code, fields, retryAfter)
}

/** Value of cookie `name` in a `document.cookie` string, or null. */
export function readCookie(name: string, cookieString: string): string | null {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    const raw = part.slice(eq + 1).trim()
    try {
      return decodeURIComponent(raw)
    } catch {
      return raw
    }
  }
  return null
}

/** The CSRF token the server set: the `__Host-` cookie behind TLS, the plain one over http. */
export function readCsrfToken(cookieString: string): string | null {
  return readCookie(CSRF_COOKIE_TLS, cookieString) ?? readCookie(CSRF_COOKIE, cookieString)
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

function currentCookies(): string {
  return typeof document === 'undefined' ? '' : document.cookie
}

let unauthenticatedHandler: (() => void) | null = null

/** Called whenever the server answers 401 `unauthenticated` (the session ended). */
export function onUnauthenticated(handler: (() => void) | null): void {
  unauthenticatedHandler = handler
}

/** The session ended, as another channel than a request found out (the call socket closed
 * with "session ended"): the same as a 401 `unauthenticated`. */
export function sessionEnded(): void {
  unauthenticatedHandler?.()
}

async function send(method: Method, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (method !== 'GET') {
    const token = readCsrfToken(currentCookies())
    if (token) headers[CSRF_HEADER] = token
  }
  const hasBody = body !== undefined && method !== 'GET'
  if (hasBody) headers['Content-Type'] = 'application/json'
  try {
    return await fetch(API_BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: hasBody ? JSON.stringify(body) : undefined,
    })
  } catch {
    throw new ApiError(0, 'network')
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '')
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** A file the server makes (a CSV): its bytes, the name it gives, and its X-CareLive-* counts. */
export interface Download {
  blob: Blob
  filename: string
  headers: Headers
}

/** A request whose answer is a file (a POST with a filter, or a GET); errors as request(). */
export async function download(path: string, body: unknown, method: Method = 'POST'): Promise<Download> {
  const res = await send(method, path, body)
  if (!res.ok) {
    const err = parseApiError(res.status, await readJson(res), res.headers.get('Retry-After'))
    if (err.code === 'unauthenticated') unauthenticatedHandler?.()
    throw err
  }
  const disposition = res.headers.get('Content-Disposition') ?? ''
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download'
  return { blob: await res.blob(), filename, headers: res.headers }
}

/**
 * One API call. Resolves with the parsed JSON (undefined for 204), or rejects with ApiError.
 * A state-changing request refused with `csrf_failed` is retried once when the refusal set
 * a fresh CSRF cookie (first visit: the page had none yet).
 */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const tokenBefore = readCsrfToken(currentCookies())
  let res = await send(method, path, body)
  let data = await readJson(res)
  if (res.status === 403 && method !== 'GET') {
    const err = parseApiError(res.status, data)
    const tokenNow = readCsrfToken(currentCookies())
    if (err.code === 'csrf_failed' && tokenNow !== null && tokenNow !== tokenBefore) {
      res = await send(method, path, body)
      data = await readJson(res)
    }
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T
    if (data === undefined) throw new ApiError(res.status, 'unknown')
    return data as T
  }
  const err = parseApiError(res.status, data, res.headers.get('Retry-After'))
  if (err.code === 'unauthenticated') unauthenticatedHandler?.()
  return Promise.reject(err)
}
