import type { Page } from '@playwright/test'
import { readFileSync, rmSync } from 'node:fs'
import { openAs, setUpCallWorld, sql, type CallWorld } from './call-helpers'
import { expect, login, startServer, test, type Server } from './fixtures'
import { screenCheck } from './screen-check'

// SPEC 15, personal data, at 390×844 in Chromium against the real server: a family member
// downloads everything held about them (JSON) and deletes their Pass after the password; they are
// signed out and cannot sign in again, and the facility sees 「退会したユーザー」 where they were
// linked. Staff are asked to hand over first.

let server: Server
let world: CallWorld

test.beforeAll(async () => {
  server = await startServer()
  world = setUpCallWorld(server, 'leaving')
})
test.afterAll(async () => {
  await server?.stop()
  if (server) rmSync(server.data, { recursive: true, force: true })
})

const check = (page: Page, name: string) => screenCheck(page, `personal-data-${name}`)

test('a family member downloads their data, then deletes their Pass; the facility sees who left', async ({ browser }) => {
  test.setTimeout(120_000)
  const hanako = world.families[0]!
  const page = await openAs(browser, server, hanako, '/account/menu')

  // 「データのダウンロード」: one JSON file with what is held about her.
  await page.getByRole('link', { name: 'データのダウンロード' }).click()
  await expect(page.getByRole('heading', { name: 'データのダウンロード' })).toBeVisible()
  await check(page, 'download')
  const saved = page.waitForEvent('download')
  await page.getByRole('button', { name: 'データをダウンロードする' }).click()
  const file = await saved
  expect(file.suggestedFilename()).toMatch(/^carelive-pass-\d{8}\.json$/)
  const data = JSON.parse(readFileSync((await file.path())!, 'utf8'))
  expect(data.account.email).toBe(hanako.email)
  expect(data.links[0].resident).toBe('駿河 市子')
  expect(data.links[0].facility).toBe('コール園')
  expect(data.sessions.length).toBeGreaterThan(0)
  expect(JSON.stringify(data)).not.toContain('$argon2')

  // 「Passを削除」: the password, a last question, then signed out with a word of thanks.
  await page.goto('/account/delete')
  await expect(page.getByRole('heading', { name: 'Passを削除' })).toBeVisible()
  await check(page, 'delete')
  await page.getByRole('button', { name: 'Passを削除する' }).click()
  await expect(page.getByText('現在のパスワードを入力してください。').first()).toBeVisible()
  await page.getByLabel('現在のパスワード').fill('Wrong#Pass2026')
  await page.getByRole('button', { name: 'Passを削除する' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click()
  await expect(page.getByText('現在のパスワードが正しくありません').first()).toBeVisible()
  await page.getByLabel('現在のパスワード').fill(hanako.password)
  await page.getByRole('button', { name: 'Passを削除する' }).click()
  await expect(page.getByRole('dialog')).toContainText('本当にPassを削除しますか？')
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click()
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByText('Passを削除しました。ご利用ありがとうございました。')).toBeVisible()
  await login(page, hanako.email!, hanako.password)
  await expect(page.getByText('メールアドレス・携帯電話番号またはパスワードが正しくありません。').first()).toBeVisible()
  expect(sql(server, `SELECT COUNT(*) FROM accounts WHERE email = '${hanako.email}'`)).toBe('0')

  // The facility: she is no longer among 駿河 市子's people, and 「退会したユーザー」 says someone left.
  const staff = await openAs(browser, server, world.staff, `/staff/${world.X}/residents/${world.A}`)
  await expect(staff.getByText('退会したユーザー（家族・親族）')).toBeVisible()
  await expect(staff.getByText('駿河 花子')).toHaveCount(0)
  await check(staff, 'staff-sees-departure')
})

test('staff are asked to hand over before their Pass goes', async ({ browser }) => {
  const page = await openAs(browser, server, world.staff, '/account/delete')
  await page.getByLabel('現在のパスワード').fill(world.staff.password)
  await page.getByRole('button', { name: 'Passを削除する' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click()
  await expect(page.getByText('職員・運営者として登録されているPassは削除できません。').first()).toBeVisible()
  await expect(page).toHaveURL(/\/account\/delete/)
})
