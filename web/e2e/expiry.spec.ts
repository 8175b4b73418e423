import { createAccount, expect, person, test } from './fixtures'
import { execFileSync } from 'node:child_process'
import path from 'node:path'

// 24-hour links (SPEC 2, 6, 9). Time is moved by ageing the stored link with sqlite3, the way
// a day passing would leave it; the C++ tests cover the same rule with a ManualClock.

function age(dataDir: string, sql: string) {
  execFileSync('sqlite3', [path.join(dataDir, 'carelive.db'), sql])
}

test('an expired sign-up link says so and offers to start again', async ({ page, server, request }) => {
  const p = person()
  const session = await request.get('/api/v1/session')
  const csrf = session.headers()['set-cookie']!.match(/carelive_csrf=([^;]+)/)![1]
  const res = await request.post('/api/v1/signup', {
    headers: { 'X-CSRF-Token': csrf },
    data: {
      family_name: p.familyName, given_name: p.givenName, family_name_kana: p.familyKana,
      given_name_kana: p.givenKana, contact_kind: 'email', email: p.email, email_confirm: p.email,
      password: p.password, password_confirm: p.password,
    },
  })
  expect(res.status()).toBe(202)
  const message = await server.waitForMessage(p.email!, '仮登録')
  age(server.data, `UPDATE signups SET expires_at = created_at - 1 WHERE login_id = '${p.email}'`)
  await page.goto(message.url!)
  await expect(page.getByText('24時間').first()).toBeVisible()
  await expect(page.getByText('CareLive Passの登録が完了しました。')).toHaveCount(0)
  await page.getByRole('link', { name: 'CareLive Passの新規作成' }).or(page.getByRole('button', { name: 'CareLive Passの新規作成' })).first().click()
  await expect(page).toHaveURL(/\/signup/)
})

test('an expired reset link says so and offers a new one', async ({ page, server }) => {
  const p = person()
  createAccount(server, p)
  await page.goto('/password/forgot')
  await page.getByLabel('メールアドレス または 携帯電話番号').fill(p.email!)
  await page.getByRole('button', { name: '送信' }).click()
  const message = await server.waitForMessage(p.email!, 'パスワードの再設定を受け付けました')
  age(server.data, `UPDATE account_tokens SET expires_at = created_at - 1 WHERE purpose = 'password_reset'`)
  await page.goto(message.url!)
  await expect(page.getByText('24時間').first()).toBeVisible()
  await expect(page.getByRole('button', { name: '再設定', exact: true })).toHaveCount(0)
})
