import AxeBuilder from '@axe-core/playwright'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from '@playwright/test'
import { createAccount, expect, login, person, staffMenu, test, uniqueEmail, type Person, type Server } from './fixtures'

// The manual's STEP.1–3 from the family / care-worker side (SPEC 1, 3, 4, 5, 8): the invite page,
// a new or an existing Pass, approval, terms, relationship, home, announcements — through the
// real server and its outbox, at 390×844, with axe-core on every new screen.

let seq = 0

interface World {
  code: string
  residents: Record<string, number>
  staff: string
}

/** A facility like the manual's livetest01 ふじ園, with residents, staff, terms and a notice. */
function world(server: Server, residents = ['駿河 市子 するが いちこ']): World {
  const code = `live${process.pid % 1000}${Date.now() % 100000}${seq++}`
  server.admin(['facility', 'add', '--code', code, '--name', 'ふじ園', '--kind', '老人保健施設（施設サービス版）'])
  const staff = uniqueEmail('staff')
  server.admin(
    ['staff', 'add', '--facility', code, '--family-name', '富士', '--given-name', '職員', '--family-name-kana', 'ふじ',
      '--given-name-kana', 'しょくいん', '--login-id', staff, '--password-stdin'],
    'Staff#Fuji2026\n',
  )
  const ids: Record<string, number> = {}
  for (const r of residents) {
    const [family, given, fk, gk] = r.split(' ')
    const out = server.admin(['resident', 'add', '--facility', code, '--family-name', family!, '--given-name', given!,
      '--family-name-kana', fk!, '--given-name-kana', gk!])
    ids[family! + given!] = Number(out.trim().split('\n').pop())
  }
  return { code, residents: ids, staff }
}

function publish(server: Server, kind: 'terms' | 'announcement', text: string, title = ''): void {
  const file = path.join(server.data, `${kind}-${seq++}.txt`)
  writeFileSync(file, text)
  if (kind === 'terms') server.admin(['terms', 'publish', '--file', file])
  else server.admin(['announcement', 'add', '--title', title, '--body-file', file])
}

function invitePath(server: Server, w: World, resident: string): string {
  const url = server.admin(['invite', '--facility', w.code, '--resident', String(w.residents[resident])]).trim().split('\n').pop()!
  return '/apply?token=' + new URL(url).searchParams.get('token')
}

/** The other window of the manual's STEP.1: staff log in, open 「利用申請」 and 「承認」; the
 *  applicant receives 【CareLive】利用申請が承認されました with the login URL. */
async function approveInConsole(browser: Browser, server: Server, w: World, name: string, applicant: string) {
  const context = await browser.newContext({ baseURL: server.url })
  const staff = await context.newPage()
  await login(staff, w.staff, 'Staff#Fuji2026')
  await staff.waitForURL((u) => u.pathname.startsWith('/staff/'))
  await (await staffMenu(staff)).getByRole('link', { name: /利用申請/ }).click()
  await staff.getByRole('button', { name: `${name} さんの利用申請を承認` }).click()
  await staff.getByRole('dialog').getByRole('button', { name: '承認' }).click()
  await expect(staff.getByRole('status')).toContainText(`${name} さんの利用申請を承認しました。`)
  await context.close()
  const message = await server.waitForMessage(applicant, '利用申請が承認されました')
  expect(message.subject).toBe('【CareLive】利用申請が承認されました')
  expect(message.url).toBe(`${server.url}/login`)
  return message
}

/** Approval for set-ups with many applications at once (the console path is tested above). */
function approve(server: Server, loginId: string): void {
  const now = Math.floor(Date.now() / 1000)
  const who = `(SELECT id FROM accounts WHERE email = '${loginId}')`
  execFileSync('sqlite3', ['-cmd', '.timeout 10000', path.join(server.data, 'carelive.db'),
    `INSERT INTO links (resident_id, account_id, kind, created_at, updated_at)
       SELECT resident_id, account_id, kind, ${now}, ${now} FROM applications
       WHERE account_id = ${who} AND status = 'pending';
     UPDATE applications SET status = 'approved', decided_at = ${now} WHERE account_id = ${who} AND status = 'pending';`])
}

async function check(page: Page, name: string, { fullPage = true } = {}) {
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: `test-results/screens/live-${name}.png`, fullPage })
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([])
}

async function agreeToTerms(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: '利用規約の確認' })).toBeVisible()
  await expect(page.getByRole('button', { name: '同意する' })).toBeDisabled()
  await page.getByRole('button', { name: 'CareLive利用規約' }).click()
  await page.getByRole('button', { name: '同意する' }).click()
}

test('STEP.1–3 as family with a new Pass: apply, sign up, approval, terms, relationship, home', async ({ page, server, browser }) => {
  const w = world(server)
  publish(server, 'terms', '第1条（定義）\n本規約は CareLive の利用について定めます。')
  publish(server, 'announcement', 'メンテナンスを行います。', 'メンテナンスのお知らせ')
  const p = person()

  // STEP.1: the QR code opens the application page naming facility and resident.
  await page.goto(invitePath(server, w, '駿河市子'))
  await expect(page.getByText('利用申請対象の利用者')).toBeVisible()
  await expect(page.getByText('駿河市子様')).toBeVisible()
  await expect(page.getByText('ふじ園')).toBeVisible()
  await check(page, '01-apply')
  await page.getByRole('radio', { name: '家族・親族' }).check()
  await page.getByRole('button', { name: 'CareLive Passの新規作成' }).click()

  await expect(page.getByRole('heading', { name: 'CareLive Passの新規作成' })).toBeVisible()
  await expect(page.getByText('本登録が完了すると、利用申請が事業所に送信されます。')).toBeVisible()
  await page.getByLabel('姓', { exact: true }).fill(p.familyName)
  await page.getByLabel('名', { exact: true }).fill(p.givenName)
  await page.getByLabel('姓(ふりがな)').fill(p.familyKana)
  await page.getByLabel('名(ふりがな)').fill(p.givenKana)
  await page.getByRole('radio', { name: 'メールアドレス' }).check()
  await page.getByRole('textbox', { name: 'メールアドレス', exact: true }).fill(p.email!)
  await page.getByLabel('メールアドレス(確認のため再入力してください)').fill(p.email!)
  await page.getByLabel('パスワード', { exact: true }).fill(p.password)
  await page.getByLabel('パスワード(確認のため再入力してください)').fill(p.password)
  await page.getByRole('button', { name: '次へ' }).click()
  await page.getByRole('button', { name: '仮登録' }).click()
  const provisional = await server.waitForMessage(p.email!, '仮登録')
  await page.goto(provisional.url!)
  await expect(page.getByText('CareLive Passの登録が完了しました。')).toBeVisible()

  // The confirmation submitted the application: the facility's staff are told.
  await server.waitForMessage(w.staff, '利用申請')
  const approved = await approveInConsole(browser, server, w, `${p.familyName} ${p.givenName}`, p.email!)

  // STEP.2: the login URL of the message → login → terms (nothing else of Live before consent).
  await page.goto(approved.url!)
  await page.getByLabel('メールアドレス または 携帯電話番号').fill(p.email!)
  await page.getByLabel('パスワード', { exact: true }).fill(p.password)
  await page.getByRole('button', { name: 'ログイン' }).click()
  await expect(page.getByRole('heading', { name: '利用規約の確認' })).toBeVisible()
  await expect(page.getByText('ご家族・ケア担当者向け')).toBeVisible()
  await expect(page.getByText('利用規約が更新されました。')).toHaveCount(0)
  await check(page, '02-terms')
  await expect(page.getByRole('button', { name: '同意する' })).toBeDisabled()
  await page.getByRole('button', { name: 'CareLive利用規約' }).click()
  await expect(page.getByText('本規約は CareLive の利用について定めます。')).toBeVisible()
  await check(page, '03-terms-open')
  await page.getByRole('button', { name: '同意する' }).click()

  // STEP.3: relationship.
  await expect(page.getByRole('heading', { name: '以下の情報を入力してください' })).toBeVisible()
  await expect(page.getByText('ログイン事業所')).toBeVisible()
  await expect(page.getByText(`【${w.code}】 老人保健施設（施設サービス版）`)).toBeVisible()
  await expect(page.getByText('駿河市子様との関係')).toBeVisible()
  await page.getByRole('button', { name: '次へ' }).click()
  await expect(page.getByRole('alert')).toContainText('続柄を選択してください。')
  await check(page, '04-relationship')
  await page.getByLabel('続柄').selectOption('子')
  await page.getByRole('button', { name: '次へ' }).click()
  await expect(page.getByRole('heading', { name: '以下の情報を確認してください' })).toBeVisible()
  await expect(page.getByText('子', { exact: true })).toBeVisible()
  await check(page, '05-relationship-confirm')
  await page.getByRole('button', { name: '登録' }).click()

  // Home: resident, facility and the menu; no switches with one facility and one resident.
  await expect(page.getByRole('heading', { name: '駿河市子様' })).toBeVisible()
  await expect(page.getByText('ふじ園')).toBeVisible()
  for (const item of ['ビデオ通話', '案内', 'アカウント管理', 'ログアウト']) {
    await expect(page.getByRole('navigation').getByText(item, { exact: false }).first()).toBeVisible()
  }
  await expect(page.getByText('事業所切り替え')).toHaveCount(0)
  await expect(page.getByText('利用者切り替え')).toHaveCount(0)
  await check(page, '06-home')

  // 案内: newest first, unread marked, detail marks it read.
  await page.getByRole('link', { name: /案内/ }).click()
  await expect(page.getByRole('heading', { name: '案内' })).toBeVisible()
  await expect(page.getByText('未読', { exact: true })).toBeVisible()
  await check(page, '07-announcements')
  await page.getByRole('link', { name: /メンテナンスのお知らせ/ }).click()
  await expect(page.getByText('メンテナンスを行います。')).toBeVisible()
  await check(page, '08-announcement')
  await page.getByRole('link', { name: '案内一覧へ戻る' }).click()
  await expect(page.getByRole('link', { name: /メンテナンスのお知らせ/ })).toBeVisible()
  await expect(page.getByText('未読', { exact: true })).toHaveCount(0)
  await page.getByRole('link', { name: 'ホームへ戻る' }).click()

  await page.getByRole('link', { name: 'ビデオ通話' }).click()
  await expect(page.getByText('事業所との予定時間にこの画面を開いてお待ちください。', { exact: false })).toBeVisible()
  await check(page, '09-call-waiting')
  await page.getByRole('link', { name: 'ホームへ戻る' }).click()

  // A later login goes straight home; logout asks for 「OK」.
  await page.getByRole('button', { name: 'ログアウト' }).click()
  await check(page, '10-logout-confirm', { fullPage: false })
  await page.getByRole('button', { name: 'OK' }).click()
  await expect(page).toHaveURL(/\/login$/)
  await login(page, p.email!, p.password)
  await expect(page.getByRole('heading', { name: '駿河市子様' })).toBeVisible()
})

test('STEP.1–3 as care worker with an existing Pass; relationship changed from account management', async ({ page, server, browser }) => {
  const w = world(server, ['駿河 秋男 するが あきお'])
  publish(server, 'terms', '第1条 ケア担当者向けの規約です。')
  const p: Person = person({ familyName: '居宅', givenName: '花子', familyKana: 'きょたく', givenKana: 'はなこ' })
  createAccount(server, p)
  const invite = invitePath(server, w, '駿河秋男')

  await page.goto(invite)
  await expect(page.getByText('駿河秋男様')).toBeVisible()
  await page.getByRole('radio', { name: 'ケア担当者' }).check()
  await page.getByLabel('メールアドレス または 携帯電話番号').fill(p.email!)
  await page.getByLabel('パスワード', { exact: true }).fill('Wrong#Pass99')
  await page.getByRole('button', { name: '上記のCareLive Passで利用申請する' }).click()
  await expect(page.getByRole('alert')).toContainText('メールアドレス・携帯電話番号またはパスワードが正しくありません。')
  await page.getByLabel('パスワード', { exact: true }).fill(p.password)
  await page.getByRole('button', { name: '上記のCareLive Passで利用申請する' }).click()
  await expect(page.getByRole('heading', { name: '利用申請を受け付けました' })).toBeVisible()
  await check(page, '11-apply-done')
  await server.waitForMessage(w.staff, '利用申請')

  // Applying again (now signed in) keeps the one pending application.
  await page.goto(invite)
  await page.getByRole('radio', { name: 'ケア担当者' }).check()
  await page.getByRole('button', { name: 'このCareLive Passで利用申請する' }).click()
  await expect(page.getByRole('heading', { name: '利用申請は受付済みです' })).toBeVisible()

  // Before approval there is no Live for this account: it says whose approval it waits for (SPEC 14).
  await page.goto('/live')
  await expect(page.getByRole('heading', { name: 'ふじ園の承認をお待ちください' })).toBeVisible()
  await expect(page.locator('.awaiting__application')).toContainText('ケア担当者')
  await approveInConsole(browser, server, w, `${p.familyName} ${p.givenName}`, p.email!)

  await page.goto('/live')
  await agreeToTerms(page)
  await expect(page.getByText('駿河秋男様との関係')).toBeVisible()
  await expect(page.getByText('ケア担当者', { exact: true })).toBeVisible()
  await page.getByLabel('所属事業所名', { exact: true }).fill('Care')
  await page.getByLabel('所属事業所名（ふりがな）').fill('フジキョタク')
  await page.getByRole('button', { name: '次へ' }).click()
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByRole('alert')).toContainText('所属事業所名は全角で入力してください。')
  await page.getByLabel('所属事業所名', { exact: true }).fill('ふじ居宅介護支援事業所')
  await page.getByRole('button', { name: '次へ' }).click()
  await expect(page.getByText('ふじきょたく')).toBeVisible()
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByRole('heading', { name: '駿河秋男様' })).toBeVisible()

  // アカウント管理 → 「利用者様との関係」 → 「変更」 → same steps.
  await page.getByRole('link', { name: 'アカウント管理' }).click()
  await page.getByRole('link', { name: '利用者様との関係' }).click()
  await expect(page.getByText('ふじ居宅介護支援事業所（ふじきょたく）', { exact: false })).toBeVisible()
  await check(page, '12-relationships')
  await page.getByRole('link', { name: '駿河秋男様との関係を変更' }).click()
  await page.getByLabel('所属事業所名', { exact: true }).fill('さくら居宅介護支援事業所')
  await page.getByLabel('所属事業所名（ふりがな）').fill('さくらきょたく')
  await page.getByRole('button', { name: '次へ' }).click()
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByText('利用者様との関係を変更しました。')).toBeVisible()
  await expect(page.getByText('さくら居宅介護支援事業所', { exact: false })).toBeVisible()
})

test('role, facility and resident choice only when needed; updated terms; another resident refused', async ({ page, server }) => {
  const a = world(server, ['駿河 市子 するが いちこ', '駿河 秋男 するが あきお'])
  const b = world(server, ['シナリオ 香奈子 しなりお かなこ'])
  publish(server, 'terms', '第1条 版1')
  const p = person()
  createAccount(server, p)
  // Staff of facility b as well as family in both facilities.
  server.admin(['staff', 'add', '--facility', b.code, '--family-name', p.familyName, '--given-name', p.givenName,
    '--family-name-kana', p.familyKana, '--given-name-kana', p.givenKana, '--login-id', p.email!])
  await login(page, p.email!, p.password)
  // Leave the login page only once the login has answered (its session cookie is set).
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  for (const [w, r] of [[a, '駿河市子'], [a, '駿河秋男'], [b, 'シナリオ香奈子']] as const) {
    await page.goto(invitePath(server, w, r))
    await page.getByRole('button', { name: 'このCareLive Passで利用申請する' }).click()
    await expect(page.getByRole('heading', { name: '利用申請を受け付けました' })).toBeVisible()
  }
  approve(server, p.email!)

  await page.goto('/live')
  await expect(page.getByRole('link', { name: 'CareLive職員画面' })).toBeVisible()
  await check(page, '13-role')
  await page.getByRole('link', { name: 'CareLive家族・親族画面' }).click()
  await expect(page.getByRole('heading', { name: '事業所の選択' })).toBeVisible()
  await check(page, '14-facility')
  await page.getByRole('link', { name: new RegExp(a.code) }).click()
  await expect(page.getByRole('heading', { name: '利用者の選択' })).toBeVisible()
  await check(page, '15-resident')
  await page.getByRole('link', { name: '駿河秋男様' }).click()
  await agreeToTerms(page)
  await page.getByLabel('続柄').selectOption('孫')
  await page.getByRole('button', { name: '次へ' }).click()
  await page.getByRole('button', { name: '登録' }).click()
  await expect(page.getByRole('heading', { name: '駿河秋男様' })).toBeVisible()
  await expect(page.getByRole('link', { name: '事業所切り替え' })).toBeVisible()
  await expect(page.getByRole('link', { name: '利用者切り替え' })).toBeVisible()
  await page.getByRole('link', { name: '利用者切り替え' }).click()
  await page.getByRole('link', { name: '駿河市子様' }).click()
  await expect(page.getByRole('heading', { name: '以下の情報を入力してください' })).toBeVisible()

  // A newer terms version asks again, saying it was updated.
  publish(server, 'terms', '第1条 版2')
  await page.goto('/live?role=family')
  await page.getByRole('link', { name: new RegExp(b.code) }).click()
  await expect(page.getByText('利用規約が更新されました。')).toBeVisible()
  await check(page, '16-terms-updated')

  // The server refuses another resident's data, whatever the page does.
  const other = world(server, ['他人 太郎 たにん たろう'])
  const answer = await page.request.get(`/api/v1/live/residents/${other.residents['他人太郎']}/home`)
  expect(answer.status()).toBe(403)
  expect((await answer.json()).error.code).toBe('forbidden')
  const gated = await page.request.get(`/api/v1/live/residents/${a.residents['駿河市子']}/home`)
  expect((await gated.json()).error.code).toBe('terms_required')
  const anonymous = await page.request.get('/api/v1/invites/made-up-token')
  expect((await anonymous.json()).error.code).toBe('token_invalid')
})
