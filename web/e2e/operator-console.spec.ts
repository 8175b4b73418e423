import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { createAccount, expect, login, person, startServer, test, uniqueEmail, type Server } from './fixtures'

// SPEC 11: the operator console — facilities (add, rename, close), facility admins (set-password
// link by message), announcements, terms versions; other accounts are refused by the server.

async function axe(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([])
}

// Terms and announcements are global: this test runs a server of its own so that publishing
// them never changes what other specs on the shared worker server see.
test('the operator adds a facility and its admin, an announcement and terms', async ({ browser }) => {
  const server: Server = await startServer()
  const context = await browser.newContext({ baseURL: server.url })
  const page = await context.newPage()
  try {
    await operatorFlow(page, server)
  } finally {
    await context.close()
    await server.stop()
    rmSync(server.data, { recursive: true, force: true })
  }
})

async function operatorFlow(page: Page, server: Server): Promise<void> {
  const op = person({ familyName: '運営', givenName: '太郎', familyKana: 'うんえい', givenKana: 'たろう' })
  server.admin(['account', 'add', '--family-name', op.familyName, '--given-name', op.givenName, '--family-name-kana', op.familyKana,
    '--given-name-kana', op.givenKana, '--login-id', op.email!, '--operator', '--password-stdin'], op.password + '\n')
  await login(page, op.email!, op.password)
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.goto('/operator')
  await expect(page.getByRole('heading', { name: '事業所', level: 1 })).toBeVisible()

  const code = `op${Date.now() % 1000000}`
  await page.getByLabel('事業所コード').fill(code)
  await page.getByLabel('事業所名', { exact: true }).fill('もみじ園')
  await page.getByLabel('サービス種別').fill('通所介護')
  await page.getByRole('button', { name: '事業所を追加' }).click()
  await expect(page.getByRole('status')).toContainText('もみじ園を追加しました。')
  await axe(page)
  await page.screenshot({ path: 'test-results/operator-facilities-phone.png', fullPage: true })

  await page.getByRole('button', { name: /もみじ園/ }).click()
  await page.getByLabel('新しい事業所名').fill('もみじの里')
  await page.getByRole('button', { name: '事業所名を変更' }).click()
  await expect(page.getByRole('status')).toContainText('事業所名を変更しました。')
  const admin = uniqueEmail('admin')
  await page.getByLabel('姓', { exact: true }).fill('紅葉')
  await page.getByLabel('名', { exact: true }).fill('花子')
  await page.getByLabel('姓(ふりがな)').fill('もみじ')
  await page.getByLabel('名(ふりがな)').fill('はなこ')
  await page.getByLabel('メールアドレス または 携帯電話番号').fill(admin)
  await page.getByRole('button', { name: '管理者を追加' }).click()
  await expect(page.getByRole('status')).toContainText('管理者を追加しました。パスワード設定用のURLをお送りしました。')
  await expect(page.getByText(admin)).toBeVisible()
  await server.waitForMessage(admin, '/password/reset?token=')
  await axe(page)

  await page.getByRole('button', { name: '閉鎖' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '閉鎖' }).click()
  await expect(page.getByRole('status')).toContainText('もみじの里を閉鎖しました。')

  const menu = page.getByRole('navigation', { name: '運営メニュー' })
  await menu.getByRole('button', { name: '案内' }).click()
  await page.getByLabel('タイトル').fill('メンテナンスのお知らせ')
  await page.getByLabel('本文').fill('5月1日 2:00〜4:00 はご利用いただけません。')
  await page.getByRole('button', { name: '案内を公開' }).click()
  await expect(page.getByRole('heading', { name: 'メンテナンスのお知らせ' })).toBeVisible()
  await axe(page)

  await menu.getByRole('button', { name: '利用規約' }).click()
  await page.getByLabel('利用規約の本文').fill('第1条 この規約は…')
  await page.getByRole('button', { name: '新しい版を公開' }).click()
  await expect(page.getByRole('heading', { name: /第\d+版/ }).first()).toBeVisible()
  await axe(page)
  await page.screenshot({ path: 'test-results/operator-terms-phone.png', fullPage: true })
}

test('accounts that are not operators are refused', async ({ page, server }) => {
  const p = person()
  createAccount(server, p)
  await login(page, p.email!, p.password)
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  for (const path of ['/api/v1/operator/facilities', '/api/v1/operator/announcements', '/api/v1/operator/terms']) {
    expect((await page.request.get(path)).status()).toBe(403)
  }
  await page.goto('/operator')
  await expect(page.getByRole('alert').first()).toContainText('権限がありません')
})
