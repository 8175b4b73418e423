import type { Browser, CDPSession, Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { sql } from './call-helpers'
import { createAccount, expect, login, person, startServer, test, type Person, type Server } from './fixtures'
import { screenCheck, logoutFromPage as logout } from './screen-check'

// SPEC 15, passkeys, at 390×844 in real Chromium against the real server, with Chromium's own
// virtual authenticators (DevTools WebAuthn domain): a platform authenticator with a PIN or
// fingerprint, and a USB security key. Passkeys need a host name: this server's public URL is
// http://localhost:<port> (a secure context, the relying party "localhost").

let server: Server
const staff = person({ familyName: '富士', givenName: '職員' })
const family = person({ familyName: '駿河', givenName: '花子' })

test.beforeAll(async () => {
  server = await startServer({}, '[security]\nstaff_mfa = "required"\n', (port) => `http://localhost:${port}`)
  const names = (p: Person) => ['--family-name', p.familyName, '--given-name', p.givenName, '--family-name-kana', 'ふじ', '--given-name-kana', 'しょくいん']
  server.admin(['facility', 'add', '--code', 'passkey', '--name', 'ふじ園', '--kind', '老人保健施設'])
  server.admin(['staff', 'add', '--facility', 'passkey', ...names(staff), '--login-id', staff.email!, '--admin', '--password-stdin'], staff.password + '\n')
  createAccount(server, family)
})
test.afterAll(async () => {
  await server?.stop()
  if (server) rmSync(server.data, { recursive: true, force: true })
})

/** A phone-sized page at the server's public address (localhost). */
async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.publicUrl, locale: 'ja-JP', viewport: { width: 390, height: 844 } })
  return context.newPage()
}

/** One of Chromium's virtual authenticators in `page`'s tab: it answers the passkey dialog at
 * once, as a person touching the sensor would. */
class VirtualAuthenticator {
  private constructor(
    private readonly cdp: CDPSession,
    readonly id: string,
  ) {}

  static async add(page: Page, transport: 'internal' | 'usb' = 'internal'): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport, hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    })
    return new VirtualAuthenticator(cdp, authenticatorId)
  }

  async credentials(): Promise<{ credentialId: string; signCount: number; isResidentCredential: boolean }[]> {
    return (await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id })).credentials
  }

  async remove(): Promise<void> {
    await this.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: this.id })
  }
}

const check = (page: Page, name: string) => screenCheck(page, `passkey-${name}`)

/** Sends `body` again to `path` from the page, as a replay would. */
const replay = (page: Page, path: string, body: string) =>
  page.evaluate(
    async ([p, b]) => {
      const csrf = /(?:^|; )carelive_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? ''
      const r = await fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) }, body: b })
      return { status: r.status, code: ((await r.json()) as { error?: { code?: string } }).error?.code }
    },
    [path, body] as const,
  )

test('staff register a passkey at the set-up, then sign in with it instead of password and code', async ({ browser }) => {
  test.setTimeout(120_000)
  const page = await phone(browser)
  const key = await VirtualAuthenticator.add(page)

  // The policy's set-up right after the password offers the passkey first.
  await login(page, staff.email!, staff.password)
  await expect(page).toHaveURL(/\/login\/setup/)
  await expect(page.getByRole('heading', { name: 'パスキーで設定する' })).toBeVisible()
  await expect(page.getByRole('heading', { name: '認証アプリで設定する' })).toBeVisible()
  await check(page, 'setup')
  await page.getByRole('button', { name: 'パスキーを登録する' }).click()
  await expect(page.getByRole('heading', { name: 'リカバリーコード' })).toBeVisible()
  await expect(page.locator('.recovery-codes code')).toHaveCount(10)
  const [credential] = await key.credentials()
  expect(credential?.isResidentCredential).toBe(true)
  await page.getByRole('button', { name: '控えました' }).click()
  await expect(page).toHaveURL(/\/staff/)
  await server.waitForMessage(staff.email!, 'パスキーを登録しました')

  // 「パスキーを使う」: no password, no code; the passkey verified the person.
  await logout(page)
  await page.goto('/login')
  await expect(page.getByRole('button', { name: 'パスキーを使う' })).toBeVisible()
  await check(page, 'login')
  const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/login/passkey') && r.method() === 'POST')
  await page.getByRole('button', { name: 'パスキーを使う' }).click()
  await expect(page).toHaveURL(/\/staff/)
  // The same answer again is refused: its challenge was answered already.
  const body = (await sent).postData() ?? ''
  await logout(page)
  expect(await replay(page, '/api/v1/login/passkey', body)).toEqual({ status: 401, code: 'passkey_refused' })

  // After a password, the passkey is the second step.
  await login(page, staff.email!, staff.password)
  await expect(page).toHaveURL(/\/login\/code/)
  await expect(page.getByRole('button', { name: 'パスキーを使う' })).toBeVisible()
  await check(page, 'second-step')
  await page.getByRole('button', { name: 'パスキーを使う' }).click()
  await expect(page).toHaveURL(/\/staff/)

  // The server keeps the authenticator's sign count (a count that went back would be refused).
  const [after] = await key.credentials()
  expect(Number(sql(server, `SELECT sign_count FROM passkeys p JOIN accounts a ON a.id = p.account_id WHERE a.email = '${staff.email}'`))).toBe(after!.signCount)
  expect(after!.signCount).toBeGreaterThanOrEqual(3)
})

test('a family member registers passkeys on two devices in アカウント管理, removes one, and it no longer signs in', async ({ browser }) => {
  test.setTimeout(120_000)
  const page = await phone(browser)
  const phoneKey = await VirtualAuthenticator.add(page)
  await login(page, family.email!, family.password)
  // Signed in: no link to a resident yet, so the app ends on the account page (SPEC 3).
  await expect(page).toHaveURL(/\/account$/)

  // Off at first: the set-up offers the passkey.
  await page.goto('/account/second-factor')
  await page.getByRole('link', { name: '2段階認証を設定する' }).click()
  await page.getByRole('button', { name: 'パスキーを登録する' }).click()
  await expect(page.getByRole('heading', { name: 'リカバリーコード' })).toBeVisible()
  await page.getByRole('button', { name: '控えました' }).click()
  await expect(page).toHaveURL(/\/account\/second-factor$/)
  await expect(page.getByText('オン（パスキー）')).toBeVisible()

  // A second device: a USB security key (the phone's authenticator is gone from this tab).
  await phoneKey.remove()
  const securityKey = await VirtualAuthenticator.add(page, 'usb')
  await page.getByRole('button', { name: 'この端末のパスキーを登録する' }).click()
  await expect(page.getByText('パスキーを登録しました。')).toBeVisible()
  const section = page.getByRole('region', { name: 'パスキー' })
  await expect(section.getByRole('listitem')).toHaveCount(2)
  await check(page, 'account')

  // The security key's passkey (the second) is removed after the password; the other stays.
  await section.getByRole('button', { name: /のパスキーを削除/ }).nth(1).click()
  await expect(page.getByRole('heading', { name: 'パスキーの削除' })).toBeVisible()
  await page.getByLabel('現在のパスワード').fill(family.password)
  await page.getByRole('button', { name: '削除する' }).click()
  await expect(page.getByText('パスキーを削除しました。')).toBeVisible()
  await expect(section.getByRole('listitem')).toHaveCount(1)
  await expect(page.getByText('オン（パスキー）')).toBeVisible()
  await server.waitForMessage(family.email!, 'パスキーを削除しました')

  // The key still holds its passkey, but the server no longer knows it.
  expect(await securityKey.credentials()).toHaveLength(1)
  await logout(page)
  await page.goto('/login')
  await page.getByRole('button', { name: 'パスキーを使う' }).click()
  await expect(page.getByRole('alert')).toContainText('パスキーを確認できませんでした。')
  await expect(page).toHaveURL(/\/login/)
})
