import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import { fakeMedia, openAs, setUpCallWorld, type CallWorld } from './call-helpers'
import { expect, staffMenu, startServer, test } from './fixtures'

// SPEC 13 "Staff see the reach": the console counts and lists who waits on a call screen for
// every resident of the facility, live; for a started call the staff page says who is on the
// call screen, whose camera was refused there, and 「ご家族はまだ通話画面を開いていません」 while
// nobody is. (Who was notified on how many devices: push.spec.ts, with a push service.)

test.use(fakeMedia)

const shots = '/tmp/reach-shots'
let world: CallWorld

test.beforeAll(async () => {
  const server = await startServer()
  world = setUpCallWorld(server, 'reachcall', 2)
})
test.afterAll(async () => {
  await world?.server.stop()
  if (world) rmSync(world.server.data, { recursive: true, force: true })
})

/** The page's getUserMedia refuses the camera, as after the person refused it (reloads). */
async function refuseCamera(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const devices = navigator.mediaDevices
    const original = devices.getUserMedia.bind(devices)
    devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      if (constraints?.video) throw new DOMException('Permission denied', 'NotAllowedError')
      return original(constraints)
    }
  })
  await page.reload()
}

async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).exclude('video').analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([])
}

test('staff see waiting people across residents, with the count in the menu', async ({ browser }) => {
  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/residents`)
  // On a phone the menu is folded: the count shows on its button too.
  const toggle = staff.locator('.console-menu-toggle')
  const menuItem = (await staffMenu(staff)).getByRole('link', { name: /ビデオ通話/ })
  await expect(menuItem).toBeVisible()
  await expect(menuItem.locator('.console-badge')).toHaveCount(0)

  // Two people on the call screens of two residents: counted on any console page.
  const hanako = await openAs(browser, world.server, world.families[0]!, `/live/residents/${world.A}/call`)
  const jiro = await openAs(browser, world.server, world.other, `/live/residents/${world.B}/call`)
  await expect(menuItem.locator('.console-badge')).toHaveText('2人が通話画面で待っています')
  await expect(menuItem).toHaveAccessibleName(/^ビデオ通話\s*2\s*人が通話画面で待っています$/)
  await expect(toggle).toContainText('ビデオ通話 2')

  await menuItem.click()
  const list = staff.getByRole('region', { name: 'いま通話画面で待っている方（全利用者）' })
  const rowA = list.getByRole('button', { name: /駿河 市子 様/ })
  const rowB = list.getByRole('button', { name: /駿河 秋男 様/ })
  await expect(rowA).toContainText('駿河 花子')
  await expect(rowB).toContainText('別所 次郎')
  await staff.screenshot({ path: `${shots}/01-waiting-across-residents.png`, fullPage: true })
  await expectAccessible(staff)

  // A tap chooses the resident: their people on the call screen, and the call can start.
  await rowB.click()
  await expect(staff.getByLabel('利用者', { exact: true })).toHaveValue(String(world.B))
  await expect(staff.locator('.call-presence')).toContainText('別所 次郎')
  await expect(rowB).toHaveAttribute('aria-pressed', 'true')

  // The screen closes: the row and the count go at once.
  await jiro.context().close()
  await expect(rowB).toHaveCount(0)
  await expect(toggle).toContainText('ビデオ通話 1')
  await hanako.context().close()
  await expect(list.getByText('いまはどの利用者様の通話画面でも、待っている方はいません。')).toBeVisible()
  await expect(toggle.locator('.console-badge')).toHaveCount(0)
  await staff.context().close()
})

test('a started call shows staff who is on the call screen, a refused camera, and when nobody is', async ({ browser }) => {
  test.slow()
  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  await staff.getByRole('button', { name: '通話を開始' }).click()
  const reach = staff.locator('.call-reach')
  await expect(reach.getByRole('heading', { name: '呼び出しの状況' })).toBeVisible()
  await expect(reach.getByText('ご家族はまだ通話画面を開いていません')).toBeVisible()
  const hanakoRow = reach.locator('.call-reach__person').filter({ hasText: '駿河 花子' })
  const taroRow = reach.locator('.call-reach__person').filter({ hasText: '駿河 太郎' })
  await expect(hanakoRow).toContainText('通話画面を開いていません')
  await expect(hanakoRow).toContainText('通知を受け取る設定をしていません')
  await expect(taroRow).toContainText('（家族・親族）')
  await staff.screenshot({ path: `${shots}/02-nobody-on-the-call-screen.png`, fullPage: true })

  // 太郎's camera is refused when he tries to join: staff see why he is not in the call.
  const taro = await openAs(browser, world.server, world.families[1]!, `/live/residents/${world.A}/call`)
  await refuseCamera(taro)
  await expect(taroRow).toContainText('通話画面を開いています')
  await expect(reach.getByText('ご家族はまだ通話画面を開いていません')).toHaveCount(0)
  await taro.getByRole('button', { name: '開始する' }).click()
  await expect(taro.getByRole('heading', { name: 'カメラとマイクを許可する手順' })).toBeVisible()
  await expect(taroRow).toContainText('カメラ・マイクが許可されていません')
  await expect(reach).toContainText('「音声のみで参加」で参加できます')
  await staff.screenshot({ path: `${shots}/03-camera-refused.png`, fullPage: true })
  await expectAccessible(staff)

  // He joins with voice only: in the call.
  await taro.getByRole('button', { name: '音声のみで参加' }).click()
  await expect(taroRow).toContainText('通話に参加しています')
  await expect(reach).not.toContainText('「音声のみで参加」で参加できます')
  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(reach).toHaveCount(0)
  await staff.context().close()
  await taro.context().close()
})
