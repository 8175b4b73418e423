import { expect, test } from './fixtures'
import type { APIRequestContext } from '@playwright/test'

// Server-side guards that every screen relies on: CSRF, body limits, clear errors for bad
// input, security headers, cookie flags (SPEC "Rules that hold everywhere", docs/api.md).

async function csrf(request: APIRequestContext): Promise<string> {
  const res = await request.get('/api/v1/session')
  const cookie = res.headers()['set-cookie'] ?? ''
  const token = cookie.match(/carelive_csrf=([^;]+)/)?.[1]
  if (token) return token
  const state = await request.storageState()
  return state.cookies.find((c) => c.name === 'carelive_csrf')?.value ?? ''
}

test('every answer carries the security headers', async ({ request }) => {
  const res = await request.get('/api/v1/session')
  const h = res.headers()
  expect(h['content-security-policy']).toContain("script-src 'self'")
  expect(h['content-security-policy']).not.toContain('unsafe-inline')
  expect(h['x-content-type-options']).toBe('nosniff')
  expect(h['x-frame-options']).toBe('DENY')
  expect(h['referrer-policy']).toBe('no-referrer')
  const page = await request.get('/login')
  expect(page.headers()['content-security-policy']).toContain("default-src 'self'")
})

test('state-changing requests without the CSRF token are refused', async ({ request }) => {
  const res = await request.post('/api/v1/login', { data: { login_id: 'a@example.jp', password: 'x' } })
  expect(res.status()).toBe(403)
  expect((await res.json()).error.code).toBe('csrf_failed')
})

test('a request from another origin is refused even with the token', async ({ request }) => {
  const token = await csrf(request)
  const res = await request.post('/api/v1/password-reset', {
    data: { login_id: 'a@example.jp' },
    headers: { 'X-CSRF-Token': token, Origin: 'https://evil.example' },
  })
  expect(res.status()).toBe(403)
})

test('broken JSON, wrong types, missing and over-long fields get clear errors', async ({ request }) => {
  const token = await csrf(request)
  const headers = { 'X-CSRF-Token': token, 'Content-Type': 'application/json' }

  const broken = await request.post('/api/v1/signup/validate', { data: '{"family_name": ', headers })
  expect(broken.status()).toBe(400)
  expect((await broken.json()).error.code).toBe('bad_json')

  const notObject = await request.post('/api/v1/signup/validate', { data: '[1,2]', headers })
  expect((await notObject.json()).error.code).toBe('bad_json')

  const wrongType = await request.post('/api/v1/signup/validate', { data: { family_name: 12 }, headers })
  expect(wrongType.status()).toBe(422)
  expect((await wrongType.json()).error.fields.family_name).toEqual(['invalid'])

  const missing = await request.post('/api/v1/signup/validate', { data: {}, headers })
  expect(missing.status()).toBe(422)
  const fields = (await missing.json()).error.fields
  expect(fields.family_name).toEqual(['required'])
  expect(fields.given_name_kana).toEqual(['required'])
  expect(fields.contact_kind).toEqual(['contact_kind_invalid'])
  expect(fields.password).toEqual(['required'])

  const long = await request.post('/api/v1/signup/validate', {
    data: { family_name: '長'.repeat(21), contact_kind: 'email', email: 'a'.repeat(300) + '@example.jp' },
    headers,
  })
  const longFields = (await long.json()).error.fields
  expect(longFields.family_name).toEqual(['too_long'])
  expect(longFields.email).toEqual(['too_long'])

  const huge = await request.post('/api/v1/signup/validate', { data: 'x'.repeat(70 * 1024), headers })
  expect(huge.status()).toBe(413)
  expect((await huge.json()).error.code).toBe('payload_too_large')

  const text = await request.post('/api/v1/signup/validate', {
    data: 'family_name=a',
    headers: { 'X-CSRF-Token': token, 'Content-Type': 'application/x-www-form-urlencoded' },
  })
  expect(text.status()).toBe(415)
})

test('protected endpoints need a session and unknown ones answer 404 JSON', async ({ request }) => {
  const account = await request.get('/api/v1/account')
  expect(account.status()).toBe(401)
  expect((await account.json()).error.code).toBe('unauthenticated')
  const unknown = await request.get('/api/v1/nothing-here')
  expect(unknown.status()).toBe(404)
  expect((await unknown.json()).error.code).toBe('not_found')
})

test('the session cookie is HttpOnly and SameSite=Lax, and logout ends it', async ({ request, server }) => {
  const email = `cookie.${Date.now()}@example.jp`
  server.admin(
    ['account', 'add', '--family-name', '試験', '--given-name', '花子', '--family-name-kana', 'しけん',
      '--given-name-kana', 'はなこ', '--login-id', email, '--password-stdin'],
    'Hanako#Test7\n',
  )
  const token = await csrf(request)
  const headers = { 'X-CSRF-Token': token }
  const res = await request.post('/api/v1/login', { data: { login_id: email.toUpperCase(), password: 'Hanako#Test7' }, headers })
  expect(res.status()).toBe(200)
  const cookie = res.headers()['set-cookie']
  expect(cookie).toMatch(/carelive_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/)
  expect((await request.get('/api/v1/account')).status()).toBe(200)
  expect((await request.post('/api/v1/logout', { data: {}, headers })).status()).toBe(204)
  expect((await request.get('/api/v1/account')).status()).toBe(401)
})

test('static assets are precompressed and cached; app routes fall back to the app', async ({ request }) => {
  const index = await request.get('/account/name', { headers: { 'Accept-Encoding': 'gzip' } })
  expect(index.status()).toBe(200)
  expect(index.headers()['cache-control']).toBe('no-cache')
  const html = await index.text()
  const asset = html.match(/\/assets\/[^"]+\.js/)?.[0]
  expect(asset).toBeTruthy()
  const js = await request.get(asset!, { headers: { 'Accept-Encoding': 'gzip' } })
  expect(js.headers()['cache-control']).toContain('immutable')
  expect(js.headers()['content-encoding']).toBe('gzip')
  expect((await request.get('/assets/missing.js')).status()).toBe(404)
})
