import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { Coturn, expectFrames, fakeMedia, localUfrag, openAs, selectedCandidateTypes, setUpCallWorld, startCall, type CallWorld } from './call-helpers'
import { expect, startServer, test } from './fixtures'

// Issue 4 part 6/8: a relay-only call (`[turn] policy = "relay"` → iceTransportPolicy 'relay')
// through a real coturn that this spec starts on loopback with a TURN REST shared secret; the
// server hands out credentials derived from the same secret. Frames arrive and the selected
// candidate pair on both sides is a relayed one.

test.use(fakeMedia)

const secret = 'relay-test-shared-secret'
let turn: Coturn
let world: CallWorld

test.beforeAll(async () => {
  turn = await Coturn.start(secret)
  // Credentials valid 50 s: within a minute of expiry, so the page fetches fresh ones before
  // it restarts ICE (a restart makes new TURN allocations with whatever it holds).
  const server = await startServer({}, turn.relayOnlyConfig(50))
  world = setUpCallWorld(server, 'relayx')
})

test.afterAll(async () => {
  await world?.server.stop()
  if (world) rmSync(world.server.data, { recursive: true, force: true })
  await turn?.close()
})

test('relay-only call through coturn on loopback: frames arrive and the selected pair is relayed', async ({ browser }) => {
  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
  const ice = await staff.evaluate(() => fetch('/api/v1/calls/ice-servers').then((r) => r.json()))
  expect(ice.ice_transport_policy).toBe('relay')

  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  const family = await openAs(browser, world.server, world.families[0]!, `/live/residents/${world.A}/call`)
  await expect(staff.locator('.call-presence')).toContainText('駿河 花子')
  await staff.getByRole('button', { name: '通話を開始' }).click()
  await family.getByRole('button', { name: '開始する' }).click()

  await expectFrames(family)
  await expectFrames(staff)

  for (const page of [staff, family]) {
    await expect.poll(() => selectedCandidateTypes(page), { timeout: 10_000 }).toEqual([{ local: 'relay', remote: 'relay' }])
  }
  // A relay candidate exists only when coturn accepted an Allocate with the credential the
  // server derived from the shared secret (a wrong secret leaves ICE with no candidates at all).

  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(family.getByText('ビデオ通話は終了しました。')).toBeVisible()
  await staff.context().close()
  await family.context().close()
})

// Issue 4 (「再接続中」): the only media path (the TURN relay) dies mid-call. Both sides say
// 「再接続中」 and keep restarting ICE; when coturn is back on the same port, the next ICE restart
// (same RTCPeerConnection, new ICE credentials) finds a relayed path and frames flow again.
test('the relay goes away mid-call: 再接続中 on both sides, then ICE restarts and the call goes on', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)
  // Credentials live 50 s here, so whichever end restarts ICE and whichever answers, both ask
  // for fresh ones before gathering new relay candidates.
  const fetched = new Map<Page, number>([[staff, 0], [family, 0]])
  for (const page of [staff, family]) {
    page.on('request', (r) => void (r.url().endsWith('/api/v1/calls/ice-servers') && fetched.set(page, fetched.get(page)! + 1)))
  }
  const ufrags = [await localUfrag(staff), await localUfrag(family)]
  const reconnecting = (page: Page) => page.getByRole('status').filter({ hasText: '再接続中' })
  for (const page of [staff, family]) await expect(reconnecting(page)).toHaveCount(0)

  await turn.stop()
  // Chromium declares the path lost once its consent checks go unanswered for some seconds.
  for (const page of [staff, family]) await expect(reconnecting(page)).toBeVisible({ timeout: 30_000 })
  await expect(family.locator('.call-screen')).toHaveAttribute('data-reconnecting', 'yes')
  await expect(family.locator('.call-quality')).toHaveText('通信状態: 不安定')

  await turn.start()
  for (const page of [staff, family]) await expect(reconnecting(page)).toHaveCount(0, { timeout: 45_000 })
  await expectFrames(family)
  await expectFrames(staff)
  for (const page of [staff, family]) {
    await expect.poll(() => selectedCandidateTypes(page), { timeout: 10_000 }).toEqual([{ local: 'relay', remote: 'relay' }])
    await expect(page.locator('.call-quality')).toHaveText('通信状態: 良好', { timeout: 20_000 })
  }
  for (const page of [staff, family]) expect(fetched.get(page)).toBeGreaterThan(0)
  // Recovered by an ICE restart on the same connection, not a new one.
  const after = [await localUfrag(staff), await localUfrag(family)]
  for (const [i, u] of after.entries()) {
    expect(u).toMatch(/^[A-Za-z0-9+/]+$/)
    expect(u).not.toBe(ufrags[i])
  }

  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(family.getByText('ビデオ通話は終了しました。')).toBeVisible()
  await staff.context().close()
  await family.context().close()
})
