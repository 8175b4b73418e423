import { rmSync } from 'node:fs'
import { createAccount, expect, person, startServer, test } from './fixtures'

// SPEC intro: brand names are configuration. The server's `brand.live` / `brand.pass` reach
// the header, the headings and the page title; nothing on the screens says the built-in names.

test('configured brand names replace CareLive and CareLive Pass on every screen', async ({ page }) => {
  const server = await startServer({}, '[brand]\nlive = "ふじLive"\npass = "ふじPass"')
  try {
    await page.goto(`${server.url}/login`)
    await expect(page.getByRole('heading', { name: 'ふじPassでログイン' })).toBeVisible()
    await expect(page.getByRole('banner')).toContainText('ふじLive')
    await expect(page.getByRole('link', { name: 'ふじPassの新規作成' })).toBeVisible()
    await expect(page).toHaveTitle('ふじPassでログイン | ふじLive')
    await expect(page.locator('body')).not.toContainText('CareLive')

    await page.getByRole('link', { name: 'ふじPassの新規作成' }).click()
    await expect(page.getByRole('heading', { name: 'ふじPassの新規作成' })).toBeVisible()
    await expect(page.locator('body')).not.toContainText('CareLive')

    await page.goto(`${server.url}/pass/confirm?token=unknown`)
    await expect(page.getByRole('button', { name: 'ふじPassの新規作成' })).toBeVisible()

    const p = person()
    createAccount(server, p)
    await page.goto(`${server.url}/login`)
    await page.getByLabel('メールアドレス または 携帯電話番号').fill(p.email!)
    await page.getByLabel('パスワード', { exact: true }).fill(p.password)
    await page.getByRole('button', { name: 'ログイン' }).click()
    await expect(page.getByRole('heading', { name: 'ふじPass（ログインアカウント情報）' })).toBeVisible()
    await expect(page.getByRole('banner')).toContainText('ふじLive')
    await expect(page).toHaveTitle('アカウント情報 | ふじLive')

    await page.getByRole('button', { name: 'English' }).click()
    await expect(page.getByRole('heading', { name: 'ふじPass (sign-in account)' })).toBeVisible()
    await expect(page.locator('body')).not.toContainText('CareLive')
  } finally {
    await server.stop()
    rmSync(server.data, { recursive: true, force: true })
  }
})

test('without brand settings the built-in names show', async ({ page }) => {
  await page.goto('/login')
  await expect(page.getByRole('heading', { name: 'CareLive Passでログイン' })).toBeVisible()
  await expect(page.getByRole('banner')).toHaveText(/CareLive/)
  await expect(page).toHaveTitle('CareLive Passでログイン | CareLive')
})
