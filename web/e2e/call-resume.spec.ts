import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { expectFrames, fakeMedia, setUpCallWorld, sql, startCall, startServerBehindProxy, type CallWorld, type CuttableProxy } from './call-helpers'
import { expect, test } from './fixtures'

// Issue 4 (「再接続中」): the family's signaling WebSocket drops mid-call (network change, phone
// asleep) — here a TCP proxy between browser and server really drops it and refuses new ones
// for a while. The server keeps the family member in the call for its grace period; the page
// says 「再接続中」, reconnects with backoff, sends `resume`, and the call goes on on the same
// RTCPeerConnections. If the call ended meanwhile, the page says it ended. A reloaded page
// joins afresh and the others answer it on new connections.
// Needs a server with `resume` (docs/api.md "Reconnecting").

test.use(fakeMedia)

let world: CallWorld
let proxy: CuttableProxy

test.beforeAll(async () => {
  const started = await startServerBehindProxy()
  proxy = started.proxy
  world = setUpCallWorld(started.server, 'resumex')
})

test.afterAll(async () => {
  await world.server.stop()
  await proxy.close()
  rmSync(world.server.data, { recursive: true, force: true })
})

async function sessionOf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((c) => c.name === 'carelive_session')!.value
}

const reconnecting = (page: Page) => page.getByRole('status').filter({ hasText: '再接続中' })

test('the family socket drops mid-call: 再接続中 on both sides, then resume and the call goes on', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)
  const session = await sessionOf(family)
  const sockets = proxy.webSockets(session)
  const pcs = () => family.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.length)
  const pcsBefore = await pcs()

  proxy.cutAndBlock(session)
  await expect(reconnecting(family)).toBeVisible()
  // The server marks the family member as not connected; the staff page says so too.
  await expect(reconnecting(staff)).toBeVisible()
  // Still in the call on the server: nobody left.
  const callId = sql(world.server, `SELECT max(id) FROM calls WHERE resident_id = ${world.A}`)
  expect(sql(world.server, `SELECT count(*) FROM call_participants WHERE call_id = ${callId} AND left_at IS NULL`)).toBe('2')

  proxy.unblock()
  for (const page of [family, staff]) await expect(reconnecting(page)).toHaveCount(0, { timeout: 20_000 })
  expect(proxy.webSockets(session)).toBeGreaterThan(sockets)
  await expectFrames(family)
  await expectFrames(staff)
  // The same connections carried on; the log still has one open row per person.
  expect(await pcs()).toBe(pcsBefore)
  expect(sql(world.server, `SELECT count(*) FROM call_participants WHERE call_id = ${callId}`)).toBe('2')
  expect(sql(world.server, `SELECT count(*) FROM call_participants WHERE call_id = ${callId} AND left_at IS NULL`)).toBe('2')

  // Controls still work over the new socket: the family member ends the call for both.
  await family.getByRole('button', { name: '終了する' }).click()
  await expect(staff.getByRole('button', { name: '通話を開始' })).toBeVisible()
  await staff.context().close()
  await family.context().close()
})

test('the call ends while the family socket is down: back online, the page says it ended', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)
  const session = await sessionOf(family)
  proxy.cutAndBlock(session)
  await expect(reconnecting(family)).toBeVisible()
  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(staff.getByRole('button', { name: '通話を開始' })).toBeVisible()

  proxy.unblock()
  await expect(family.getByText('ビデオ通話は終了しました。')).toBeVisible({ timeout: 20_000 })
  await expect(family.getByRole('button', { name: '終了する' })).toHaveCount(0)
  await expect(reconnecting(family)).toHaveCount(0)
  await staff.context().close()
  await family.context().close()
})

test('a family member reloads the page mid-call: 開始する again, and the call goes on on new connections', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)
  const callId = sql(world.server, `SELECT max(id) FROM calls WHERE resident_id = ${world.A}`)
  await family.reload()
  // Still a participant on the server (the old socket is in its grace), so the call is on.
  await family.getByRole('button', { name: '開始する' }).click()
  await expectFrames(family)
  // The staff page answered the new page's offer on a new connection (the offer's `pc` id
  // differed from the one it knew) and receives its frames.
  await expectFrames(staff)
  await expect(reconnecting(staff)).toHaveCount(0, { timeout: 20_000 })
  expect(sql(world.server, `SELECT count(*) FROM call_participants WHERE call_id = ${callId} AND left_at IS NULL`)).toBe('2')
  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(family.getByText('ビデオ通話は終了しました。')).toBeVisible()
  await staff.context().close()
  await family.context().close()
})
