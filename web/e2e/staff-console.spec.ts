import AxeBuilder from '@axe-core/playwright'
import type { Browser, Page } from '@playwright/test'
import { createAccount, expect, login, person, staffMenu, test, uniqueEmail, type Server } from './fixtures'

// SPEC 10 and 1.3: the staff console through the real server and outbox — a family member
// applies through the invite, staff see the count on 「利用申請」, approve, and the approval
// message with the login URL arrives; the QR code, print view, re-issue/stop, linked people,
// and staff management. Phone size (390×844) and desktop (1280×800); axe-core on every page.

async function axe(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([])
}

interface World {
  code: string
  resident: string
  staffEmail: string
}

let n = 0
// A facility of its own per test, with a resident and a facility admin who has a password.
function world(server: Server): World {
  const code = `fac${process.pid}x${Date.now() % 100000}x${n++}`
  server.admin(['facility', 'add', '--code', code, '--name', 'ふじ園', '--kind', '老人保健施設（施設サービス版）'])
  const out = server.admin(['resident', 'add', '--facility', code, '--family-name', '駿河', '--given-name', '市子',
    '--family-name-kana', 'するが', '--given-name-kana', 'いちこ'])
  const resident = out.match(/\d+/g)!.pop()!
  const staffEmail = uniqueEmail('staff')
  server.admin(['staff', 'add', '--facility', code, '--family-name', '富士', '--given-name', '職員', '--family-name-kana', 'ふじ',
    '--given-name-kana', 'しょくいん', '--login-id', staffEmail, '--admin', '--password-stdin'], 'Staff#Fuji2026\n')
  return { code, resident, staffEmail }
}

// A family member with a Pass applies through the invite URL (the API the invite page uses).
async function familyApplies(browser: Browser, server: Server, w: World, kind = 'family'): Promise<string> {
  const p = person({ familyName: '駿河', givenName: '花子', familyKana: 'するが', givenKana: 'はなこ' })
  createAccount(server, p)
  const url = server.admin(['invite', '--facility', w.code, '--resident', w.resident]).trim().split('\n').pop()!
  const token = new URL(url).searchParams.get('token')!
  const context = await browser.newContext({ baseURL: server.url })
  const page = await context.newPage()
  await login(page, p.email!, p.password)
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  const status = await page.evaluate(
    async ({ token, kind }) => {
      const csrf = document.cookie.match(/carelive_csrf=([^;]+)/)?.[1] ?? ''
      const res = await fetch(`/api/v1/invites/${token}/apply`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) },
        body: JSON.stringify({ kind }),
      })
      return res.status
    },
    { token, kind },
  )
  expect(status).toBe(200)
  await context.close()
  return p.email!
}

test('staff approve an application at phone size and the applicant gets the login URL', async ({ page, server, browser }) => {
  const w = world(server)
  const applicant = await familyApplies(browser, server, w)
  await server.waitForMessage(w.staffEmail, '新しい利用申請')

  await login(page, w.staffEmail, 'Staff#Fuji2026')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.goto('/staff')
  await expect(page.getByRole('heading', { name: '利用者', level: 1 })).toBeVisible()
  // On a phone the menu is one button with the counts on it, so the page starts on the first screen.
  const toggle = page.locator('.console-menu-toggle')
  await expect(toggle).toHaveAccessibleName(/^メニュー：利用者/)
  await expect(toggle).toContainText('利用申請 1')
  await expect(page.getByRole('heading', { name: '利用者', level: 1 })).toBeInViewport()
  const menu = await staffMenu(page)
  await expect(menu.getByRole('link', { name: /利用申請\s*1/ })).toBeVisible()
  await expect(menu.getByRole('link', { name: '職員' })).toBeVisible()
  await expect(page.getByRole('link', { name: /駿河 市子 様/ })).toContainText('利用申請 1件')
  await axe(page)
  await page.screenshot({ path: 'test-results/staff-residents-phone.png', fullPage: true })

  await menu.getByRole('link', { name: /利用申請/ }).click()
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByRole('heading', { name: '駿河 花子' })).toBeVisible()
  await expect(page.getByText('家族・親族')).toBeVisible()
  // Enough to check who it is (SPEC 14): furigana and the login id, masked.
  await expect(page.getByRole('heading', { name: '駿河 花子' })).toContainText('（するが はなこ）')
  const [local, domain] = applicant.split('@')
  await expect(page.locator('.applicant-contact')).toHaveText(`${local!.slice(0, 2)}****@${domain}`)
  await axe(page)
  await page.screenshot({ path: 'test-results/staff-applications-phone.png', fullPage: true })
  await page.getByRole('button', { name: '駿河 花子 さんの利用申請を承認' }).click()
  const dialog = page.getByRole('dialog', { name: '駿河 花子 さんの駿河 市子様への利用申請を承認しますか？' })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: '承認' }).click()
  await expect(page.getByRole('status')).toContainText('駿河 花子 さんの利用申請を承認しました。')
  await expect(page.getByText('未処理の利用申請はありません。')).toBeVisible()
  await expect((await staffMenu(page)).getByRole('link', { name: '利用申請', exact: true })).toBeVisible()

  const message = await server.waitForMessage(applicant, '利用申請が承認されました')
  expect(message.subject).toBe('【CareLive】利用申請が承認されました')
  expect(message.body).toContain(`${server.url}/login`)
  expect(message.body).toContain('への利用申請（駿河市子様）が承認されました。')

  // The resident: the QR code, the approved person, the print view.
  await (await staffMenu(page)).getByRole('link', { name: '利用者' }).click()
  await page.getByRole('link', { name: /駿河 市子 様/ }).click()
  await expect(page.getByRole('img', { name: '駿河 市子 様の利用申請用二次元コード' })).toBeVisible()
  await expect(page.locator('.qr svg path')).toHaveCount(1)
  await expect(page.getByText('駿河 花子')).toBeVisible()
  await expect(page.getByText('家族・親族 ・ 続柄：未登録')).toBeVisible()
  await axe(page)
  await page.screenshot({ path: 'test-results/staff-resident-phone.png', fullPage: true })
  const url = (await page.locator('.qr__url').textContent())!.trim()
  expect(url).toMatch(new RegExp(`^${server.url}/apply\\?token=`))

  await page.getByRole('link', { name: '印刷用の画面を開く' }).click()
  await expect(page.getByRole('heading', { name: 'CareLive 利用申請のご案内' })).toBeVisible()
  await expect(page.getByText('ふじ園')).toBeVisible()
  await expect(page.getByText('駿河 市子 様')).toBeVisible()
  await expect(page.getByText(url)).toBeVisible()
  await axe(page)
  await page.screenshot({ path: 'test-results/staff-print-phone.png', fullPage: true })
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByRole('button', { name: '印刷する' })).toBeHidden()
  await page.emulateMedia({ media: 'screen' })
  await page.getByRole('link', { name: '戻る' }).click()

  // Removing the link (confirm) ends it.
  await page.getByRole('button', { name: '駿河 花子 さんを削除' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click()
  await expect(page.getByText('承認済みの方はまだいません。')).toBeVisible()
})

test('staff reject, re-issue and stop the QR code, and manage staff at desktop size', async ({ page, server, browser }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  const w = world(server)
  const applicant = await familyApplies(browser, server, w, 'care_worker')

  await login(page, w.staffEmail, 'Staff#Fuji2026')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.goto('/staff')
  await (await staffMenu(page)).getByRole('link', { name: /利用申請/ }).click()
  await expect(page.getByText('ケア担当者')).toBeVisible()
  await page.getByRole('button', { name: '駿河 花子 さんの利用申請を却下' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '却下' }).click()
  await expect(page.getByRole('status')).toContainText('却下しました')
  const rejected = await server.waitForMessage(applicant, '承認されませんでした')
  expect(rejected.body).toContain('ふじ園への利用申請は承認されませんでした')

  // Residents: list and details side by side.
  await page.getByRole('link', { name: '利用者', exact: true }).click()
  await page.getByRole('button', { name: '利用者を追加' }).click()
  await page.getByLabel('姓', { exact: true }).fill('駿河')
  await page.getByLabel('名', { exact: true }).fill('秋男')
  await page.getByLabel('姓(ふりがな)').fill('スルガ')
  await page.getByLabel('名(ふりがな)').fill('あきお')
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByRole('status')).toContainText('駿河 秋男 様を追加しました。')
  await expect(page.getByRole('heading', { name: '駿河 秋男 様', level: 2 })).toBeVisible()
  await expect(page.getByRole('link', { name: /駿河 市子 様/ })).toBeVisible()
  await expect(page.getByText('するが あきお')).toBeVisible()
  await axe(page)
  await page.screenshot({ path: 'test-results/staff-residents-desktop.png', fullPage: true })

  const first = (await page.locator('.qr__url').textContent())!.trim()
  await page.getByRole('button', { name: '再発行' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click()
  await expect(page.getByRole('status')).toContainText('再発行しました')
  await expect(page.locator('.qr__url')).not.toHaveText(first)
  const oldToken = new URL(first).searchParams.get('token')
  expect((await page.request.get(`/api/v1/invites/${oldToken}`)).status()).toBe(404)

  await page.getByRole('button', { name: '停止' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click()
  await expect(page.getByText('二次元コードは停止中です。')).toBeVisible()
  await page.reload()
  await expect(page.getByText('二次元コードは停止中です。')).toBeVisible()

  await page.getByRole('button', { name: '退所' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click()
  await expect(page.getByText('退所済みです。')).toBeVisible()

  // Staff: adding invites. A new login id and one that already has a Pass (staff elsewhere,
  // under another name) get the same answer, and the list shows only what was typed.
  await page.getByRole('link', { name: '職員', exact: true }).click()
  await expect(page.getByRole('button', { name: /富士 職員 さんを職員から削除/ })).toHaveCount(0)
  const newcomer = uniqueEmail('newstaff')
  const elsewhere = world(server).staffEmail
  for (const [family, given, loginId] of [['新人', '職員', newcomer], ['別名', '花子', elsewhere]]) {
    await page.getByRole('button', { name: '職員を追加' }).click()
    await page.getByLabel('姓', { exact: true }).fill(family!)
    await page.getByLabel('名', { exact: true }).fill(given!)
    await page.getByLabel('姓(ふりがな)').fill('しんじん')
    await page.getByLabel('名(ふりがな)').fill('しょくいん')
    await page.getByLabel('メールアドレス または 携帯電話番号').fill(loginId!)
    await page.getByRole('button', { name: '登録' }).click()
    await expect(page.getByRole('status')).toHaveText(`${family} ${given} さんに招待をお送りしました。ご本人が承諾すると職員の一覧に加わります。`)
  }
  const invited = page.getByRole('listitem').filter({ hasText: '承諾待ち' })
  await expect(invited).toHaveCount(2)
  await expect(invited.filter({ hasText: elsewhere })).toContainText('別名 花子')
  await expect(page.getByRole('button', { name: /新人 職員 さんを職員から削除/ })).toHaveCount(0)
  await axe(page)
  await page.screenshot({ path: 'test-results/staff-members-desktop.png', fullPage: true })

  // The new one accepts by setting a password through the welcome link.
  const welcome = await server.waitForMessage(newcomer, '/password/reset?token=')
  const newPage = await (await browser.newContext({ baseURL: server.url })).newPage()
  await newPage.goto(welcome.url!)
  await newPage.getByLabel('パスワード', { exact: true }).fill('Newbie#Fuji2026')
  await newPage.getByLabel('パスワード(確認のため再入力してください)').fill('Newbie#Fuji2026')
  await newPage.getByRole('button', { name: '再設定', exact: true }).click()
  await expect(newPage.getByText('パスワードの再設定が完了しました。')).toBeVisible()
  await newPage.context().close()

  // The existing Pass accepts from its message, at phone size, after logging in.
  const invitation = await server.waitForMessage(elsewhere, '/staff/invitation?token=')
  expect(invitation.subject).toContain('職員としての招待が届きました')
  const phone = await (await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 } })).newPage()
  await phone.goto(invitation.url!)
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('ふじ園から職員としての招待が届いています')
  await phone.getByRole('button', { name: 'ログインして承諾する' }).click()
  await phone.getByLabel('メールアドレス または 携帯電話番号').fill(elsewhere)
  await phone.getByLabel('パスワード', { exact: true }).fill('Staff#Fuji2026')
  await phone.getByRole('button', { name: 'ログイン' }).click()
  await expect(phone.getByRole('button', { name: '承諾する' })).toBeVisible()
  await expect(phone.getByText(elsewhere)).toBeVisible()
  await axe(phone)
  await phone.screenshot({ path: 'test-results/staff-invitation-phone.png', fullPage: true })
  await phone.getByRole('button', { name: '承諾する' }).click()
  await phone.waitForURL(/\/staff\/\d+\/residents/)
  await expect(phone.getByText('駿河 市子').first()).toBeVisible()
  // The link works once.
  await phone.goto(invitation.url!)
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('この招待はすでに承諾されています')
  await phone.context().close()

  // Both are staff now, listed under their own names with the login id the admin typed.
  await page.reload()
  await expect(page.getByRole('listitem').filter({ hasText: '承諾待ち' })).toHaveCount(0)
  await expect(page.getByRole('listitem').filter({ hasText: elsewhere })).toContainText('富士 職員')
  await page.getByRole('button', { name: '新人 職員 さんを職員から削除' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '削除' }).click()
  await expect(page.getByRole('status')).toContainText('新人 職員 さんを職員から削除しました。')
})

test('an invitation can be declined without logging in, and withdrawn by the admin', async ({ page, server, browser }) => {
  const w = world(server)
  const other = world(server).staffEmail
  await login(page, w.staffEmail, 'Staff#Fuji2026')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.goto('/staff')
  await (await staffMenu(page)).getByRole('link', { name: '職員', exact: true }).click()
  for (const loginId of [other, uniqueEmail('later')]) {
    await page.getByRole('button', { name: '職員を追加' }).click()
    await page.getByLabel('姓', { exact: true }).fill('招待')
    await page.getByLabel('名', { exact: true }).fill(loginId === other ? '一郎' : '二郎')
    await page.getByLabel('姓(ふりがな)').fill('しょうたい')
    await page.getByLabel('名(ふりがな)').fill('いちろう')
    await page.getByLabel('メールアドレス または 携帯電話番号').fill(loginId)
    await page.getByRole('button', { name: '登録' }).click()
    await expect(page.getByRole('status')).toContainText('招待をお送りしました')
  }

  const message = await server.waitForMessage(other, '/staff/invitation?token=')
  const stranger = await (await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 } })).newPage()
  await stranger.goto(message.url!)
  await stranger.getByRole('button', { name: '辞退する' }).click()
  await stranger.getByRole('dialog').getByRole('button', { name: '辞退する' }).click()
  await expect(stranger.getByRole('heading', { level: 1 })).toHaveText('招待を辞退しました')
  await stranger.context().close()

  await page.reload()
  await expect(page.getByRole('listitem').filter({ hasText: '招待 一郎' })).toContainText('辞退')
  await axe(page)
  await page.screenshot({ path: 'test-results/staff-members-invitations-phone.png', fullPage: true })
  await page.getByRole('button', { name: '招待 二郎 さんへの招待を取り消す' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '取り消す' }).click()
  await expect(page.getByRole('status')).toContainText('招待 二郎 さんへの招待を取り消しました。')
  await expect(page.getByRole('listitem').filter({ hasText: '招待 二郎' })).toHaveCount(0)
})

test('staff of another facility and families are refused by the server', async ({ page, server, browser }) => {
  const x = world(server)
  const y = world(server)
  await familyApplies(browser, server, x)
  await login(page, y.staffEmail, 'Staff#Fuji2026')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  const answers = await page.evaluate(async () => {
    const list = await (await fetch('/api/v1/staff/facilities')).json()
    return { list }
  })
  expect(answers.list.facilities).toHaveLength(1)
  const own = answers.list.facilities[0].id as number
  const other = await page.evaluate(async (own) => {
    // Facility ids are consecutive in this test: X was made just before Y.
    const x = own - 1
    const csrf = decodeURIComponent(document.cookie.match(/carelive_csrf=([^;]+)/)?.[1] ?? '')
    const get = async (p: string) => (await fetch(`/api/v1/staff/facilities/${x}${p}`)).status
    const post = async (p: string) =>
      (await fetch(`/api/v1/staff/facilities/${x}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: '{}' })).status
    return [await get(''), await get('/residents'), await get('/applications'), await get('/staff'), await post('/applications/1/approve'), await post('/residents')]
  }, own)
  expect(other).toEqual([403, 403, 403, 403, 403, 403])
  await page.goto(`/staff/${own - 1}/residents`)
  await expect(page.getByRole('alert')).toContainText('権限がありません')
  expect((await page.request.get('/api/v1/operator/facilities')).status()).toBe(403)
})
