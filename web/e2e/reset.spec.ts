import { createAccount, expect, login, person, test } from './fixtures'

// SPEC 6 (manual 1-⑤): reset by link, 24 hours, single use, history refused, sessions end.

test('reset a forgotten password through the emailed link', async ({ page, server, browser }) => {
  const p = person({ familyName: '仮登録', givenName: '選手' })
  createAccount(server, p)

  // A session elsewhere that the reset must end.
  const other = await browser.newContext({ baseURL: server.url })
  const otherPage = await other.newPage()
  await login(otherPage, p.email!, p.password)
  await expect(otherPage).toHaveURL(/\/account$/)

  await page.goto('/login')
  await page.getByRole('link', { name: 'パスワードを忘れた方はこちら' }).click()
  await expect(page.getByRole('heading', { name: 'パスワードの再設定' })).toBeVisible()
  await page.getByLabel('メールアドレス または 携帯電話番号').fill(p.email!.toUpperCase())
  await page.getByRole('button', { name: '送信' }).click()
  await expect(page.getByText('メールまたはSMSにメッセージを送信しました。')).toBeVisible()

  const message = await server.waitForMessage(p.email!, 'パスワードの再設定を受け付けました')
  expect(message.subject).toBe('【CareLive Pass】パスワードの再設定を受け付けました')
  await page.goto(message.url!)
  await expect(page.getByText('仮登録 選手')).toBeVisible()
  await expect(page.getByText(p.email!)).toBeVisible()

  // The current password was used before: refused, with the manual's words.
  await page.getByLabel('パスワード', { exact: true }).fill(p.password)
  await page.getByLabel('パスワード(確認のため再入力してください)').fill(p.password)
  await page.getByRole('button', { name: '再設定', exact: true }).click()
  await expect(page.getByRole('alert')).toContainText('過去に設定したことがあるパスワードは使用できません')
  await expect(page.getByLabel('パスワード', { exact: true })).toHaveAttribute('aria-invalid', 'true')

  await page.getByLabel('パスワード', { exact: true }).fill('Brand#New2026')
  await page.getByLabel('パスワード(確認のため再入力してください)').fill('Brand#New2026')
  await page.getByRole('button', { name: '再設定', exact: true }).click()
  await expect(page.getByText('パスワードの再設定が完了しました。')).toBeVisible()

  // The link works once.
  await page.goto(message.url!)
  await expect(page.getByRole('button', { name: '再設定', exact: true })).toHaveCount(0)
  await expect(page.getByText('すでに').first()).toBeVisible()

  // The other session ended.
  await otherPage.reload()
  await expect(otherPage).toHaveURL(/\/login/)
  await other.close()

  await login(page, p.email!, p.password)
  await expect(page.getByRole('alert')).toContainText('正しくありません')
  await login(page, p.email!, 'Brand#New2026')
  await expect(page).toHaveURL(/\/account$/)
})

test('an unknown login id gets the same answer and no message is sent', async ({ page, server }) => {
  const before = server.messages().length
  await page.goto('/password/forgot')
  await page.getByLabel('メールアドレス または 携帯電話番号').fill('no.such.person@example.jp')
  await page.getByRole('button', { name: '送信' }).click()
  await expect(page.getByText('メールまたはSMSにメッセージを送信しました。')).toBeVisible()
  await page.waitForTimeout(300)
  expect(server.messages('no.such.person@example.jp')).toHaveLength(0)
  expect(server.messages().length).toBeGreaterThanOrEqual(before)
})
