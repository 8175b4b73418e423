import type { Page } from '@playwright/test'
import { readFileSync, rmSync } from 'node:fs'
import { openAs, setUpCallWorld, sql, type CallWorld } from './call-helpers'
import { expect, person, startServer, test, type Server } from './fixtures'
import { screenCheck } from './screen-check'

// SPEC 15, access records, at 390×844 in Chromium against the real server: a staff member opens
// a resident's people; the facility's admin finds that read in 「アクセス記録」 by resident, person,
// event and period and downloads the CSV (UTF-8 with BOM); the operator sees every facility's;
// `carelive admin audit --csv` prints the same rows.

let server: Server
let world: CallWorld
const member = person({ familyName: '山田', givenName: '介護' })

test.beforeAll(async () => {
  server = await startServer()
  world = setUpCallWorld(server, 'access')
  const names = ['--family-name', member.familyName, '--given-name', member.givenName, '--family-name-kana', 'やまだ', '--given-name-kana', 'かいご']
  server.admin(['staff', 'add', '--facility', 'access', ...names, '--login-id', member.email!, '--password-stdin'], member.password + '\n')
})
test.afterAll(async () => {
  await server?.stop()
  if (server) rmSync(server.data, { recursive: true, force: true })
})

const check = (page: Page, name: string) => screenCheck(page, `access-${name}`)

test("a staff member's read of a resident's people is found, downloaded and printed by the command line", async ({ browser }) => {
  test.setTimeout(120_000)
  // The staff member opens 駿河 市子's page: her people are read.
  const staffPage = await openAs(browser, server, member, `/staff/${world.X}/residents/${world.A}`)
  await expect(staffPage.getByText('駿河 花子').first()).toBeVisible()
  // Staff who are not admins have no such page.
  await expect(staffPage.getByRole('link', { name: 'アクセス記録' })).toHaveCount(0)

  const admin = await openAs(browser, server, world.staff, `/staff/${world.X}/residents`)
  await admin.goto(`/staff/${world.X}/access-records`)
  await expect(admin.getByRole('heading', { name: 'アクセス記録' })).toBeVisible()
  const results = admin.getByRole('list', { name: '検索結果' })
  await expect(results.getByRole('listitem').first()).toBeVisible()
  await check(admin, 'search')

  // By resident and event: the one read, with who, when and from where.
  await admin.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  await admin.getByLabel('操作', { exact: true }).selectOption({ label: '関係者の閲覧' })
  await admin.getByRole('button', { name: '検索する' }).click()
  await expect(results.getByRole('listitem')).toHaveCount(1)
  const row = results.getByRole('listitem').first()
  await expect(row).toContainText('関係者の閲覧（駿河 市子様）')
  await expect(row).toContainText('山田 介護')
  await expect(row).toContainText('IPアドレス：127.0.0.1')

  // By person: another name finds none of it.
  await admin.getByLabel('操作した人').fill('駿河')
  await admin.getByRole('button', { name: '検索する' }).click()
  await expect(admin.getByText('条件に合う記録はありません。')).toBeVisible()
  await admin.getByLabel('操作した人').fill('山田')
  // A period that ends before it starts is told on the field.
  await admin.getByLabel('開始日').fill('2026-12-05')
  await admin.getByLabel('終了日').fill('2026-12-04')
  await admin.getByRole('button', { name: '検索する' }).click()
  await expect(admin.getByText('終了日は、開始日と同じ日かそれより後の日付にしてください。').first()).toBeVisible()
  // Today in Japan, both ends: found again.
  const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10)
  await admin.getByLabel('開始日').fill(today)
  await admin.getByLabel('終了日').fill(today)
  await admin.getByRole('button', { name: '検索する' }).click()
  await expect(results.getByRole('listitem')).toHaveCount(1)

  // The CSV of what is shown: UTF-8 with BOM, Excel's line ends, the row in Japanese.
  const saved = admin.waitForEvent('download')
  await admin.getByRole('button', { name: 'CSVでダウンロード' }).click()
  const file = await saved
  expect(file.suggestedFilename()).toMatch(/^access-records-\d{8}-\d{4}\.csv$/)
  const csv = readFileSync((await file.path())!, 'utf8')
  expect(csv.startsWith('\uFEFF日時,事業所,操作した人,ログインID,IPアドレス,操作,利用者,詳細\r\n')).toBe(true)
  expect(csv).toContain(`,コール園,山田 介護,${member.email},127.0.0.1,関係者の閲覧,駿河 市子,`)
  expect(csv.trim().split('\r\n')).toHaveLength(2)
  await expect(admin.getByText('1件の記録をダウンロードしました。')).toBeVisible()

  // The command line prints the same rows, and the searches were recorded too.
  const printed = server.admin(['audit', '--csv', '--facility', 'access', '--event', 'people_viewed'])
  expect(printed).toContain(`,山田 介護,${member.email},127.0.0.1,関係者の閲覧,駿河 市子,`)
  // Four searches that ran (the refused one did not) and the download; reads reach the log
  // within a moment.
  const searches = () => Number(sql(server, "SELECT COUNT(*) FROM audit_log WHERE event IN ('access_records_viewed', 'access_records_downloaded')"))
  await expect.poll(searches).toBe(5)
})

test("the operator searches every facility's records", async ({ browser }) => {
  const operator = person({ familyName: '運営', givenName: '太郎' })
  server.admin(['account', 'add', '--family-name', operator.familyName, '--given-name', operator.givenName, '--family-name-kana', 'うんえい', '--given-name-kana', 'たろう', '--login-id', operator.email!, '--password-stdin'], operator.password + '\n')
  sql(server, `UPDATE accounts SET is_operator = 1 WHERE email = '${operator.email}'`)
  const page = await openAs(browser, server, operator, '/operator')
  await page.getByRole('button', { name: 'アクセス記録' }).click()
  await expect(page.getByRole('heading', { name: 'アクセス記録' })).toBeVisible()
  await page.getByLabel('事業所', { exact: true }).selectOption({ label: 'コール園' })
  await page.getByLabel('操作', { exact: true }).selectOption({ label: '利用者の追加' })
  await page.getByRole('button', { name: '検索する' }).click()
  const results = page.getByRole('list', { name: '検索結果' })
  await expect(results.getByRole('listitem')).toHaveCount(2)
  await expect(results.getByRole('listitem').first()).toContainText('コール園')
  await expect(results.getByRole('listitem').first()).toContainText('システム・管理コマンド')
  await check(page, 'operator')
})
