import { request, type Browser, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import config from '../playwright.config'
import { createAccount, expect, login, person, startServer, test, type Person, type Server } from './fixtures'

// Issue 4, first slice: a staff page and a family page hold a video call through the server's
// signaling WebSocket with Chromium's fake camera and microphone; frames really arrive on both
// sides; the switches change the tracks; 「終了する」 ends it on both sides; someone linked to
// another resident is refused.

const base = config.use!.launchOptions!
test.use({
  launchOptions: {
    ...base,
    args: [...(base.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
})

interface World {
  server: Server
  X: number
  A: number
  B: number
  staff: Person
  family: Person
  other: Person
}

function sql(server: Server, statement: string): string {
  return execFileSync('sqlite3', [path.join(server.data, 'carelive.db'), statement], { encoding: 'utf8' }).trim()
}

let world: World

test.beforeAll(async () => {
  const server = await startServer()
  const admin = (args: string[], input?: string) => server.admin(args, input).trim()
  const names = (f: string, g: string) => ['--family-name', f, '--given-name', g, '--family-name-kana', 'てすと', '--given-name-kana', 'たろう']
  admin(['facility', 'add', '--code', 'callx', '--name', 'コール園', '--kind', '老人保健施設'])
  const A = Number(admin(['resident', 'add', '--facility', 'callx', ...names('駿河', '市子')]))
  const B = Number(admin(['resident', 'add', '--facility', 'callx', ...names('駿河', '秋男')]))
  const staff = person({ familyName: '富士', givenName: '職員' })
  admin(['staff', 'add', '--facility', 'callx', ...names(staff.familyName, staff.givenName), '--login-id', staff.email!, '--password-stdin'], staff.password + '\n')
  const family = person({ familyName: '駿河', givenName: '花子' })
  const other = person({ familyName: '別所', givenName: '次郎' })
  createAccount(server, family)
  createAccount(server, other)
  writeFileSync(path.join(server.data, 'terms.txt'), '利用規約\n')
  admin(['terms', 'publish', '--file', path.join(server.data, 'terms.txt')])
  const acct = (email: string) => Number(sql(server, `SELECT id FROM accounts WHERE email = '${email}'`))
  const X = Number(sql(server, `SELECT id FROM facilities WHERE code = 'callx'`))
  sql(server, `INSERT INTO links (resident_id, account_id, kind, relationship, created_at, updated_at) VALUES
    (${A}, ${acct(family.email!)}, 'family', '子', 0, 0), (${B}, ${acct(other.email!)}, 'family', '子', 0, 0)`)
  sql(server, `INSERT INTO consents (account_id, terms_version_id, agreed_at) SELECT id, (SELECT max(id) FROM terms_versions), 0 FROM accounts`)
  world = { server, X, A, B, staff, family, other }
})

test.afterAll(async () => {
  await world.server.stop()
  rmSync(world.server.data, { recursive: true, force: true })
})

async function open(browser: Browser, who: Person, url: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: world.server.url, locale: 'ja-JP', viewport: { width: 390, height: 844 } })
  await context.grantPermissions(['camera', 'microphone'], { origin: world.server.url })
  const page = await context.newPage()
  await login(page, who.email!, who.password)
  await expect(page).not.toHaveURL(/\/login/)
  await page.goto(url)
  return page
}

/** The remote <video> shows real frames: it has a size and its time moves on. */
async function expectFrames(page: Page): Promise<void> {
  const video = page.locator('video.call-remote-video').first()
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0)
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime)
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(t0)
}

function localTrackEnabled(page: Page, kind: 'audio' | 'video'): Promise<boolean> {
  return page.locator('video.call-local-video').evaluate((v: HTMLVideoElement, k) => {
    const stream = v.srcObject as MediaStream
    const track = (k === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0]!
    return track.enabled && track.readyState === 'live'
  }, kind)
}

test('staff and family hold a video call: presence, 開始する, frames both ways, switches, 終了する on both sides', async ({ browser }) => {
  const staff = await open(browser, world.staff, `/staff/${world.X}/calls`)
  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  await expect(staff.getByText('いま通話画面を開いている方はいません。')).toBeVisible()

  const family = await open(browser, world.family, `/live/residents/${world.A}/call`)
  await expect(family.getByText('事業所との予定時間にこの画面を開いてお待ちください。')).toBeVisible()
  // Presence: the staff page shows who is waiting, live.
  await expect(staff.locator('.call-presence')).toContainText('駿河 花子')

  await staff.getByRole('button', { name: '通話を開始' }).click()
  await expect(staff.getByRole('button', { name: '終了する' })).toBeVisible()
  // The family screen changes by itself.
  await family.getByRole('button', { name: '開始する' }).click()
  await expect(family.getByRole('button', { name: '終了する' })).toBeVisible()

  await expectFrames(family)
  await expectFrames(staff)

  // Microphone and camera switches change the tracks' enabled state.
  expect(await localTrackEnabled(family, 'audio')).toBe(true)
  await family.getByRole('button', { name: 'マイクをオフ' }).click()
  expect(await localTrackEnabled(family, 'audio')).toBe(false)
  await family.getByRole('button', { name: 'マイクをオン' }).click()
  expect(await localTrackEnabled(family, 'audio')).toBe(true)
  await staff.getByRole('button', { name: 'カメラをオフ' }).click()
  expect(await localTrackEnabled(staff, 'video')).toBe(false)
  await staff.getByRole('button', { name: 'カメラをオン' }).click()
  expect(await localTrackEnabled(staff, 'video')).toBe(true)

  // 「終了する」 on the family side ends it on both sides.
  await family.getByRole('button', { name: '終了する' }).click()
  await expect(family.getByText('事業所との予定時間にこの画面を開いてお待ちください。')).toBeVisible()
  await expect(staff.getByRole('button', { name: '通話を開始' })).toBeVisible()
  await expect(staff.getByRole('button', { name: '終了する' })).toHaveCount(0)

  // A second call, ended by staff.
  await staff.getByRole('button', { name: '通話を開始' }).click()
  await family.getByRole('button', { name: '開始する' }).click()
  await expectFrames(staff)
  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(family.getByRole('button', { name: '終了する' })).toHaveCount(0)
  await expect(family.getByText('ビデオ通話は終了しました。')).toBeVisible()

  // The call log: two calls, both ended, two participants each with their times.
  expect(sql(world.server, `SELECT count(*) FROM calls WHERE resident_id = ${world.A} AND ended_at IS NOT NULL`)).toBe('2')
  expect(sql(world.server, `SELECT count(*) FROM call_participants WHERE left_at IS NOT NULL`)).toBe('4')
  await staff.context().close()
  await family.context().close()
})

test('someone linked to another resident is refused and is not shown as waiting', async ({ browser }) => {
  const staff = await open(browser, world.staff, `/staff/${world.X}/calls`)
  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  await expect(staff.getByText('いま通話画面を開いている方はいません。')).toBeVisible()

  const other = await open(browser, world.other, `/live/residents/${world.B}`)
  const answers = await other.evaluate(async (A) => {
    const ws = new WebSocket(`ws://${location.host}/api/v1/ws`)
    const got: unknown[] = []
    ws.onmessage = (e) => got.push(JSON.parse(String(e.data)))
    await new Promise((r) => (ws.onopen = r))
    for (const type of ['watch', 'join', 'start', 'end']) ws.send(JSON.stringify({ type, resident_id: A }))
    ws.send(JSON.stringify({ type: 'signal', to: 1, data: {} }))
    await new Promise((r) => setTimeout(r, 1000))
    ws.close()
    return got
  }, world.A)
  expect(answers).toEqual([
    { type: 'error', code: 'forbidden', ref: 'watch' },
    { type: 'error', code: 'forbidden', ref: 'join' },
    { type: 'error', code: 'forbidden', ref: 'start' },
    { type: 'error', code: 'forbidden', ref: 'end' },
    { type: 'error', code: 'not_in_call', ref: 'signal' },
  ])
  await expect(staff.getByText('いま通話画面を開いている方はいません。')).toBeVisible()
  // The page itself leads away from a resident one is not linked to.
  await other.goto(`/live/residents/${world.A}/call`)
  await expect(other).toHaveURL(/\/live$/)
  await staff.context().close()
  await other.context().close()
})

function upgrade(headers: Record<string, string>): Promise<number> {
  const url = new URL(world.server.url)
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: '/api/v1/ws',
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve(res.statusCode ?? 0)
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

test('the WebSocket needs our Origin and a session', async () => {
  expect(await upgrade({ Origin: 'https://evil.example' })).toBe(403)
  expect(await upgrade({ Origin: world.server.url })).toBe(401)
  expect(await upgrade({ Origin: world.server.url, Cookie: 'carelive_session=nope' })).toBe(401)
})

test('the WebSocket limits message size and rate', async ({ browser }) => {
  const family = await open(browser, world.family, `/live/residents/${world.A}`)
  const result = await family.evaluate(async (A) => {
    const connect = async () => {
      const ws = new WebSocket(`ws://${location.host}/api/v1/ws`)
      const got: { code?: string }[] = []
      ws.onmessage = (e) => got.push(JSON.parse(String(e.data)))
      await new Promise((r) => (ws.onopen = r))
      return { ws, got }
    }
    const flood = await connect()
    for (let i = 0; i < 100; i++) flood.ws.send(JSON.stringify({ type: 'watch', resident_id: A }))
    await new Promise((r) => setTimeout(r, 1500))
    flood.ws.close()
    const big = await connect()
    const closed = new Promise<number>((r) => (big.ws.onclose = (e) => r(e.code)))
    big.ws.send(JSON.stringify({ type: 'signal', to: 1, data: 'x'.repeat(20 * 1024) }))
    return { limited: flood.got.filter((m) => m.code === 'rate_limited').length, closeCode: await closed }
  }, world.A)
  expect(result.limited).toBeGreaterThan(0)
  // The server drops the connection (Beast fails it with 1009; the browser may report 1006).
  expect([1006, 1009]).toContain(result.closeCode)
  await family.context().close()
})

test('ICE servers come with short-lived TURN credentials derived from the shared secret', async () => {
  const { createHmac } = await import('node:crypto')
  const server = await startServer({}, '[turn]\nurls = ["stun:127.0.0.1:3478", "turn:127.0.0.1:3478?transport=udp"]\nsecret = "coturn-shared-secret"\nttl_seconds = 600\n')
  try {
    const api = await request.newContext({ baseURL: server.url })
    expect((await api.get('/api/v1/calls/ice-servers')).status()).toBe(401)
    const p = person()
    createAccount(server, p)
    const csrf = (await api.storageState()).cookies.find((c) => c.name === 'carelive_csrf')!.value
    await api.post('/api/v1/login', { data: { login_id: p.email, password: p.password }, headers: { 'X-CSRF-Token': csrf } })
    const body = await (await api.get('/api/v1/calls/ice-servers')).json()
    expect(body.ice_servers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] })
    const turn = body.ice_servers[1]
    expect(turn.urls).toEqual(['turn:127.0.0.1:3478?transport=udp'])
    const [expiry, user] = turn.username.split(':')
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590)
    expect(Number(expiry) - Date.now() / 1000).toBeLessThan(610)
    expect(user).toMatch(/^account-\d+$/)
    // coturn checks exactly this: base64(HMAC-SHA1(static-auth-secret, username)).
    expect(turn.credential).toBe(createHmac('sha1', 'coturn-shared-secret').update(turn.username).digest('base64'))
    await api.dispose()
  } finally {
    await server.stop()
    rmSync(server.data, { recursive: true, force: true })
  }
})
