import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import {
  Coturn, expectFrames, fakeMedia, localUfrag, selectedCandidateTypes, setUpCallWorld, startCall, startServerBehindProxy,
  type CallWorld, type CuttableProxy,
} from './call-helpers'
import { expect, test } from './fixtures'

// Issue 4 (「再接続中」): what a phone switching networks mid-call does to a call — the signaling
// socket and the media path break at the same moment. Media goes only through a coturn the
// spec starts (relay-only); the family's socket goes through a proxy that drops it. While the
// family is away its ICE restart offers cannot reach the staff page and the staff page's
// cannot reach the family (the server drops signals to someone in grace), so both ends restart
// ICE on their own and the offers cross: perfect negotiation must sort that out once the
// family is back (`resume`). Needs a server with `resume`.

test.use(fakeMedia)

let world: CallWorld
let proxy: CuttableProxy
let turn: Coturn

test.beforeAll(async () => {
  turn = await Coturn.start('network-change-secret')
  const started = await startServerBehindProxy(turn.relayOnlyConfig())
  proxy = started.proxy
  world = setUpCallWorld(started.server, 'netx')
})

test.afterAll(async () => {
  await world?.server.stop()
  await proxy?.close()
  if (world) rmSync(world.server.data, { recursive: true, force: true })
  await turn?.close()
})

const reconnecting = (page: Page) => page.getByRole('status').filter({ hasText: '再接続中' })

test('socket and media path break together: 再接続中 on both sides, then resume, ICE restart, and the call goes on', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)
  const ufrags = [await localUfrag(staff), await localUfrag(family)]
  const session = (await family.context().cookies()).find((c) => c.name === 'carelive_session')!.value

  proxy.cutAndBlock(session)
  await turn.stop()
  for (const page of [staff, family]) await expect(reconnecting(page)).toBeVisible()
  // Both media paths are down before anything comes back.
  for (const page of [staff, family]) await expect(page.locator('.call-quality')).toHaveText('通信状態: 不安定', { timeout: 30_000 })

  await turn.start()
  proxy.unblock()
  for (const page of [staff, family]) await expect(reconnecting(page)).toHaveCount(0, { timeout: 45_000 })
  await expectFrames(family)
  await expectFrames(staff)
  for (const page of [staff, family]) {
    await expect.poll(() => selectedCandidateTypes(page), { timeout: 10_000 }).toEqual([{ local: 'relay', remote: 'relay' }])
  }
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
