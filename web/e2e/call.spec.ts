import { request, type Browser, type Page } from '@playwright/test'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import http from 'node:http'
import { expectFrames, fakeMedia, localTrackEnabled, openAs, setUpCallWorld, sql, type CallWorld } from './call-helpers'
import { createAccount, expect, person, startServer, test, type Person } from './fixtures'

// Issue 4, first slice: a staff page and a family page hold a video call through the server's
// signaling WebSocket with Chromium's fake camera and microphone; frames really arrive on both
// sides; the switches change the tracks; 「終了する」 ends it on both sides; someone linked to
// another resident is refused. Also a three-party call (staff + two family members).

test.use(fakeMedia)

let world: CallWorld & { family: Person }

test.beforeAll(async () => {
  const server = await startServer()
  const w = setUpCallWorld(server, 'callx', 2)
  world = { ...w, family: w.families[0]! }
})

test.afterAll(async () => {
  await world.server.stop()
  rmSync(world.server.data, { recursive: true, force: true })
})

function open(browser: Browser, who: Person, url: string): Promise<Page> {
  return openAs(browser, world.server, who, url)
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
  // At phone size the whole call, 「終了する」 included, is on screen on both sides.
  await expect(staff.getByRole('button', { name: '終了する' })).toBeInViewport({ ratio: 1 })
  await expect(family.getByRole('button', { name: '終了する' })).toBeInViewport({ ratio: 1 })

  // Microphone and camera switches change the tracks' enabled state.
  expect(await localTrackEnabled(family, 'audio')).toBe(true)
  await family.getByRole('button', { name: 'マイク：オン' }).click()
  expect(await localTrackEnabled(family, 'audio')).toBe(false)
  // The staff side is told beside her name, rather than left to wonder at the silence.
  await expect(staff.locator('.call-remote figcaption').filter({ hasText: '駿河 花子' })).toContainText('マイクはオフです')
  await family.getByRole('button', { name: 'マイク：オフ' }).click()
  expect(await localTrackEnabled(family, 'audio')).toBe(true)
  await expect(staff.getByText('マイクはオフです')).toHaveCount(0)
  await staff.getByRole('button', { name: 'カメラ：オン' }).click()
  expect(await localTrackEnabled(staff, 'video')).toBe(false)
  // The other side is told, rather than left to wonder at a black picture.
  await expect(family.getByText('カメラはオフです')).toBeVisible()
  await staff.getByRole('button', { name: 'カメラ：オフ' }).click()
  expect(await localTrackEnabled(staff, 'video')).toBe(true)
  await expect(family.getByText('カメラはオフです')).toHaveCount(0)

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
  // 「通話履歴」 on the staff page: both calls, newest first, with who started it, how long it
  // took (as stored) and who took part.
  await expect(staff.getByRole('heading', { name: '通話履歴' })).toBeVisible()
  const items = staff.locator('.call-history__item')
  await expect(items).toHaveCount(2)
  const seconds = Number(sql(world.server, `SELECT ended_at - started_at FROM calls WHERE resident_id = ${world.A} ORDER BY id DESC LIMIT 1`))
  await expect(items.first().locator('.call-history__duration')).toHaveText(`${Math.floor(seconds / 60)}分${String(seconds % 60).padStart(2, '0')}秒`)
  await expect(items.first()).toContainText('駿河 市子')
  await expect(items.first()).toContainText('富士 職員')
  await expect(items.first()).toContainText('駿河 花子')
  await staff.context().close()
  await family.context().close()
})

test('three-party call: staff and two family members of the resident each receive frames from both others', async ({ browser }) => {
  const staff = await open(browser, world.staff, `/staff/${world.X}/calls`)
  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  const first = await open(browser, world.families[0]!, `/live/residents/${world.A}/call`)
  const second = await open(browser, world.families[1]!, `/live/residents/${world.A}/call`)
  await expect(staff.locator('.call-presence')).toContainText('駿河 花子')
  await expect(staff.locator('.call-presence')).toContainText('駿河 太郎')

  await staff.getByRole('button', { name: '通話を開始' }).click()
  await first.getByRole('button', { name: '開始する' }).click()
  await second.getByRole('button', { name: '開始する' }).click()

  for (const page of [staff, first, second]) {
    await expect(page.locator('video.call-remote-video')).toHaveCount(2, { timeout: 20_000 })
    await expectFrames(page, 0)
    await expectFrames(page, 1)
    // The connection quality of each of the two others.
    await expect(page.locator('.call-quality')).toHaveCount(2, { timeout: 20_000 })
  }

  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(first.getByText('ビデオ通話は終了しました。')).toBeVisible()
  await expect(second.getByText('ビデオ通話は終了しました。')).toBeVisible()
  for (const page of [staff, first, second]) await page.context().close()
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
  // Refused: sent to /live, which then moves on to their own resident's home.
  await expect(other).toHaveURL(new RegExp(`/live(/residents/${world.B})?$`))
  await staff.context().close()
  await other.context().close()
})

// Issue 9: a socket does not outlive its session. 「他の端末をログアウト」 on another device closes
// the call screen's socket with "session ended", and that screen goes to the login page.
test('ending the other sessions takes an open call screen to the login page', async ({ browser }) => {
  const who = world.families[1]!
  const phone = await open(browser, who, `/live/residents/${world.A}/call`)
  await expect(phone.getByText('事業所が通話を開始すると、画面が切り替わります。', { exact: false })).toBeVisible()
  const tablet = await open(browser, who, '/account')
  const ended = await tablet.evaluate(async () => {
    const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('carelive_csrf='))!.split('=')[1]!)
    const res = await fetch('/api/v1/account/sessions/revoke-others', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: '{}',
    })
    return (await res.json()).ended
  })
  expect(ended).toBeGreaterThanOrEqual(1)
  await expect(phone).toHaveURL(/\/login/, { timeout: 10_000 })
  // The tablet's own session stays.
  await tablet.reload()
  await expect(tablet).toHaveURL(/\/account/)
  await phone.context().close()
  await tablet.context().close()
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

test('ICE servers come with short-lived TURN credentials, only for people who may take part in a call', async () => {
  const { createHmac } = await import('node:crypto')
  const server = await startServer({}, '[turn]\nurls = ["stun:127.0.0.1:3478", "turn:127.0.0.1:3478?transport=udp"]\nsecret = "coturn-shared-secret"\nttl_seconds = 600\n')
  try {
    const world = setUpCallWorld(server, 'icefac')
    const iceServersOf = async (p: Person | null) => {
      const api = await request.newContext({ baseURL: server.url })
      if (p) {
        await api.get('/api/v1/account') // any answer sets the CSRF cookie
        const csrf = (await api.storageState()).cookies.find((c) => c.name === 'carelive_csrf')!.value
        await api.post('/api/v1/login', { data: { login_id: p.email, password: p.password }, headers: { 'X-CSRF-Token': csrf } })
      }
      const res = await api.get('/api/v1/calls/ice-servers')
      const answer = { status: res.status(), body: await res.json() }
      await api.dispose()
      return answer
    }
    expect((await iceServersOf(null)).status).toBe(401)
    // A Pass account linked to nobody: no relay through the facility's TURN server.
    const stranger = person()
    createAccount(server, stranger)
    const refused = await iceServersOf(stranger)
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('forbidden')

    for (const who of [world.families[0]!, world.staff]) {
      const { status, body } = await iceServersOf(who)
      expect(status).toBe(200)
      expect(body.ice_servers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] })
      expect(body.ice_transport_policy).toBe('all')
      const turn = body.ice_servers[1]
      expect(turn.urls).toEqual(['turn:127.0.0.1:3478?transport=udp'])
      const [expiry, user] = turn.username.split(':')
      expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590)
      expect(Number(expiry) - Date.now() / 1000).toBeLessThan(610)
      expect(user).toMatch(/^account-\d+$/)
      // coturn checks exactly this: base64(HMAC-SHA1(static-auth-secret, username)).
      expect(turn.credential).toBe(createHmac('sha1', 'coturn-shared-secret').update(turn.username).digest('base64'))
    }

    // New terms: until the family member agrees again, no credentials (the call screen would
    // send them to the terms first anyway).
    writeFileSync(path.join(server.data, 'terms2.txt'), '利用規約 第2版\n')
    server.admin(['terms', 'publish', '--file', path.join(server.data, 'terms2.txt')])
    expect((await iceServersOf(world.families[0]!)).status).toBe(403)
  } finally {
    await server.stop()
    rmSync(server.data, { recursive: true, force: true })
  }
})
