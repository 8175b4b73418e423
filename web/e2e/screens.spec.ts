import AxeBuilder from '@axe-core/playwright'
import { createAccount, expect, login, person, test } from './fixtures'
import type { Page } from '@playwright/test'

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
