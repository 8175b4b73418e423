import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { fakeMedia, openAs, setUpCallWorld, type CallWorld } from './call-helpers'
import { expect, startServer, test } from './fixtures'

// SPEC 14 (issue 12, point 6): the app follows the phone's dark mode with the same contrast —
// axe-core's colour-contrast rule on the family screens and the console's call page, dark, and
// the language switch at the foot of the page, never on the call screen.

test.use(fakeMedia)

const shots = 'test-results/screens'
let world: CallWorld

test.beforeAll(async () => {
  const server = await startServer()
  world = setUpCallWorld(server, 'darkcall')
})
test.afterAll(async () => {
  await world?.server.stop()
  if (world) rmSync(world.server.data, { recursive: true, force: true })
})

async function expectDarkAndReadable(page: Page, name: string): Promise<void> {
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(21, 24, 28)')
  await page.screenshot({ path: `${shots}/dark-${name}.png`, fullPage: true })
  const results = await new AxeBuilder({ page }).exclude('video').analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([])
}

test('in dark mode every family screen and the ringing banner keep their contrast', async ({ browser }) => {
  test.slow()
  const family = await openAs(browser, world.server, world.families[0]!, `/live/residents/${world.A}`)
  await family.emulateMedia({ colorScheme: 'dark' })
  await expect(family.getByRole('heading', { level: 1 })).toBeVisible()
  await expectDarkAndReadable(family, '01-home')
  // The language switch sits at the foot of the page, not in the header.
  await expect(family.getByRole('contentinfo').getByRole('button', { name: 'English' })).toBeVisible()
  await expect(family.getByRole('banner').getByRole('button')).toHaveCount(0)

  for (const [path, name] of [
    ['/live/announcements', '02-announcements'],
    ['/account/menu', '03-account-menu'],
    ['/account', '04-account'],
    ['/account/devices', '05-devices'],
  ] as const) {
    await family.goto(path)
    await expect(family.getByRole('heading', { level: 1 })).toBeVisible()
    await expectDarkAndReadable(family, name)
  }

  // The call screen: no language switch there; the banner of a ringing call on home.
  await family.goto(`/live/residents/${world.A}/call`)
  await expect(family.getByText('事業所との予定時間にこの画面を開いてお待ちください。')).toBeVisible()
  await expect(family.getByRole('button', { name: 'English' })).toHaveCount(0)
  await expectDarkAndReadable(family, '06-call-waiting')
  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
  await staff.emulateMedia({ colorScheme: 'dark' })
  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  await staff.getByRole('button', { name: '通話を開始' }).click()
  await family.goto(`/live/residents/${world.A}`)
  await expect(family.getByRole('alert').getByRole('button', { name: '開始する' })).toBeVisible()
  await expectDarkAndReadable(family, '07-ringing')
  await expectDarkAndReadable(staff, '08-staff-call')
  await staff.getByRole('button', { name: '終了する' }).click()
  await staff.context().close()
  await family.context().close()
})

test('before login, dark too', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  for (const [path, name] of [
    ['/login', '10-login'],
    ['/signup', '11-signup'],
  ] as const) {
    await page.goto(path)
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    await expectDarkAndReadable(page, name)
  }
})
