import AxeBuilder from '@axe-core/playwright'
import type { Browser, Page } from '@playwright/test'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createAccount, expect, login, person, startServer, staffMenu, test, uniqueEmail, uniqueMobile, type Person, type Server } from './fixtures'

// SPEC 7 scheduled calls through the real server and outbox: staff schedule a call in the
// console (date and time in the facility's time zone, who is invited), every invitee gets the
// notice by email or SMS per login id, the reminder follows (this server makes it due at once:
// a reminder a year ahead, a scan every second), the family home shows 「次回のビデオ通話」;
// the call screen shows it too while waiting; a change and a cancellation tell the right people
// and the home card goes away.

const STAFF_PASSWORD = 'Staff#Fuji2026'
const TOKYO = 'Asia/Tokyo'

async function axe(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([])
}

/** The Tokyo calendar date `days` from now: "2026-12-01". */
function tokyoDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TOKYO, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + days * 86_400_000),
  )
}

/** 「12月1日（火）」 of a Tokyo date "2026-12-01", worked out apart from the app's own code. */
function tokyoDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const weekday = '日月火水木金土'[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]
  return `${m}月${d}日（${weekday}）`
}

interface World {
  code: string
  resident: number
  staffEmail: string
  daughter: Person
  son: Person
  sonSms: string
}

async function api(page: Page, method: string, url: string, body?: unknown): Promise<number> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const csrf = document.cookie.match(/carelive_csrf=([^;]+)/)?.[1] ?? ''
      const res = await fetch(url, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return res.status
    },
    { method, url, body },
  )
}

// A facility with a resident, a staff member, and two family members who applied through the
// invite, were approved by staff, agreed to the terms and gave their relationship: the
// daughter signs in with an email address, the son with a mobile number (SMS).
async function world(server: Server, browser: Browser): Promise<World> {
  const code = `sched${process.pid}x${Date.now() % 100000}`
  server.admin(['facility', 'add', '--code', code, '--name', 'ふじ園', '--kind', '老人保健施設（施設サービス版）'])
  const out = server.admin(['resident', 'add', '--facility', code, '--family-name', '駿河', '--given-name', '市子',
    '--family-name-kana', 'するが', '--given-name-kana', 'いちこ'])
  const resident = Number(out.match(/\d+/g)!.pop())
  const staffEmail = uniqueEmail('staff')
  server.admin(['staff', 'add', '--facility', code, '--family-name', '富士', '--given-name', '職員', '--family-name-kana', 'ふじ',
    '--given-name-kana', 'しょくいん', '--login-id', staffEmail, '--admin', '--password-stdin'], STAFF_PASSWORD + '\n')
  const terms = path.join(server.data, 'terms.txt')
  writeFileSync(terms, '第1条 本規約は CareLive の利用について定めます。\n')
  server.admin(['terms', 'publish', '--file', terms])

  const daughter = person({ familyName: '駿河', givenName: '花子', familyKana: 'するが', givenKana: 'はなこ' })
  const digits = uniqueMobile()
  const son = person({ familyName: '駿河', givenName: '太郎', familyKana: 'するが', givenKana: 'たろう', email: undefined, phone: digits })
  const url = server.admin(['invite', '--facility', code, '--resident', String(resident)]).trim().split('\n').pop()!
  const token = new URL(url).searchParams.get('token')!
  for (const p of [daughter, son]) {
    createAccount(server, p)
    const context = await browser.newContext({ baseURL: server.url })
    const page = await context.newPage()
    await login(page, (p.email ?? p.phone)!, p.password)
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
    expect(await api(page, 'POST', `/api/v1/invites/${token}/apply`, { kind: 'family' })).toBe(200)
    await context.close()
  }

  const context = await browser.newContext({ baseURL: server.url })
  const staff = await context.newPage()
  await login(staff, staffEmail, STAFF_PASSWORD)
  await staff.waitForURL((u) => !u.pathname.startsWith('/login'))
  const facilities = await staff.evaluate(async () => (await (await fetch('/api/v1/staff/facilities')).json()) as { facilities: { id: number }[] })
  const fid = facilities.facilities[0]!.id
  const pending = await staff.evaluate(
    async (fid) => (await (await fetch(`/api/v1/staff/facilities/${fid}/applications`)).json()) as { applications: { id: number }[] },
    fid,
  )
  for (const a of pending.applications) expect(await api(staff, 'POST', `/api/v1/staff/facilities/${fid}/applications/${a.id}/approve`, {})).toBe(200)
  await context.close()

  for (const p of [daughter, son]) {
    const c = await browser.newContext({ baseURL: server.url })
    const page = await c.newPage()
    await login(page, (p.email ?? p.phone)!, p.password)
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
    expect(await api(page, 'POST', '/api/v1/live/terms/consent', { version: 1 })).toBe(200)
    expect(await api(page, 'PUT', `/api/v1/live/residents/${resident}/relationship`, { relationship: '子' })).toBe(200)
    await c.close()
  }
  return { code, resident, staffEmail, daughter, son, sonSms: `+81${digits.slice(1)}` }
}

let server: Server
test.beforeAll(async () => {
  server = await startServer({}, '[calls]\nreminder_minutes_before = 525600\nreminder_scan_seconds = 1')
})
test.afterAll(async () => {
  await server.stop()
  rmSync(server.data, { recursive: true, force: true })
})

test('staff schedule a call, the family sees it on home, get the notice and the reminder; change and cancel tell them', async ({ browser }) => {
  const w = await world(server, browser)
  const date = tokyoDate(2)
  const when = `${tokyoDay(date)}14:00`

  // The staff member's computer is set to New York time: the page says so, and the call is
  // still booked at 14:00 in Tokyo (the server converts, not the browser).
  const staff = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, locale: 'ja-JP', timezoneId: 'America/New_York' })
  const page = await staff.newPage()
  await login(page, w.staffEmail, STAFF_PASSWORD)
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.goto('/staff')
  await (await staffMenu(page)).getByRole('link', { name: '通話予定' }).click()
  await expect(page.getByRole('heading', { name: '通話予定', level: 1 })).toBeVisible()
  await expect(page.getByText('日付と時刻は事業所の時間（日本標準時）で入力してください。')).toBeVisible()
  await expect(page.getByText('お使いの端末の時間帯（America/New_York）とは異なります。')).toBeVisible()
  await expect(page.getByText('予定されている通話はありません。')).toBeVisible()

  // Who: both linked people, checked by default.
  await page.getByLabel('利用者').selectOption({ label: '駿河 市子' })
  const daughterBox = page.getByRole('checkbox', { name: /駿河 花子/ })
  const sonBox = page.getByRole('checkbox', { name: /駿河 太郎/ })
  await expect(daughterBox).toBeChecked()
  await expect(sonBox).toBeChecked()

  // A time in the past is refused beside the field, in Japanese.
  await page.getByLabel('日付').fill(tokyoDate(-1))
  await page.getByLabel('時刻').fill('14:00')
  await page.getByRole('button', { name: '予約する' }).click()
  await expect(page.locator('#schedule-time-error')).toHaveText('過ぎた日時は予約できません。これから先の時刻を入力してください。')
  await axe(page)

  await page.getByLabel('日付').fill(date)
  await page.getByLabel('ご家族へのひとこと（任意）').fill('お誕生日のお祝いをします')
  await page.getByRole('button', { name: '予約する' }).click()
  await expect(page.getByRole('status')).toContainText(`駿河 市子 様の通話を ${when} に予約しました。`)
  const row = page.getByRole('listitem').filter({ hasText: when })
  await expect(row).toContainText('駿河 市子 様')
  await expect(row).toContainText('参加：駿河 太郎、駿河 花子')
  await expect(row).toContainText('ひとこと：お誕生日のお祝いをします')
  await axe(page)

  // The notice and then the reminder: email to the daughter, SMS to the son.
  const notice = await server.waitForMessage(w.daughter.email!, '【CareLive】ビデオ通話の予定')
  expect(notice.body).toContain('駿河市子様（ふじ園）')
  expect(notice.body).toContain(`${date.slice(0, 4)}年${tokyoDay(date)}14:00`)
  expect(notice.body).toContain('お誕生日のお祝いをします')
  expect(notice.body).toContain(`${server.url}/live/residents/${w.resident}/call`)
  const reminder = await server.waitForMessage(w.daughter.email!, '【CareLive】まもなくビデオ通話の時間です')
  expect(reminder.url).toBe(`${server.url}/live/residents/${w.resident}/call`)
  const sms = await server.waitForMessage(w.sonSms, '予定しました')
  expect(sms.file).toMatch(/\.sms$/)
  expect(sms.body).toContain(`${server.url}/live/residents/${w.resident}/call`)
  await server.waitForMessage(w.sonSms, 'まもなく')
  // Exactly one reminder each, however many scans ran meanwhile.
  const reminders = () => server.messages().filter((m) => (m.subject + m.body).includes('まもなく')).length
  await expect.poll(reminders).toBe(2)

  // The family home shows the next call near 「ビデオ通話」.
  const family = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, locale: 'ja-JP', timezoneId: TOKYO })
  const home = await family.newPage()
  await login(home, w.daughter.email!, w.daughter.password)
  await home.waitForURL((u) => !u.pathname.startsWith('/login'))
  await home.goto(`/live/residents/${w.resident}`)
  const card = home.getByRole('region', { name: '次回のビデオ通話' })
  await expect(card).toContainText(when)
  await expect(card).toContainText('事業所より：お誕生日のお祝いをします')
  await expect(home.getByRole('link', { name: 'ビデオ通話' })).toBeVisible()
  await axe(home)

  // The call screen, while waiting, shows the same call, formatted the same way.
  await home.getByRole('link', { name: 'ビデオ通話' }).click()
  await expect(home.getByText('事業所との予定時間にこの画面を開いてお待ちください。')).toBeVisible()
  const waitingCard = home.getByRole('region', { name: '次回のビデオ通話' })
  await expect(waitingCard).toContainText(when)
  await expect(waitingCard).toContainText('事業所より：お誕生日のお祝いをします')
  await home.screenshot({ path: 'test-results/screens/call-06-family-waiting-next-call.png', fullPage: true })
  await axe(home)
  await home.getByRole('link', { name: 'ホームへ戻る' }).click()
  await expect(home.getByRole('region', { name: '次回のビデオ通話' })).toContainText(when)

  // Change: 15:00, the son taken off the list. The daughter is told of the new time, the son
  // that the call is off for him.
  const before = server.messages(w.daughter.email!).length
  const sonBefore = server.messages(w.sonSms).length
  await row.getByRole('button', { name: '変更' }).click()
  await expect(page.getByRole('heading', { name: '駿河 市子 様の通話予定を変更する' })).toBeVisible()
  await expect(page.getByLabel('日付')).toHaveValue(date)
  await page.getByLabel('時刻').fill('15:00')
  await sonBox.uncheck()
  await page.getByRole('button', { name: '変更を保存する' }).click()
  const later = `${tokyoDay(date)}15:00`
  await expect(page.getByRole('status')).toContainText('変更しました')
  const changed = await server.waitForMessage(w.daughter.email!, '【CareLive】ビデオ通話の予定が変更されました', before)
  expect(changed.body).toContain('■変更後の日時')
  expect(changed.body).toContain(`${tokyoDay(date)}15:00`)
  await server.waitForMessage(w.sonSms, '取り消されました', sonBefore)
  await home.reload()
  await expect(home.getByRole('region', { name: '次回のビデオ通話' })).toContainText(later)

  // Cancel, with a confirm: gone from the list and from home; the daughter is told.
  const beforeCancel = server.messages(w.daughter.email!).length
  const laterRow = page.getByRole('listitem').filter({ hasText: later })
  await laterRow.getByRole('button', { name: '取り消す' }).click()
  const dialog = page.getByRole('dialog', { name: 'この通話予定を取り消しますか？' })
  await expect(dialog).toContainText(`駿河 市子 様${later}`)
  await dialog.getByRole('button', { name: '取り消す' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText('予定されている通話はありません。')).toBeVisible()
  await expect(page.getByRole('listitem').filter({ hasText: later })).toContainText('取り消し済み')
  await server.waitForMessage(w.daughter.email!, '【CareLive】ビデオ通話の予定が取り消されました', beforeCancel)
  await home.reload()
  await expect(home.getByRole('link', { name: 'ビデオ通話' })).toBeVisible()
  await expect(home.getByRole('region', { name: '次回のビデオ通話' })).toHaveCount(0)
  // The son, off the list since the change, gets nothing more.
  expect(server.messages(w.sonSms).filter((m) => m.body.includes('取り消されました'))).toHaveLength(1)
  await family.close()
  await staff.close()
})
