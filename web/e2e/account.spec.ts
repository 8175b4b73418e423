import { createAccount, expect, login, person, test, uniqueEmail } from './fixtures'

// SPEC 9 (manual 4): name, furigana, email/mobile with a verification link, password, sessions.

test('change name and furigana; each shows its completion message', async ({ page, server }) => {
  const p = person()
  createAccount(server, p)
  await login(page, p.email!, p.password)
  await expect(page).toHaveURL(/\/account$/)

  await page.getByRole('button', { name: 'アカウント名を変更する' }).or(page.getByRole('link', { name: 'アカウント名を変更する' })).click()
  await page.getByLabel('姓', { exact: true }).fill('駿河')
  await page.getByLabel('名', { exact: true }).fill('花子')
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'アカウント名を変更しました。' })).toBeVisible()
  await expect(page.getByText('駿河 花子')).toBeVisible()

  await page.getByRole('button', { name: 'ふりがなを変更する' }).or(page.getByRole('link', { name: 'ふりがなを変更する' })).click()
  await page.getByLabel('姓(ふりがな)').fill('スルガ')
  await page.getByLabel('名(ふりがな)').fill('はなこ')
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'ふりがなを変更しました。' })).toBeVisible()
  await expect(page.getByText('するが はなこ')).toBeVisible()

  // Bad input is explained and loses nothing.
  await page.getByRole('button', { name: 'アカウント名を変更する' }).or(page.getByRole('link', { name: 'アカウント名を変更する' })).click()
  await page.getByLabel('姓', { exact: true }).fill('Suruga')
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByLabel('姓', { exact: true })).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByLabel('姓', { exact: true })).toHaveValue('Suruga')
})

test('change email: link to the new address, change applies when opened, old address told', async ({ page, server }) => {
  const p = person()
  createAccount(server, p)
  await login(page, p.email!, p.password)
  const next = uniqueEmail('new')

  await page.getByRole('button', { name: 'メールアドレスを変更する' }).or(page.getByRole('link', { name: 'メールアドレスを変更する' })).click()
  await page.getByRole('textbox', { name: 'メールアドレス', exact: true }).fill(next)
  await page.getByLabel('現在のパスワード').fill('Wrong#Pass1')
  await page.getByRole('button', { name: '認証' }).click()
  await expect(page.getByLabel('現在のパスワード')).toHaveAttribute('aria-invalid', 'true')

  await page.getByLabel('現在のパスワード').fill(p.password)
  await page.getByRole('button', { name: '認証' }).click()
  await expect(page.getByText('24時間').first()).toBeVisible()
  const verify = await server.waitForMessage(next, /\/account\/contact\/confirm\?token=/)

  // Not changed until the link is opened.
  await page.goto('/account')
  await expect(page.getByText(p.email!)).toBeVisible()

  await page.goto(verify.url!)
  await expect(page.getByText('メールアドレスを変更しました。')).toBeVisible()
  await server.waitForMessage(p.email!, /変更/)
  await page.goto('/account')
  await expect(page.getByText(next)).toBeVisible()
  // The new address is the login id now (from a browser that is not logged in).
  await page.context().clearCookies()
  await login(page, next, p.password)
  await expect(page).toHaveURL(/\/account$/)
})

test('change password: history refused, other sessions end, this one stays', async ({ page, server, browser }) => {
  const p = person()
  createAccount(server, p)
  const other = await browser.newContext({ baseURL: server.url })
  const otherPage = await other.newPage()
  await login(otherPage, p.email!, p.password)
  await expect(otherPage).toHaveURL(/\/account$/)

  await login(page, p.email!, p.password)
  await expect(page.getByRole('heading', { name: 'アカウント情報', exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'パスワードを変更する' }).or(page.getByRole('link', { name: 'パスワードを変更する' })).click()
  await page.getByLabel('現在のパスワード').fill(p.password)
  await page.getByLabel('新しいパスワード', { exact: true }).fill(p.password)
  await page.getByLabel('新しいパスワード(確認のため再入力してください)').fill(p.password)
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByRole('alert')).toContainText('過去に設定したことがあるパスワードは使用できません')
  await expect(page.getByLabel('新しいパスワード', { exact: true })).toHaveAttribute('aria-invalid', 'true')

  await page.getByLabel('新しいパスワード', { exact: true }).fill('Second#Pass22')
  await page.getByLabel('新しいパスワード(確認のため再入力してください)').fill('Second#Pass22')
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'パスワードを変更しました。' })).toBeVisible()

  await otherPage.reload()
  await expect(otherPage).toHaveURL(/\/login/)
  await other.close()
  await page.reload()
  await expect(page).toHaveURL(/\/account$/)
})

test('アカウント管理 lists the signed-in devices in words and ends the others', async ({ page, server, browser }) => {
  const p = person()
  createAccount(server, p)
  const other = await browser.newContext({ baseURL: server.url })
  const otherPage = await other.newPage()
  await login(otherPage, p.email!, p.password)
  await expect(otherPage).toHaveURL(/\/account$/)

  await login(page, p.email!, p.password)
  await page.getByRole('link', { name: 'アカウント管理へ戻る' }).click()
  await expect(page.getByRole('heading', { name: 'アカウント管理' })).toBeVisible()
  await page.getByRole('link', { name: 'ログイン中の端末' }).click()
  await expect(page.getByText('この端末')).toBeVisible()
  // Each device is named in words first, its address last.
  const first = page.locator('.session').first()
  await expect(first.locator('p').first()).toHaveText(/Linux|Windows|macOS|Android|iPhone|不明な端末/)
  await expect(first.locator('p').last()).toContainText('IPアドレス')
  await expect(page.getByRole('button', { name: /ログアウトさせる/ })).toHaveCount(1)
  await page.getByRole('button', { name: '他の端末をすべてログアウト' }).click()
  await expect(page.getByRole('button', { name: /ログアウトさせる/ })).toHaveCount(0)
  await otherPage.reload()
  await expect(otherPage).toHaveURL(/\/login/)
  await other.close()
})
