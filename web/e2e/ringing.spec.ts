import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { expectFrames, fakeMedia, openAs, setUpCallWorld, type CallWorld } from './call-helpers'
import { expect, startServer, test } from './fixtures'

// SPEC 13 "In the app": a call reaches the family on whatever Live screen they are — the banner
// 「ビデオ通話が届いています」 with 「開始する」, which joins at once — and rings (vibration here;
// the tone needs a tap first) until they answer on one of their devices; one socket per open app;
// the waiting screen keeps the phone awake.

test.use(fakeMedia)

let world: CallWorld

test.beforeAll(async () => {
  world = setUpCallWorld(await startServer(), 'ringing', 2)
})
test.afterAll(async () => {
  await world?.server.stop()
  if (world) rmSync(world.server.data, { recursive: true, force: true })
})

/** Records navigator.vibrate calls in window.__vibrations (from the next page load on). */
async function recordVibrations(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const calls: unknown[] = []
    ;(window as unknown as { __vibrations: unknown[] }).__vibrations = calls
    navigator.vibrate = (pattern: VibratePattern) => {
      calls.push(pattern)
      return true
    }
  })
  await page.reload()
}
const vibrations = (page: Page) => page.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations)
/** Counts the WebSockets each page load opens, in window.__sockets (from the next page load
 * on). Counted in the page, so a socket of the page before never mixes in. */
async function countSockets(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const w = window as unknown as { __sockets: number }
    w.__sockets = 0
    const Native = window.WebSocket
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols)
        w.__sockets += 1
      }
    }
  })
  await page.reload()
}
const socketsOpened = (page: Page) => page.evaluate(() => (window as unknown as { __sockets: number }).__sockets)
const rings = (page: Page) => vibrations(page).then((v) => v.filter((p) => Array.isArray(p)).length)

async function startFromConsole(staffPage: Page): Promise<void> {
  await staffPage.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  await staffPage.getByRole('button', { name: '通話を開始' }).click()
}

test('the banner reaches the family on home, 案内 and アカウント管理, and 「開始する」 joins at once', async ({ browser }) => {
  test.setTimeout(120_000)
  const family = await openAs(browser, world.server, world.families[0]!, `/live/residents/${world.A}`)
  await countSockets(family)
  await expect(family.getByRole('heading', { level: 1 })).toBeVisible()
  const banner = family.getByRole('alert').filter({ hasText: 'ビデオ通話が届いています' })
  await expect(banner).toHaveCount(0)

  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
  await startFromConsole(staff)
  await expect(banner).toBeVisible()
  await expect(banner).toContainText('コール園から、駿河市子様とのビデオ通話です。')

  // Other Live screens show it too, over the app's one socket.
  await family.getByRole('link', { name: '案内' }).first().click()
  await expect(family).toHaveURL(/\/live\/announcements/)
  await expect(banner).toBeVisible()
  expect(await socketsOpened(family)).toBe(1)
  await family.goto('/account') // a full page load: a new app, a new socket that hears the call at once
  await expect(banner).toBeVisible()

  await banner.getByRole('button', { name: '開始する' }).click()
  await expect(family).toHaveURL(new RegExp(`/live/residents/${world.A}/call$`))
  await expectFrames(family)
  await expectFrames(staff)
  await expect(banner).toHaveCount(0)
  // The call screen speaks over the same socket.
  expect(await socketsOpened(family)).toBe(1)

  await staff.getByRole('button', { name: '終了する' }).click()
  await staff.context().close()
  await family.context().close()
})

test('a call rings on every device of the person until they answer on one of them', async ({ browser }) => {
  test.setTimeout(120_000)
  const who = world.families[1]!
  const phone = await openAs(browser, world.server, who, `/live/residents/${world.A}`)
  const tablet = await openAs(browser, world.server, who, '/live/announcements')
  await recordVibrations(phone)
  await recordVibrations(tablet)

  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
  await startFromConsole(staff)
  for (const device of [phone, tablet]) {
    await expect(device.getByText('ビデオ通話が届いています')).toBeVisible()
    await expect.poll(() => rings(device), { message: 'rings again and again', timeout: 10_000 }).toBeGreaterThanOrEqual(2)
  }

  await phone.getByRole('button', { name: '開始する' }).click()
  await expectFrames(phone)
  // The tablet stops: the banner goes, the vibration is cancelled and does not come back.
  await expect(tablet.getByText('ビデオ通話が届いています')).toHaveCount(0)
  await expect.poll(() => vibrations(tablet).then((v) => v[v.length - 1])).toBe(0)
  const after = await rings(tablet)
  await tablet.waitForTimeout(4_000)
  expect(await rings(tablet)).toBe(after)

  await staff.getByRole('button', { name: '終了する' }).click()
  for (const p of [staff, phone, tablet]) await p.context().close()
})

test('the waiting screen keeps the phone awake, and asks again when shown again', async ({ browser }) => {
  const family = await openAs(browser, world.server, world.families[0]!, `/live/residents/${world.A}/call`)
  await expect(family.getByText('事業所との予定時間にこの画面を開いてお待ちください。')).toBeVisible()
  const held = () =>
    family.evaluate(() => (window as unknown as { __wakeLocks: WakeLockSentinel[] }).__wakeLocks.filter((l) => !l.released).length)
  await expect.poll(held).toBe(1)
  // Hidden (another app in front), the browser lets go; shown again, the screen asks anew.
  await family.evaluate(async () => {
    for (const l of (window as unknown as { __wakeLocks: WakeLockSentinel[] }).__wakeLocks) await l.release()
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
  })
  await expect.poll(held).toBe(1)
  await family.context().close()
})
