import AxeBuilder from '@axe-core/playwright'
import { createAccount, expect, login, person, test } from './fixtures'
import type { Page } from '@playwright/test'
import { setUpCallWorld } from './call-helpers'

// Every screen of the Pass flows at 390×844 against the real server: axe-core finds no
// violations, and a full-page screenshot is kept in test-results/screens/ for review.
// SCREEN_W and SCREEN_H walk them at another size (an old 320×568 phone, a 1280×800
// desktop) into test-results/screens-WxH/.

const width = Number(process.env.SCREEN_W ?? 0)
const height = Number(process.env.SCREEN_H ?? 0)
const sized = width > 0 && height > 0
if (sized) test.use({ viewport: { width, height } })
const folder = sized ? `test-results/screens-${width}x${height}` : 'test-results/screens'

/** fullPage: false for a modal, which covers the viewport, not the page. */
async function check(page: Page, name: string, { fullPage = true } = {}) {
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: `${folder}/${name}.png`, fullPage })
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([])
}

test('screens before login', async ({ page, server }) => {
  await page.goto('/login')
  await check(page, '01-login')
  await page.getByRole('button', { name: 'ログイン' }).click()
  await check(page, '02-login-empty-errors')

  await page.goto('/signup')
  await check(page, '03-signup')
  await page.getByRole('button', { name: '次へ' }).click()
  await check(page, '04-signup-errors')
  const p = person({ familyKana: 'フジタ' })
  await page.getByLabel('姓', { exact: true }).fill(p.familyName)
  await page.getByLabel('名', { exact: true }).fill(p.givenName)
  await page.getByLabel('姓(ふりがな)').fill(p.familyKana)
  await page.getByLabel('名(ふりがな)').fill(p.givenKana)
  await page.getByRole('radio', { name: 'メールアドレス' }).check()
  await page.getByRole('textbox', { name: 'メールアドレス', exact: true }).fill(p.email!)
  await page.getByLabel('メールアドレス(確認のため再入力してください)').fill(p.email!)
  await page.getByLabel('パスワード', { exact: true }).fill(p.password)
  await page.getByLabel('パスワード(確認のため再入力してください)').fill(p.password)
  await page.getByRole('button', { name: '次へ' }).click()
  await expect(page.getByText('入力した情報を確認してください。')).toBeVisible()
  await check(page, '05-signup-confirm')
  await page.getByRole('button', { name: '仮登録' }).click()
  await expect(page.getByText('まだ登録は完了していません')).toBeVisible()
  await check(page, '06-signup-sent')
  const message = await server.waitForMessage(p.email!, '仮登録')
  await page.goto(message.url!)
  await expect(page.getByText('CareLive Passの登録が完了しました。')).toBeVisible()
  await check(page, '07-signup-complete')
  await page.goto(message.url!)
  await check(page, '08-signup-already-complete')
  await page.goto('/pass/confirm?token=unknown')
  await check(page, '09-signup-link-invalid')

  await page.goto('/signup')
  await page.getByRole('radio', { name: '携帯電話番号' }).check()
  await check(page, '10-signup-phone')

  await page.goto('/password/forgot')
  await check(page, '11-forgot')
  await page.getByLabel('メールアドレス または 携帯電話番号').fill(p.email!)
  await page.getByRole('button', { name: '送信' }).click()
  await expect(page.getByText('メールまたはSMSにメッセージを送信しました。')).toBeVisible()
  await check(page, '12-forgot-sent')
  const reset = await server.waitForMessage(p.email!, 'パスワードの再設定を受け付けました')
  await page.goto(reset.url!)
  await check(page, '13-reset')
  await page.getByLabel('パスワード', { exact: true }).fill(p.password)
  await page.getByLabel('パスワード(確認のため再入力してください)').fill(p.password)
  await page.getByRole('button', { name: '再設定', exact: true }).click()
  // The rule is also stated above the fields from the start: wait for the error itself.
  await expect(page.getByRole('alert')).toContainText('過去に設定したことがあるパスワードは使用できません')
  await check(page, '14-reset-reused')
  await page.getByLabel('パスワード', { exact: true }).fill('Other#Pass77')
  await page.getByLabel('パスワード(確認のため再入力してください)').fill('Other#Pass77')
  await page.getByRole('button', { name: '再設定', exact: true }).click()
  await expect(page.getByText('パスワードの再設定が完了しました。')).toBeVisible()
  await check(page, '15-reset-done')
  await page.goto(reset.url!)
  await check(page, '16-reset-link-used')
})

test('screens after login', async ({ page, server }) => {
  const p = person()
  createAccount(server, p)
  await login(page, p.email!, p.password)
  await expect(page).toHaveURL(/\/account$/)
  await check(page, '20-account')
  await page.getByRole('button', { name: 'ログアウト' }).click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await check(page, '21-logout-confirm', { fullPage: false })
  await page.getByRole('dialog').getByRole('button', { name: 'キャンセル' }).click()
  for (const [path, name] of [
    ['/account/name', '22-account-name'],
    ['/account/kana', '23-account-kana'],
    ['/account/email', '24-account-email'],
    ['/account/phone', '25-account-phone'],
    ['/account/password', '26-account-password'],
    ['/account/menu', '29-account-menu'],
    ['/account/devices', '30-account-devices'],
  ] as const) {
    await page.goto(path)
    await check(page, name)
  }
  await page.goto('/account/email')
  await page.getByRole('textbox', { name: 'メールアドレス', exact: true }).fill('changed.' + p.email)
  await page.getByLabel('現在のパスワード').fill(p.password)
  await page.getByRole('button', { name: '認証' }).click()
  await expect(page.getByText('24時間').first()).toBeVisible()
  await check(page, '27-account-email-sent')
  const verify = await server.waitForMessage('changed.' + p.email, /contact\/confirm/)
  await page.goto(verify.url!)
  await check(page, '28-contact-confirmed')
  await page.goto('/account/name')
  await page.getByRole('button', { name: '登録' }).click()
  await check(page, '29-account-name-saved')
  await page.goto('/nowhere')
  await check(page, '30-not-found')
})

// Scheduled calls (SPEC 7): the staff page (also at desktop size) and the family home card.
test('screens of scheduled calls', async ({ browser, server }) => {
  const w = setUpCallWorld(server, `screens${process.pid}x${Date.now() % 100000}`, 2)
  const viewport = sized ? { width, height } : { width: 390, height: 844 }
  const staffContext = await browser.newContext({ baseURL: server.url, viewport, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' })
  const staff = await staffContext.newPage()
  await login(staff, w.staff.email!, w.staff.password)
  await expect(staff).not.toHaveURL(/\/login/)
  await staff.goto(`/staff/${w.X}/call-schedule`)
  await expect(staff.getByText('予定されている通話はありません。')).toBeVisible()
  await check(staff, '40-staff-schedule-empty')
  await staff.getByLabel('利用者').selectOption({ label: '駿河 市子' })
  await expect(staff.getByRole('checkbox', { name: /駿河 花子/ })).toBeChecked()
  await staff.getByRole('button', { name: '予約する' }).click()
  await expect(staff.locator('#schedule-date-error')).toBeVisible()
  await check(staff, '41-staff-schedule-errors')
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date(Date.now() + 3 * 86_400_000))
  await staff.getByLabel('日付').fill(date)
  await staff.getByLabel('時刻').fill('14:00')
  await staff.getByLabel('ご家族へのひとこと（任意）').fill('お誕生日のお祝いをします。ご家族の皆さまでどうぞ。')
  await staff.getByRole('button', { name: '予約する' }).click()
  await expect(staff.getByRole('status')).toContainText('予約しました')
  await check(staff, '42-staff-schedule-list')
  await staff.getByRole('button', { name: /取り消す$/ }).first().click()
  await expect(staff.getByRole('dialog')).toBeVisible()
  await check(staff, '43-staff-schedule-cancel-confirm', { fullPage: false })
  await staff.getByRole('dialog').getByRole('button', { name: '取り消さない' }).click()
  if (!sized) {
    await staff.setViewportSize({ width: 1280, height: 800 })
    await staff.getByRole('button', { name: /変更$/ }).first().click()
    await check(staff, '44-staff-schedule-desktop')
  }
  await staffContext.close()

  const familyContext = await browser.newContext({ baseURL: server.url, viewport, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' })
  const home = await familyContext.newPage()
  await login(home, w.families[0]!.email!, w.families[0]!.password)
  await expect(home).not.toHaveURL(/\/login/)
  await home.goto(`/live/residents/${w.A}`)
  await expect(home.getByRole('region', { name: '次回のビデオ通話' })).toBeVisible()
  await check(home, '45-live-home-next-call')
  await familyContext.close()
})
