import type { Browser, Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { authenticatorOf, passSecondStep, setUpAuthenticator } from './authenticator'
import { sql } from './call-helpers'
import { createAccount, expect, login, person, staffMenu, startServer, test, type Person, type Server } from './fixtures'
import { screenCheck, logoutFromPage as logout } from './screen-check'

// SPEC 15, two-step sign-in, at 390×844 in Chromium against the real server. Staff under the
// default policy (`[security] staff_mfa = "required"`) set up an authenticator app right after
// their password and reach nothing else before; the codes are computed from the key the page
// shows, as an authenticator app does. A code is taken once; a recovery code works once.
// Families may turn it on and off in アカウント管理.

let server: Server
const staff = person({ familyName: '富士', givenName: '職員' })
const family = person({ familyName: '駿河', givenName: '花子' })

test.beforeAll(async () => {
  server = await startServer({}, '[security]\nstaff_mfa = "required"\n')
  const names = (p: Person) => ['--family-name', p.familyName, '--given-name', p.givenName, '--family-name-kana', 'ふじ', '--given-name-kana', 'しょくいん']
  server.admin(['facility', 'add', '--code', 'mfa', '--name', 'ふじ園', '--kind', '老人保健施設'])
  server.admin(['staff', 'add', '--facility', 'mfa', ...names(staff), '--login-id', staff.email!, '--admin', '--password-stdin'], staff.password + '\n')
  createAccount(server, family)
})
test.afterAll(async () => {
  await server?.stop()
  if (server) rmSync(server.data, { recursive: true, force: true })
})

const check = (page: Page, name: string) => screenCheck(page, `second-factor-${name}`)

/** A phone-sized page on this spec's server (the `page` fixture belongs to the worker's). */
async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, locale: 'ja-JP', viewport: { width: 390, height: 844 } })
  return context.newPage()
}

const apiStatus = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    const r = await fetch(p)
    return { status: r.status, code: ((await r.json()) as { error?: { code?: string } }).error?.code }
  }, path)

test('staff set up an authenticator app right after the password and reach nothing else before', async ({ browser }) => {
  test.setTimeout(120_000)
  const page = await phone(browser)
  await login(page, staff.email!, staff.password)
  await expect(page).toHaveURL(/\/login\/setup/)
  await expect(page.getByText('職員・運営者のアカウントでは、2段階認証の設定が必要です。')).toBeVisible()
  await expect(page.getByRole('img', { name: '認証アプリに読み取らせるQRコード' })).toBeVisible()
  await check(page, 'setup')

  // Nothing else: the console sends back here, and the API answers second_step_required.
  await page.goto('/staff')
  await expect(page).toHaveURL(/\/login\/setup/)
  expect(await apiStatus(page, '/api/v1/live/contexts')).toEqual({ status: 401, code: 'second_step_required' })

  // A wrong code is refused with a plain message; the right one sets it up.
  await page.getByLabel('確認コード').fill('000000')
  await page.getByRole('button', { name: '設定する' }).click()
  await expect(page.getByText('確認コードが正しくありません。もう一度確かめて入力してください。').first()).toBeVisible()
  const { recoveryCodes } = await setUpAuthenticator(page, staff.email!)
  expect(recoveryCodes).toHaveLength(10)
  expect(new Set(recoveryCodes).size).toBe(10)
  for (const code of recoveryCodes) expect(code).toMatch(/^[2-9a-z]{5}-[2-9a-z]{5}$/)
  await expect(page.getByText('リカバリーコードは、この画面でしか表示されません。')).toBeVisible()
  await check(page, 'recovery-codes')
  await server.waitForMessage(staff.email!, '2段階認証を設定しました')
  await page.getByRole('button', { name: '控えました' }).click()
  await expect(page).toHaveURL(/\/staff/)
  await expect(page.getByRole('button', { name: 'ログアウト' })).toBeVisible()

  // The next sign-in asks for the code; a wrong one, then the app's one.
  await logout(page)
  await login(page, staff.email!, staff.password)
  await expect(page).toHaveURL(/\/login\/code/)
  await expect(page.getByRole('heading', { name: '確認コードの入力' })).toBeVisible()
  await check(page, 'code')
  const app = authenticatorOf(staff.email!)!
  await page.getByLabel('確認コード').fill(app.codeAt(-10))
  await page.getByRole('button', { name: '確認する' }).click()
  await expect(page.getByText('確認コードが正しくありません。').first()).toBeVisible()
  await expect(page.getByLabel('確認コード')).toHaveValue('')
  const code = await app.code()
  await page.getByLabel('確認コード').fill(code)
  await page.getByRole('button', { name: '確認する' }).click()
  await expect(page).toHaveURL(/\/staff/)

  // The same code again (within its 30 seconds) is refused: a code is taken once.
  await logout(page)
  await login(page, staff.email!, staff.password)
  await expect(page).toHaveURL(/\/login\/code/)
  await page.getByLabel('確認コード').fill(code)
  await page.getByRole('button', { name: '確認する' }).click()
  await expect(page.getByText('確認コードが正しくありません。').first()).toBeVisible()

  // A recovery code instead works once; the person is told.
  await page.getByRole('button', { name: '認証アプリが使えないとき（リカバリーコードを使う）' }).click()
  await page.getByLabel('リカバリーコード').fill(recoveryCodes[0]!.toUpperCase())
  await page.getByRole('button', { name: '確認する' }).click()
  await expect(page).toHaveURL(/\/staff/)
  await server.waitForMessage(staff.email!, 'リカバリーコードでログインしました')
  await logout(page)
  await login(page, staff.email!, staff.password)
  await page.getByRole('button', { name: '認証アプリが使えないとき（リカバリーコードを使う）' }).click()
  await page.getByLabel('リカバリーコード').fill(recoveryCodes[0]!)
  await page.getByRole('button', { name: '確認する' }).click()
  await expect(page.getByText('確認コードが正しくありません。').first()).toBeVisible()

  // 「ログインをやめる」 ends the waiting sign-in.
  await page.getByRole('button', { name: 'ログインをやめる' }).click()
  await expect(page).toHaveURL(/\/login$/)
  expect(await apiStatus(page, '/api/v1/account')).toEqual({ status: 401, code: 'unauthenticated' })

  // In アカウント管理 (from the console's menu), staff cannot turn it off.
  await login(page, staff.email!, staff.password)
  await passSecondStep(page, staff.email!)
  await (await staffMenu(page)).getByRole('link', { name: 'アカウント管理' }).click()
  await page.getByRole('link', { name: '2段階認証' }).click()
  await expect(page.getByText('オン（認証アプリ）')).toBeVisible()
  await expect(page.getByText('残り9個')).toBeVisible()
  await expect(page.getByText('職員・運営者のアカウントでは、2段階認証をオフにできません。')).toBeVisible()
  await expect(page.getByRole('button', { name: '2段階認証をオフにする' })).toHaveCount(0)
  await check(page, 'account-staff')

  // A sign-in that waited too long for its code (its session gone) starts again, and says so.
  await logout(page)
  await login(page, staff.email!, staff.password)
  await expect(page).toHaveURL(/\/login\/code/)
  sql(server, "DELETE FROM sessions WHERE stage <> 'full'")
  await page.getByLabel('確認コード').fill(await app.code())
  await page.getByRole('button', { name: '確認する' }).click()
  await expect(page).toHaveURL(/\/login(\?|$)/)
  await expect(page.getByRole('status')).toHaveText('時間がたったため、ログインを最初からやり直してください。')
})

test('a family member turns two-step sign-in on and off in アカウント管理', async ({ browser }) => {
  test.setTimeout(120_000)
  const page = await phone(browser)
  await login(page, family.email!, family.password)
  await expect(page).not.toHaveURL(/\/login/) // no second step while it is off
  await page.goto('/account/menu')
  await page.getByRole('link', { name: '2段階認証' }).click()
  await expect(page.getByText('オフ', { exact: true })).toBeVisible()
  await check(page, 'account-off')
  await page.getByRole('link', { name: '2段階認証を設定する' }).click()
  await expect(page.getByText('職員・運営者のアカウントでは、2段階認証の設定が必要です。')).toHaveCount(0)
  await setUpAuthenticator(page, family.email!)
  await page.getByRole('button', { name: '控えました' }).click()
  await expect(page).toHaveURL(/\/account\/second-factor$/)
  await expect(page.getByRole('status')).toContainText('2段階認証を設定しました。')
  await expect(page.getByText('オン（認証アプリ）')).toBeVisible()

  // New recovery codes after the password (a wrong one first).
  await page.getByRole('button', { name: 'リカバリーコードを作り直す' }).click()
  await page.getByLabel('現在のパスワード').fill('Wrong#Pass9')
  await page.getByRole('button', { name: '作り直す' }).click()
  await expect(page.getByText('現在のパスワードが正しくありません。').first()).toBeVisible()
  await page.getByLabel('現在のパスワード').fill(family.password)
  await page.getByRole('button', { name: '作り直す' }).click()
  await expect(page.locator('.recovery-codes code')).toHaveCount(10)
  await expect(page.getByText('残り10個')).toBeVisible()

  // The sign-in asks for the code now.
  await logout(page)
  await login(page, family.email!, family.password)
  await expect(page).toHaveURL(/\/login\/code/)
  await passSecondStep(page, family.email!)

  // Off after the password: the next sign-in goes straight in; the person is told.
  await page.goto('/account/second-factor')
  await page.getByRole('button', { name: '2段階認証をオフにする' }).click()
  await page.getByLabel('現在のパスワード').fill(family.password)
  await page.getByRole('button', { name: 'オフにする' }).click()
  await expect(page.getByRole('status')).toContainText('2段階認証をオフにしました。')
  await expect(page.getByText('オフ', { exact: true })).toBeVisible()
  await server.waitForMessage(family.email!, '2段階認証をオフにしました')
  await logout(page)
  await login(page, family.email!, family.password)
  await expect(page).not.toHaveURL(/\/login/)
})

test('a facility admin resets the second factor of a staff member who lost their phone', async ({ browser }) => {
  test.setTimeout(150_000)
  const admin = person({ familyName: '管理', givenName: '花子' })
  const member = person({ familyName: '新人', givenName: '次郎' })
  const names = (p: Person) => ['--family-name', p.familyName, '--given-name', p.givenName, '--family-name-kana', 'かんり', '--given-name-kana', 'はなこ']
  server.admin(['staff', 'add', '--facility', 'mfa', ...names(admin), '--login-id', admin.email!, '--admin', '--password-stdin'], admin.password + '\n')
  server.admin(['staff', 'add', '--facility', 'mfa', ...names(member), '--login-id', member.email!, '--password-stdin'], member.password + '\n')
  const memberPage = await phone(browser)
  await login(memberPage, member.email!, member.password)
  await passSecondStep(memberPage, member.email!) // the policy's set-up

  const page = await phone(browser)
  await login(page, admin.email!, admin.password)
  await passSecondStep(page, admin.email!)
  await page.goto('/staff')
  await expect(page).toHaveURL(/\/staff\/\d+/)
  await page.goto(page.url().replace(/\/staff\/(\d+).*/, '/staff/$1/members'))
  const row = page.getByRole('listitem').filter({ hasText: '新人 次郎' })
  await expect(row).toContainText('2段階認証：設定済み')
  await row.getByRole('button', { name: '新人 次郎 さんの2段階認証をリセット' }).click()
  await expect(page.getByRole('dialog')).toContainText('新人 次郎 さんの2段階認証をリセットしますか？')
  await check(page, 'reset-confirm')
  await page.getByRole('dialog').getByRole('button', { name: '2段階認証をリセット' }).click()
  await expect(page.getByText('新人 次郎 さんの2段階認証をリセットしました。ご本人にお知らせしました。')).toBeVisible()
  await expect(row).toContainText('2段階認証：未設定')
  await server.waitForMessage(member.email!, '2段階認証がリセットされました')

  // The member's open session ended; the next sign-in sets up a new app.
  await memberPage.reload()
  await expect(memberPage).toHaveURL(/\/login/)
  await login(memberPage, member.email!, member.password)
  await expect(memberPage).toHaveURL(/\/login\/setup/)
  await passSecondStep(memberPage, member.email!)
  await expect(memberPage).toHaveURL(/\/staff/)
})
