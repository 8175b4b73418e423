import { expect, startServer, test } from './fixtures'
import { rmSync } from 'node:fs'

// SPEC 3: sessions survive a server restart. Issue: SIGTERM finishes requests in flight.

async function loginRequest(url: string, csrf: string, loginId: string, password: string) {
  return fetch(`${url}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Cookie: `carelive_csrf=${csrf}` },
    body: JSON.stringify({ login_id: loginId, password }),
  })
}

test('a session survives a restart of the server', async ({ browser }) => {
  const server = await startServer()
  try {
    server.admin(
      ['account', 'add', '--family-name', '再起', '--given-name', '動子', '--family-name-kana', 'さいき',
        '--given-name-kana', 'どうこ', '--login-id', 'restart@example.jp', '--password-stdin'],
      'Restart#2026\n',
    )
    const context = await browser.newContext({ baseURL: server.url })
    const page = await context.newPage()
    const csrf = (await (await page.request.get('/api/v1/session')).headersArray())
      .find((h) => h.name.toLowerCase() === 'set-cookie')!.value.match(/carelive_csrf=([^;]+)/)![1]
    const res = await page.request.post('/api/v1/login', {
      data: { login_id: 'restart@example.jp', password: 'Restart#2026' },
      headers: { 'X-CSRF-Token': csrf },
    })
    expect(res.status()).toBe(200)
    await server.stop()
    await server.start()
    const session = await (await page.request.get('/api/v1/session')).json()
    expect(session.authenticated).toBe(true)
    expect(session.account.family_name).toBe('再起')
    await context.close()
  } finally {
    await server.stop()
    rmSync(server.data, { recursive: true, force: true })
  }
})

test('SIGTERM lets requests in flight finish before the server exits', async () => {
  const server = await startServer()
  try {
    const csrf = 'x'.repeat(43)
    // Each login costs one Argon2id hash on the worker pool, so these are still running when
    // the signal arrives.
    const inFlight = Array.from({ length: 12 }, () => loginRequest(server.url, csrf, 'nobody@example.jp', 'Wrong#Pass1'))
    await new Promise((r) => setTimeout(r, 30))
    const stopped = server.stop()
    const answers = await Promise.all(inFlight.map((p) => p.then((r) => r.status, (e) => `error ${e}`)))
    await stopped
    for (const status of answers) expect([401, 429]).toContain(status)
    // And it is really gone.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
  } finally {
    await server.stop()
    rmSync(server.data, { recursive: true, force: true })
  }
})
