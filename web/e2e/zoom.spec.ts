import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { fakeMedia, openAs, setUpCallWorld, sql, type CallWorld } from './call-helpers'
import { createAccount, expect, login, person, startServer, test } from './fixtures'

// SPEC 14 (issue 12, point 4): the family screens at the zoom and text sizes older people use.
// A 390×844 phone at 200 % zoom is a 195×422 CSS-pixel window; large system text doubles the
// browser's default font size (DevTools Page.setFontSizes), which every rem-based size follows.
// The header stays one line, home's 「ビデオ通話」 and a ringing call's 「開始する」 are on the first
// screen, and nothing is wider than the window.

test.use(fakeMedia)

const shots = 'test-results/screens'
let world: CallWorld

test.beforeAll(async () => {
  const server = await startServer()
  world = setUpCallWorld(server, 'zoomcall')
})
test.afterAll(async () => {
  await world?.server.stop()
  if (world) rmSync(world.server.data, { recursive: true, force: true })
})

type Mode = 'zoom' | 'text'
const ZOOMED = { width: 195, height: 422 }

/** 200 % zoom (the window in CSS pixels halves) or 200 % system text (the default font doubles). */
async function enlarge(page: Page, mode: Mode, reload = true): Promise<void> {
  if (mode === 'zoom') {
    await page.setViewportSize(ZOOMED)
  } else {
    // Chromium puts its own font preferences back when a call opens the camera: a phone's
    // setting would stay, so it is set again after joining.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } })
  }
  if (reload) await page.reload()
}

/** The two state buttons side by side each keep their words on one line, or they are a list. */
async function expectControlsReadable(page: Page): Promise<void> {
  const mic = (await page.getByRole('button', { name: /^マイク：/ }).boundingBox())!
  const camera = (await page.getByRole('button', { name: /^カメラ：/ }).boundingBox())!
  const lineHeight = await page.getByRole('button', { name: /^マイク：/ }).evaluate((b) => parseFloat(getComputedStyle(b).lineHeight))
  const padding = await page.getByRole('button', { name: /^マイク：/ }).evaluate((b) => {
    const s = getComputedStyle(b)
    return parseFloat(s.paddingTop) + parseFloat(s.paddingBottom) + parseFloat(s.borderTopWidth) * 2
  })
  expect(mic.height - padding).toBeLessThan(lineHeight * 1.5) // one line of words
  if (camera.y > mic.y + 1) expect(camera.width).toBeGreaterThan(mic.width * 0.9) // a list: full width
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
}

async function expectHeaderOneLine(page: Page): Promise<void> {
  const header = page.locator('.site-header')
  const items = header.locator('.site-header__inner > *')
  const boxes = await Promise.all((await items.all()).map((i) => i.boundingBox()))
  const tops = boxes.filter((b) => b && b.width > 0).map((b) => b!.y)
  expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(24) // side by side, not stacked
}

async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).exclude('video').analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([])
}

for (const mode of ['zoom', 'text'] as const) {
  test(`at 200 % ${mode === 'zoom' ? 'zoom' : 'system text'}: home, a ringing call and the call screen fit`, async ({ browser }) => {
    test.slow()
    const family = await openAs(browser, world.server, world.families[0]!, `/live/residents/${world.A}`)
    await enlarge(family, mode)
    await expect(family.getByRole('heading', { level: 1 })).toBeVisible()
    await expectHeaderOneLine(family)
    await expect(family.getByRole('link', { name: 'ビデオ通話' }).first()).toBeInViewport({ ratio: 1 })
    await expectNoSidewaysScroll(family)
    await family.screenshot({ path: `${shots}/${mode}-01-home.png` })
    await expectAccessible(family)

    // A call rings: 「開始する」 on the first screen.
    const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
    await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
    await staff.getByRole('button', { name: '通話を開始' }).click()
    const join = family.getByRole('alert').getByRole('button', { name: '開始する' })
    await expect(join).toBeInViewport({ ratio: 1 })
    await expectNoSidewaysScroll(family)
    await family.screenshot({ path: `${shots}/${mode}-02-ringing.png` })

    // In the call: the controls stay usable, nothing goes off the side.
    await join.click()
    await expect(family.getByRole('button', { name: '終了する' })).toBeVisible()
    await enlarge(family, mode, false)
    await expect(family.locator('.brand')).toHaveCSS('font-size', mode === 'zoom' ? '20px' : '40px')
    for (const name of ['マイク：オン', 'カメラ：オン', '終了する']) {
      const button = family.getByRole('button', { name })
      await button.scrollIntoViewIfNeeded()
      await expect(button).toBeInViewport({ ratio: 1 })
    }
    await expectControlsReadable(family)
    await expectNoSidewaysScroll(family)
    // Not fullPage: Chromium resizes the view for that, which resets the emulated font size.
    await family.screenshot({ path: `${shots}/${mode}-03-call.png` })
    await staff.getByRole('button', { name: '終了する' }).click()
    await staff.context().close()
    await family.context().close()
  })
}

// Every screen issue 12 added or changed, at 195 CSS pixels (a 390-px phone at 200 %): no
// sideways scrolling, and axe-core finds nothing.
test('every new or changed screen passes axe at 195 px and never scrolls sideways', async ({ browser }) => {
  test.slow()
  const check = async (page: Page, name: string) => {
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible()
    await page.waitForLoadState('networkidle')
    await expectNoSidewaysScroll(page)
    await page.screenshot({ path: `${shots}/zoom-screen-${name}.png`, fullPage: true })
    await expectAccessible(page)
  }
  const context = await browser.newContext({ baseURL: world.server.url, locale: 'ja-JP', viewport: ZOOMED })
  const page = await context.newPage()

  // Before login: the QR application page and the sign-up.
  const url = world.server.admin(['invite', '--facility', 'zoomcall', '--resident', String(world.A)]).trim().split('\n').pop()!
  await page.goto('/apply?token=' + new URL(url).searchParams.get('token'))
  await check(page, '01-apply')
  await page.goto('/signup')
  await check(page, '02-signup')

  // Applied, not approved: the waiting page.
  const applicant = person({ familyName: '駿河', givenName: '四郎' })
  createAccount(world.server, applicant)
  sql(world.server, `INSERT INTO applications (resident_id, account_id, kind, status, created_at)
    SELECT ${world.A}, id, 'family', 'pending', ${Math.floor(Date.now() / 1000)} FROM accounts WHERE email = '${applicant.email}'`)
  await login(page, applicant.email!, applicant.password)
  await expect(page).not.toHaveURL(/\/login/)
  await page.goto('/live')
  await expect(page.getByRole('heading', { name: 'コール園の承認をお待ちください' })).toBeVisible()
  await check(page, '03-awaiting')
  await context.close()

  // A linked family member: アカウント管理 and its pages, the relationship, the call screen.
  const family = await openAs(browser, world.server, world.families[0]!, '/account/menu')
  await family.setViewportSize(ZOOMED)
  for (const [path, name] of [
    ['/account/menu', '04-account-menu'],
    ['/account', '05-account'],
    ['/account/devices', '06-devices'],
    ['/account/second-factor', '06a-second-factor'],
    ['/account/data', '06b-data-download'],
    ['/account/delete', '06c-delete-pass'],
    ['/account/relationships', '07-relationships'],
    [`/live/residents/${world.A}/relationship?from=account`, '08-relationship'],
    [`/live/residents/${world.A}/call`, '09-call-waiting'],
  ] as const) {
    await family.goto(path)
    await check(family, name)
  }
  await family.context().close()

  // Staff on a phone at 200 %: the folded menu, the application card, the call page.
  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/applications`)
  await staff.setViewportSize(ZOOMED)
  await staff.reload()
  await expect(staff.locator('.applicant-contact')).toBeVisible()
  await check(staff, '10-staff-applications')
  await staff.goto(`/staff/${world.X}/calls`)
  await check(staff, '11-staff-calls')
  await staff.goto(`/staff/${world.X}/access-records`)
  await expect(staff.getByRole('list', { name: '検索結果' })).toBeVisible()
  await check(staff, '12-staff-access-records')
  await staff.context().close()
})
