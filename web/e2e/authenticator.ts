import type { Page } from '@playwright/test'
import { Secret, TOTP } from 'otpauth'
import { expect } from './fixtures'

const PERIOD_MS = 30_000

/** A person's authenticator app (RFC 6238, what Google Authenticator computes), holding the key
 * the set-up page showed — read as a person would type it into the app. The server takes each
 * 30-second code once, so a second sign-in within the same 30 seconds waits for the next code,
 * as a person would. */
export class Authenticator {
  private readonly totp: TOTP
  private lastStep = -1

  constructor(readonly key: string) {
    this.totp = new TOTP({ secret: Secret.fromBase32(key.replace(/\s+/g, '')), algorithm: 'SHA1', digits: 6, period: 30 })
  }

  /** The code of the current 30 seconds; the next one when this one was used already. */
  async code(): Promise<string> {
    let step = Math.floor(Date.now() / PERIOD_MS)
    if (step <= this.lastStep) {
      await new Promise((r) => setTimeout(r, (this.lastStep + 1) * PERIOD_MS - Date.now() + 100))
      step = this.lastStep + 1
    }
    this.lastStep = step
    return this.totp.generate({ timestamp: step * PERIOD_MS })
  }

  /** The code of the 30 seconds `steps` away from now (a replay, a wrong code). */
  codeAt(steps: number): string {
    return this.totp.generate({ timestamp: Date.now() + steps * PERIOD_MS })
  }
}

/** The apps set up in this test run, by login id: a later sign-in of the same person uses it. */
const apps = new Map<string, Authenticator>()

export function authenticatorOf(loginId: string): Authenticator | undefined {
  return apps.get(loginId)
}

/** Sets up an authenticator app on 「2段階認証の設定」 open in `page` (typing the shown key into
 * the app, then its first code), and returns it with the recovery codes shown once. */
export async function setUpAuthenticator(page: Page, loginId: string): Promise<{ app: Authenticator; recoveryCodes: string[] }> {
  await expect(page.getByRole('heading', { name: '2段階認証の設定' })).toBeVisible()
  const key = await page.locator('.secret-key code').innerText()
  const app = new Authenticator(key)
  await page.getByLabel('確認コード').fill(await app.code())
  await page.getByRole('button', { name: '設定する' }).click()
  await expect(page.getByRole('heading', { name: 'リカバリーコード' })).toBeVisible()
  const recoveryCodes = await page.locator('.recovery-codes code').allInnerTexts()
  apps.set(loginId, app)
  return { app, recoveryCodes }
}

/** After the password: the second step when the sign-in asks for one — the app's set-up (staff
 * under `staff_mfa = "required"`), or the code of the app set up before. Nothing when the
 * sign-in went straight in. */
export async function passSecondStep(page: Page, loginId: string): Promise<void> {
  await page.waitForURL((u) => u.pathname !== '/login')
  const at = new URL(page.url()).pathname
  if (at === '/login/setup') {
    await setUpAuthenticator(page, loginId)
    await page.getByRole('button', { name: '控えました' }).click()
  } else if (at === '/login/code') {
    const app = apps.get(loginId)
    if (!app) throw new Error(`no authenticator app of ${loginId} was set up in this run`)
    await page.getByLabel('確認コード').fill(await app.code())
    await page.getByRole('button', { name: '確認する' }).click()
  } else {
    return
  }
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}
