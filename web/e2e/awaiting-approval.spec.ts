import AxeBuilder from '@axe-core/playwright'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from '@playwright/test'
import { expect, login, person, staffMenu, test, uniqueEmail, type Server } from './fixtures'

// SPEC 14 (issue 12, points 1 and 2): from the facility's QR code to approval as a 75-year-old
// meets it — 「Passの新規作成」 first on the application page, the address the message went to
// with 「戻る」 to correct a typo, 「<facility>の承認をお待ちください」 on 「Pass登録完了」 and after
// login instead of an empty account page, a refused application said so, and 続柄 that says
// whose relation to whom. At 390×844, axe-core on each new screen.

const shots = 'test-results/screens'
const STAFF_PASSWORD = 'Staff#Fuji2026'
let seq = 0

interface World {
  code: string
  resident: number
  staff: string
}

function world(server: Server): World {
  const code = `wait${process.pid % 1000}${Date.now() % 100000}${seq++}`
  server.admin(['facility', 'add', '--code', code, '--name', 'ふじ園', '--kind', '老人保健施設'])
  const staff = uniqueEmail('staff')
  server.admin(
    ['staff', 'add', '--facility', code, '--family-name', '富士', '--given-name', '職員', '--family-name-kana', 'ふじ',
      '--given-name-kana', 'しょくいん', '--login-id', staff, '--password-stdin'],
    `${STAFF_PASSWORD}\n`,
  )
  const out = server.admin(['resident', 'add', '--facility', code, '--family-name', '駿河', '--given-name', '市子',
    '--family-name-kana', 'するが', '--given-name-kana', 'いちこ'])
  const terms = path.join(server.data, `terms-${seq++}.txt`)
  writeFileSync(terms, '第1条 本規約は CareLive の利用について定めます。')
  server.admin(['terms', 'publish', '--file', terms])
  return { code, resident: Number(out.trim().split('\n').pop()), staff }
}

function invitePath(server: Server, w: World): string {
  const url = server.admin(['invite', '--facility', w.code, '--resident', String(w.resident)]).trim().split('\n').pop()!
  return '/apply?token=' + new URL(url).searchParams.get('token')
}

async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: `${shots}/awaiting-${name}.png`, fullPage: true })
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([])
}

/** Staff decide in the console: 「承認」 or 「却下」 of `name`'s application. */
async function decide(browser: Browser, server: Server, w: World, name: string, action: '承認' | '却下'): Promise<void> {
  const context = await browser.newContext({ baseURL: server.url })
  const staff = await context.newPage()
  await login(staff, w.staff, STAFF_PASSWORD)
  await staff.waitForURL((u) => u.pathname.startsWith('/staff/'))
  await (await staffMenu(staff)).getByRole('link', { name: /利用申請/ }).click()
  await staff.getByRole('button', { name: `${name} さんの利用申請を${action}` }).click()
  await staff.getByRole('dialog').getByRole('button', { name: action }).click()
  await expect(staff.getByRole('status')).toContainText(`${action}しました`)
  await context.close()
}

test('from the QR code to approval: new Pass first, the address with 「戻る」, 「ふじ園の承認をお待ちください」, a refusal said, 続柄 whose to whom', async ({ page, server, browser }) => {
  test.slow()
  const w = world(server)
  const p = person()
  const typo = p.email!.replace('@', 'x@')

  // The application page: 「Passの新規作成」 comes first, on the first screen.
  await page.goto(invitePath(server, w))
  const newPass = page.getByRole('button', { name: 'CareLive Passの新規作成' })
  await expect(newPass).toBeInViewport()
  const loginField = page.getByLabel('メールアドレス または 携帯電話番号')
  expect((await newPass.boundingBox())!.y).toBeLessThan((await loginField.boundingBox())!.y)
  const box = (await newPass.boundingBox())!
  expect(box.y + box.height).toBeLessThanOrEqual(844)
  await check(page, '01-apply')
  await page.getByRole('radio', { name: '家族・親族' }).check()
  await newPass.click()

  // A typo in the address: the sent screen shows it, and 「戻る」 keeps everything else.
  await page.getByLabel('姓', { exact: true }).fill(p.familyName)
  await page.getByLabel('名', { exact: true }).fill(p.givenName)
  await page.getByLabel('姓(ふりがな)').fill(p.familyKana)
  await page.getByLabel('名(ふりがな)').fill(p.givenKana)
  await page.getByRole('radio', { name: 'メールアドレス' }).check()
  await page.getByRole('textbox', { name: 'メールアドレス', exact: true }).fill(typo)
  await page.getByLabel('メールアドレス(確認のため再入力してください)').fill(typo)
  await page.getByLabel('パスワード', { exact: true }).fill(p.password)
  await page.getByLabel('パスワード(確認のため再入力してください)').fill(p.password)
  await page.getByRole('button', { name: '次へ' }).click()
  await page.getByRole('button', { name: '仮登録' }).click()
  await expect(page.getByRole('heading', { name: 'まだ登録は完了していません' })).toBeVisible()
  await expect(page.locator('.sent-to')).toContainText('送信先のメールアドレス')
  await expect(page.locator('.sent-to')).toContainText(typo)
  await check(page, '02-sent-to')
  await page.getByRole('button', { name: '戻る' }).click()
  await expect(page.getByLabel('姓', { exact: true })).toHaveValue(p.familyName)
  await page.getByRole('textbox', { name: 'メールアドレス', exact: true }).fill(p.email!)
  await page.getByLabel('メールアドレス(確認のため再入力してください)').fill(p.email!)
  await page.getByLabel('パスワード', { exact: true }).fill(p.password)
  await page.getByLabel('パスワード(確認のため再入力してください)').fill(p.password)
  await page.getByRole('button', { name: '次へ' }).click()
  await page.getByRole('button', { name: '仮登録' }).click()
  await expect(page.locator('.sent-to')).toContainText(p.email!)

  // 「Pass登録完了」 says the application went in and whose approval comes next.
  const provisional = await server.waitForMessage(p.email!, '仮登録')
  await page.goto(provisional.url!)
  await expect(page.getByRole('heading', { name: 'CareLive Pass登録完了' })).toBeVisible()
  await expect(page.getByText('これでCareLiveの利用申請は完了です。')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'ふじ園の承認をお待ちください' })).toBeVisible()
  await expect(page.getByText('駿河市子様')).toBeVisible()
  await check(page, '03-pass-done')

  // Logging in before the approval: the same sentence, what was applied for, what comes next.
  await page.goto('/login')
  await login(page, p.email!, p.password)
  await expect(page.getByRole('heading', { name: 'ふじ園の承認をお待ちください', level: 1 })).toBeVisible()
  const application = page.locator('.awaiting__application')
  await expect(application).toContainText('駿河市子様')
  await expect(application).toContainText('家族・親族')
  await expect(page.getByRole('heading', { name: 'このあとの流れ' })).toBeVisible()
  await check(page, '04-awaiting')
  await page.goto('/live')
  await expect(page.getByRole('heading', { name: 'ふじ園の承認をお待ちください' })).toBeVisible()
  await expect(page).toHaveURL(/\/live$/)

  // The facility refuses: the page says so.
  await decide(browser, server, w, `${p.familyName} ${p.givenName}`, '却下')
  await page.reload()
  await expect(page.getByRole('heading', { name: '利用申請は承認されませんでした', level: 1 })).toBeVisible()
  await expect(page.getByText('ふじ園への利用申請（駿河市子様）は承認されませんでした。')).toBeVisible()
  await check(page, '05-rejected')

  // Applied again with the same Pass and approved: terms, then 続柄 whose relation to whom.
  await page.goto(invitePath(server, w))
  await page.getByRole('radio', { name: '家族・親族' }).check()
  await page.getByRole('button', { name: 'このCareLive Passで利用申請する' }).click()
  await expect(page.getByRole('heading', { name: '利用申請を受け付けました' })).toBeVisible()
  await page.goto('/live')
  await expect(page.getByRole('heading', { name: 'ふじ園の承認をお待ちください' })).toBeVisible()
  await decide(browser, server, w, `${p.familyName} ${p.givenName}`, '承認')
  await page.goto('/live')
  await page.getByRole('button', { name: 'CareLive利用規約' }).click()
  await page.getByRole('button', { name: '同意する' }).click()
  const relation = page.getByLabel('駿河市子様から見たあなたの続柄')
  await expect(relation).toBeVisible()
  await relation.selectOption('子')
  await page.getByRole('button', { name: '次へ' }).click()
  await expect(page.locator('.facts')).toContainText('駿河市子様から見たあなたの続柄')
  await check(page, '06-relationship-confirm')
})
