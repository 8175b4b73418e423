import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, CSRF_HEADER, onUnauthenticated, parseApiError, readCookie, readCsrfToken, request } from './client'

describe('parseApiError', () => {
  it('reads code and every field code of a validation_failed answer', () => {
    const err = parseApiError(422, {
      error: {
        code: 'validation_failed',
        message: '入力内容を確認してください。',
        fields: { password: ['password_too_short', 'password_missing_symbol'], family_name: ['required'] },
      },
    })
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.code).toBe('validation_failed')
    expect(err.fields).toEqual({
      password: ['password_too_short', 'password_missing_symbol'],
      family_name: ['required'],
    })
    expect(err.retryAfter).toBeNull()
  })

  it('reads retry_after of login_throttled', () => {
    const err = parseApiError(429, { error: { code: 'login_throttled', message: '…', retry_after: 8 } })
    expect(err.code).toBe('login_throttled')
    expect(err.retryAfter).toBe(8)
  })

  it('falls back to the Retry-After header when the body has no retry_after', () => {
    expect(parseApiError(429, { error: { code: 'login_throttled' } }, '120').retryAfter).toBe(120)
  })

  it('gives code unknown for bodies outside the contract, never their text', () => {
    for (const body of [undefined, null, 'Bad Gateway', [], { error: 'boom' }, { error: { code: 42 } }, { error: { code: '' } }]) {
      const err = parseApiError(502, body)
      expect(err.code).toBe('unknown')
      expect(err.fields).toEqual({})
    }
  })

  it('drops malformed field entries and accepts a single code string', () => {
    const err = parseApiError(422, {
      error: { code: 'validation_failed', fields: { email: 'email_invalid', phone: [1, null, 'phone_invalid'], x: [], y: 5 } },
    })
    expect(err.fields).toEqual({ email: ['email_invalid'], phone: ['phone_invalid'] })
  })

  it('ignores a negative or non-numeric retry_after', () => {
    expect(parseApiError(429, { error: { code: 'login_throttled', retry_after: -1 } }).retryAfter).toBeNull()
    expect(parseApiError(429, { error: { code: 'login_throttled', retry_after: 'soon' } }).retryAfter).toBeNull()
  })
})

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('carelive_csrf', 'a=1; carelive_csrf=abc%3D%3D; b=2')).toBe('abc==')
  })
  it('does not match a cookie whose name only ends the same', () => {
    expect(readCookie('carelive_csrf', 'x_carelive_csrf=nope')).toBeNull()
  })
  it('returns null when absent or the string is empty', () => {
    expect(readCookie('carelive_csrf', '')).toBeNull()
    expect(readCookie('carelive_csrf', 'other=1')).toBeNull()
  })
})

describe('readCsrfToken', () => {
  it('reads the __Host- cookie the server sets behind TLS', () => {
    expect(readCsrfToken('a=1; __Host-carelive_csrf=tls%3D; b=2')).toBe('tls=')
  })
  it('reads the plain cookie over http', () => {
    expect(readCsrfToken('carelive_csrf=plain')).toBe('plain')
  })
  it('prefers the __Host- cookie when a plain one is there too', () => {
    expect(readCsrfToken('carelive_csrf=planted; __Host-carelive_csrf=real')).toBe('real')
  })
  it('is null without either', () => {
    expect(readCsrfToken('other=1; __Host-carelive_session=x')).toBeNull()
  })
})

describe('request', () => {
  const fetchMock = vi.fn<typeof fetch>()
  let cookie = ''

  function answer(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    })
  }

  beforeEach(() => {
    cookie = 'carelive_csrf=tok123'
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
    vi.stubGlobal('document', {
      get cookie() {
        return cookie
      },
    })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    onUnauthenticated(null)
  })

  it('sends the CSRF token, JSON body and same-origin credentials on POST', async () => {
    fetchMock.mockResolvedValue(answer(200, { account: { id: 1 } }))
    const res = await request<{ account: { id: number } }>('POST', '/login', { login_id: 'a', password: 'b' })
    expect(res.account.id).toBe(1)
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('/api/v1/login')
    expect(init?.method).toBe('POST')
    expect(init?.credentials).toBe('same-origin')
    const headers = init?.headers as Record<string, string>
    expect(headers[CSRF_HEADER]).toBe('tok123')
    expect(headers['Content-Type']).toBe('application/json')
    expect(init?.body).toBe(JSON.stringify({ login_id: 'a', password: 'b' }))
  })

  it('sends the CSRF token on PUT and DELETE, but not on GET', async () => {
    fetchMock.mockImplementation(async () => answer(204))
    await request('PUT', '/account/name', { family_name: 'x', given_name: 'y' })
    await request('DELETE', '/account/sessions/3')
    await request('GET', '/session')
    const headersOf = (i: number) => fetchMock.mock.calls[i]![1]?.headers as Record<string, string>
    expect(headersOf(0)[CSRF_HEADER]).toBe('tok123')
    expect(headersOf(1)[CSRF_HEADER]).toBe('tok123')
    expect(headersOf(2)[CSRF_HEADER]).toBeUndefined()
    expect(fetchMock.mock.calls[2]![1]?.body).toBeUndefined()
  })

  it('resolves 204 with undefined', async () => {
    fetchMock.mockResolvedValue(answer(204))
    await expect(request('POST', '/logout', {})).resolves.toBeUndefined()
  })

  it('rejects with the parsed ApiError', async () => {
    fetchMock.mockResolvedValue(answer(401, { error: { code: 'login_failed', message: '…' } }))
    await expect(request('POST', '/login', {})).rejects.toMatchObject({ status: 401, code: 'login_failed' })
  })

  it('turns a failed fetch into code network', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    await expect(request('GET', '/session')).rejects.toMatchObject({ status: 0, code: 'network' })
  })

  it('turns a non-JSON error page into code unknown', async () => {
    fetchMock.mockResolvedValue(new Response('<html>Bad Gateway</html>', { status: 502 }))
    await expect(request('GET', '/account')).rejects.toMatchObject({ status: 502, code: 'unknown' })
  })

  it('retries once when csrf_failed came with a fresh CSRF cookie', async () => {
    cookie = ''
    fetchMock
      .mockImplementationOnce(async () => {
        cookie = 'carelive_csrf=fresh'
        return answer(403, { error: { code: 'csrf_failed' } })
      })
      .mockResolvedValueOnce(answer(202, { status: 'sent' }))
    await expect(request('POST', '/password-reset', { login_id: 'a' })).resolves.toEqual({ status: 'sent' })
    expect(fetchMock).toHaveBeenCalledTimes(2)
    expect((fetchMock.mock.calls[1]![1]?.headers as Record<string, string>)[CSRF_HEADER]).toBe('fresh')
  })

  it('sends the __Host- CSRF token behind TLS', async () => {
    cookie = '__Host-carelive_csrf=tls-token'
    fetchMock.mockResolvedValue(answer(204))
    await request('POST', '/logout', {})
    expect((fetchMock.mock.calls[0]![1]?.headers as Record<string, string>)[CSRF_HEADER]).toBe('tls-token')
  })

  it('does not retry csrf_failed when the token did not change', async () => {
    fetchMock.mockResolvedValue(answer(403, { error: { code: 'csrf_failed' } }))
    await expect(request('POST', '/logout', {})).rejects.toMatchObject({ code: 'csrf_failed' })
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('calls the unauthenticated handler on 401 unauthenticated', async () => {
    const handler = vi.fn()
    onUnauthenticated(handler)
    fetchMock.mockResolvedValue(answer(401, { error: { code: 'unauthenticated' } }))
    await expect(request('GET', '/account')).rejects.toMatchObject({ code: 'unauthenticated' })
    expect(handler).toHaveBeenCalledTimes(1)
  })
})
