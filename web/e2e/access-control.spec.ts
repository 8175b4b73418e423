import { request as playwrightRequest, type APIRequestContext } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Secret, TOTP } from 'otpauth'
import { expect, startServer, test, type Server } from './fixtures'

// Issue 3 §9: every API endpoint is checked on the server for the caller's role, facility and
// resident. Each row is one endpoint; each column one kind of caller; the cell says whether
// the request gets past authorization (any answer but 401/403/404) or is refused.

// `waiting`: a sign-in whose password was right and whose second step (SPEC 15) is due.
type Role = 'anonymous' | 'familyA' | 'familyB' | 'careWorker' | 'staffX' | 'staffY' | 'adminX' | 'operator' | 'waiting'
const roles: Role[] = ['anonymous', 'familyA', 'familyB', 'careWorker', 'staffX', 'staffY', 'adminX', 'operator', 'waiting']
const password = 'Matrix#Pass2026'

interface World {
  server: Server
  X: number
  Y: number
  A: number
  B: number
  C: number
  link: number
  application: number
  schedule: number
  staffXMember: number
  clients: Record<Role, { api: APIRequestContext; csrf: string }>
}

function sql(server: Server, statement: string): string {
  return execFileSync('sqlite3', [path.join(server.data, 'carelive.db'), statement], { encoding: 'utf8' }).trim()
}

async function client(server: Server, loginId?: string) {
  const api = await playwrightRequest.newContext({ baseURL: server.url })
  const res = await api.get('/api/v1/session')
  const csrf = res.headers()['set-cookie']!.match(/carelive_csrf=([^;]+)/)![1]
  if (loginId) {
    const login = await api.post('/api/v1/login', { data: { login_id: loginId, password }, headers: { 'X-CSRF-Token': csrf } })
    expect(login.status(), `login ${loginId}`).toBe(200)
  }
  return { api, csrf }
}

/** A client whose sign-in waits for its second step: the account's authenticator app is set up
 * first (through the API, with the app's code), then the password alone is given. */
async function waitingForSecondStep(server: Server, loginId: string) {
  const setUp = await client(server, loginId)
  const headers = { 'X-CSRF-Token': setUp.csrf }
  const { secret } = (await (await setUp.api.post('/api/v1/account/second-factor/totp', { data: {}, headers })).json()) as { secret: string }
  const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate()
  expect((await setUp.api.post('/api/v1/account/second-factor/totp/confirm', { data: { code }, headers })).status()).toBe(200)
  await setUp.api.dispose()
  const waiting = await client(server, loginId)
  const session = (await (await waiting.api.get('/api/v1/session')).json()) as { second_step?: string }
  expect(session.second_step).toBe('second_factor')
  return waiting
}

async function buildWorld(): Promise<World> {
  const server = await startServer()
  const admin = (args: string[], input?: string) => server.admin(args, input).trim()
  const names = (f: string, g: string) => ['--family-name', f, '--given-name', g, '--family-name-kana', 'てすと', '--given-name-kana', 'たろう']
  admin(['facility', 'add', '--code', 'facx', '--name', 'エックス園', '--kind', '老人保健施設'])
  admin(['facility', 'add', '--code', 'facy', '--name', 'ワイ園', '--kind', '老人保健施設'])
  const A = Number(admin(['resident', 'add', '--facility', 'facx', ...names('利用', '一郎')]))
  const B = Number(admin(['resident', 'add', '--facility', 'facx', ...names('利用', '二郎')]))
  const C = Number(admin(['resident', 'add', '--facility', 'facy', ...names('利用', '三郎')]))
  admin(['staff', 'add', '--facility', 'facx', ...names('職員', 'エックス'), '--login-id', 'staffx@example.jp', '--password-stdin'], password + '\n')
  admin(['staff', 'add', '--facility', 'facy', ...names('職員', 'ワイ'), '--login-id', 'staffy@example.jp', '--password-stdin'], password + '\n')
  admin(['staff', 'add', '--facility', 'facx', ...names('管理', 'エックス'), '--login-id', 'adminx@example.jp', '--admin', '--password-stdin'], password + '\n')
  for (const id of ['familya', 'familyb', 'care', 'operator', 'applicant', 'waiting'])
    admin(['account', 'add', ...names('家族', '花子'), '--login-id', `${id}@example.jp`, '--password-stdin', ...(id === 'operator' ? ['--operator'] : [])], password + '\n')
  writeFileSync(path.join(server.data, 'terms.txt'), '利用規約\n')
  admin(['terms', 'publish', '--file', path.join(server.data, 'terms.txt')])
  const acct = (email: string) => Number(sql(server, `SELECT id FROM accounts WHERE email = '${email}'`))
  const X = Number(sql(server, `SELECT id FROM facilities WHERE code = 'facx'`))
  const Y = Number(sql(server, `SELECT id FROM facilities WHERE code = 'facy'`))
  // Approved links with relationships, and consent to the newest terms (set-up, not under test).
  sql(server, `INSERT INTO links (resident_id, account_id, kind, relationship, created_at, updated_at) VALUES
    (${A}, ${acct('familya@example.jp')}, 'family', '子', 0, 0),
    (${B}, ${acct('familyb@example.jp')}, 'family', '子', 0, 0)`)
  sql(server, `INSERT INTO links (resident_id, account_id, kind, office_name, office_name_kana, created_at, updated_at)
    VALUES (${A}, ${acct('care@example.jp')}, 'care_worker', 'ケア事業所', 'けあじぎょうしょ', 0, 0)`)
  sql(server, `INSERT INTO consents (account_id, terms_version_id, agreed_at) SELECT id, (SELECT max(id) FROM terms_versions), 0 FROM accounts`)
  sql(server, `INSERT INTO applications (resident_id, account_id, kind, status, created_at) VALUES (${A}, ${acct('applicant@example.jp')}, 'family', 'pending', 0)`)
  const link = Number(sql(server, `SELECT id FROM links WHERE account_id = ${acct('familyb@example.jp')}`))
  const application = Number(sql(server, `SELECT id FROM applications`))
  // A call of resident A scheduled a month ahead, familyA invited (SPEC 7).
  sql(server, `INSERT INTO call_schedules (facility_id, resident_id, starts_at, note, created_by, created_at, updated_at)
    VALUES (${X}, ${A}, ${Math.floor(Date.now() / 1000) + 30 * 86400}, '', ${acct('staffx@example.jp')}, 0, 0)`)
  const schedule = Number(sql(server, `SELECT id FROM call_schedules`))
  sql(server, `INSERT INTO call_schedule_invitees (schedule_id, account_id) VALUES (${schedule}, ${acct('familya@example.jp')})`)
  const clients = {
    anonymous: await client(server),
    familyA: await client(server, 'familya@example.jp'),
    familyB: await client(server, 'familyb@example.jp'),
    careWorker: await client(server, 'care@example.jp'),
    staffX: await client(server, 'staffx@example.jp'),
    staffY: await client(server, 'staffy@example.jp'),
    adminX: await client(server, 'adminx@example.jp'),
    operator: await client(server, 'operator@example.jp'),
    waiting: await waitingForSecondStep(server, 'waiting@example.jp'),
  } as World['clients']
  const staffXMember = Number(sql(server, `SELECT id FROM staff WHERE account_id = ${acct('staffx@example.jp')}`))
  return { server, X, Y, A, B, C, link, application, schedule, staffXMember, clients }
}

interface Row {
  name: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: (w: World) => string
  body?: unknown
  allowed: Role[]
}

const family: Role[] = ['familyA', 'careWorker']
const staffOfX: Role[] = ['staffX', 'adminX', 'operator']
const everyoneLoggedIn: Role[] = roles.filter((r) => r !== 'anonymous' && r !== 'waiting')

// Bodies are deliberately invalid where the endpoint would change something: an allowed caller
// gets 422 (authorization passed, validation refused), so the matrix changes no data.
const table: Row[] = [
  { name: 'own account', method: 'GET', path: () => '/api/v1/account', allowed: everyoneLoggedIn },
  { name: 'contexts', method: 'GET', path: () => '/api/v1/live/contexts', allowed: everyoneLoggedIn },
  { name: 'home of resident A', method: 'GET', path: (w) => `/api/v1/live/residents/${w.A}/home`, allowed: family },
  { name: 'home of resident C (other facility)', method: 'GET', path: (w) => `/api/v1/live/residents/${w.C}/home`, allowed: [] },
  { name: 'relationship with A', method: 'PUT', path: (w) => `/api/v1/live/residents/${w.A}/relationship`, body: { relationship: '' }, allowed: family },
  { name: 'relationship with B', method: 'PUT', path: (w) => `/api/v1/live/residents/${w.B}/relationship`, body: { relationship: '' }, allowed: ['familyB'] },
  { name: 'announcements', method: 'GET', path: () => '/api/v1/live/announcements', allowed: ['familyA', 'familyB', 'careWorker', 'staffX', 'staffY', 'adminX'] },
  { name: 'residents of X', method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/residents`, allowed: staffOfX },
  { name: 'residents of Y', method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.Y}/residents`, allowed: ['staffY', 'operator'] },
  { name: 'add resident to X', method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.X}/residents`, body: {}, allowed: staffOfX },
  { name: 'invite of A', method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/residents/${w.A}/invite`, allowed: staffOfX },
  { name: "invite of Y's resident through X", method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/residents/${w.C}/invite`, allowed: [] },
  { name: "reach of A's call", method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/residents/${w.A}/reach`, allowed: staffOfX },
  { name: "reach of Y's resident through X", method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/residents/${w.C}/reach`, allowed: [] },
  { name: 'people linked to A', method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/residents/${w.A}/links`, allowed: staffOfX },
  { name: "remove B's link through Y", method: 'DELETE', path: (w) => `/api/v1/staff/facilities/${w.Y}/residents/${w.B}/links/${w.link}`, allowed: [] },
  { name: 'applications of X', method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/applications`, allowed: staffOfX },
  { name: "approve X's application through Y", method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.Y}/applications/${w.application}/approve`, body: {}, allowed: [] },
  { name: 'staff of X', method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/staff`, allowed: ['adminX', 'operator'] },
  { name: 'add staff to X', method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.X}/staff`, body: {}, allowed: ['adminX', 'operator'] },
  // No token: everyone is refused, and without a session the answer is 401, not the token's 404.
  { name: 'accept a staff invitation', method: 'POST', path: () => '/api/v1/staff-invitations/accept', body: {}, allowed: [] },
  { name: 'call schedules of X', method: 'GET', path: (w) => `/api/v1/staff/facilities/${w.X}/call-schedules`, allowed: staffOfX },
  { name: 'schedule a call in X', method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.X}/call-schedules`, body: {}, allowed: staffOfX },
  { name: "change A's scheduled call", method: 'PUT', path: (w) => `/api/v1/staff/facilities/${w.X}/call-schedules/${w.schedule}`, body: {}, allowed: staffOfX },
  { name: "change X's scheduled call through Y", method: 'PUT', path: (w) => `/api/v1/staff/facilities/${w.Y}/call-schedules/${w.schedule}`, body: {}, allowed: [] },
  { name: "cancel X's scheduled call through Y", method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.Y}/call-schedules/${w.schedule}/cancel`, body: {}, allowed: [] },
  { name: 'next call with A', method: 'GET', path: (w) => `/api/v1/live/residents/${w.A}/next-call`, allowed: family },
  { name: 'next call with C (other facility)', method: 'GET', path: (w) => `/api/v1/live/residents/${w.C}/next-call`, allowed: [] },
  // Personal data (SPEC 15): one's own download and deletion (the empty body deletes nothing).
  { name: 'own data download', method: 'GET', path: () => '/api/v1/account/data', allowed: everyoneLoggedIn },
  { name: 'delete own Pass', method: 'POST', path: () => '/api/v1/account/delete', body: {}, allowed: everyoneLoggedIn },
  { name: 'delete own Pass: passkey options', method: 'POST', path: () => '/api/v1/account/delete/passkey-options', body: {}, allowed: everyoneLoggedIn },
  // Access records (SPEC 15): a facility's admins and the operator; across facilities the operator.
  { name: 'access records of X', method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.X}/access-records`, body: {}, allowed: ['adminX', 'operator'] },
  { name: 'access records of X as CSV', method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.X}/access-records/csv`, body: {}, allowed: ['adminX', 'operator'] },
  { name: 'access records of Y', method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.Y}/access-records`, body: {}, allowed: ['operator'] },
  { name: 'access records of every facility', method: 'POST', path: () => '/api/v1/operator/access-records', body: {}, allowed: ['operator'] },
  { name: 'access records of every facility as CSV', method: 'POST', path: () => '/api/v1/operator/access-records/csv', body: {}, allowed: ['operator'] },
  // Web Push (SPEC 13): each signed-in person's own devices; GET /push/key is public (below).
  { name: 'own push devices', method: 'GET', path: () => '/api/v1/push/subscriptions', allowed: everyoneLoggedIn },
  { name: 'subscribe a push device', method: 'POST', path: () => '/api/v1/push/subscriptions', body: {}, allowed: everyoneLoggedIn },
  { name: 'unsubscribe a push device', method: 'DELETE', path: () => '/api/v1/push/subscriptions', body: {}, allowed: everyoneLoggedIn },
  // Two-step sign-in (SPEC 15): the second step only for a sign-in waiting for it; one's own
  // second factor for signed-in people (and, not in this table, a sign-in held at its set-up).
  { name: 'second step of a sign-in', method: 'POST', path: () => '/api/v1/login/second-factor', body: {}, allowed: ['waiting'] },
  { name: 'second steps open to a sign-in', method: 'GET', path: () => '/api/v1/login/second-factor', allowed: ['waiting'] },
  { name: 'passkey for the second step: options', method: 'POST', path: () => '/api/v1/login/second-factor/passkey/options', body: {}, allowed: ['waiting'] },
  { name: 'passkey for the second step', method: 'POST', path: () => '/api/v1/login/second-factor/passkey', body: {}, allowed: ['waiting'] },
  { name: 'own second factor', method: 'GET', path: () => '/api/v1/account/second-factor', allowed: everyoneLoggedIn },
  { name: 'register a passkey: options', method: 'POST', path: () => '/api/v1/account/passkeys/options', body: {}, allowed: everyoneLoggedIn },
  { name: 'register a passkey', method: 'POST', path: () => '/api/v1/account/passkeys', body: {}, allowed: everyoneLoggedIn },
  { name: 'remove a passkey', method: 'DELETE', path: () => '/api/v1/account/passkeys/1', body: {}, allowed: everyoneLoggedIn },
  { name: 'begin an authenticator app', method: 'POST', path: () => '/api/v1/account/second-factor/totp', body: {}, allowed: everyoneLoggedIn },
  { name: 'confirm an authenticator app', method: 'POST', path: () => '/api/v1/account/second-factor/totp/confirm', body: {}, allowed: everyoneLoggedIn },
  { name: 'new recovery codes', method: 'POST', path: () => '/api/v1/account/second-factor/recovery-codes', body: {}, allowed: everyoneLoggedIn },
  { name: 'turn the second factor off', method: 'DELETE', path: () => '/api/v1/account/second-factor', body: {}, allowed: everyoneLoggedIn },
  { name: 'operator: facilities', method: 'GET', path: () => '/api/v1/operator/facilities', allowed: ['operator'] },
  { name: 'operator: add facility', method: 'POST', path: () => '/api/v1/operator/facilities', body: {}, allowed: ['operator'] },
  { name: 'operator: publish announcement', method: 'POST', path: () => '/api/v1/operator/announcements', body: {}, allowed: ['operator'] },
  { name: 'operator: publish terms', method: 'POST', path: () => '/api/v1/operator/terms', body: {}, allowed: ['operator'] },
  { name: "reset staffX's second factor through Y", method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.Y}/staff/${w.staffXMember}/second-factor/reset`, body: {}, allowed: [] },
  // Last: an allowed reset ends staffX's sessions (staffX itself, a plain member, is refused).
  { name: "reset staffX's second factor", method: 'POST', path: (w) => `/api/v1/staff/facilities/${w.X}/staff/${w.staffXMember}/second-factor/reset`, body: {}, allowed: ['adminX', 'operator'] },
]

test('every endpoint allows exactly the callers it should', async () => {
  test.setTimeout(120_000)
  const world = await buildWorld()
  try {
    const wrong: string[] = []
    for (const row of table) {
      for (const role of roles) {
        const { api, csrf } = world.clients[role]
        const res = await api.fetch(row.path(world), {
          method: row.method,
          headers: { 'X-CSRF-Token': csrf },
          data: row.body,
        })
        const refused = [401, 403, 404].includes(res.status())
        const expected = row.allowed.includes(role)
        if (expected === refused) wrong.push(`${row.name} as ${role}: ${res.status()} (expected ${expected ? 'allowed' : 'refused'})`)
        if (role === 'anonymous') expect(res.status(), `${row.name} anonymous`).toBe(401)
      }
    }
    expect(wrong).toEqual([])
    // The VAPID public key is what every browser needs before it subscribes: no login.
    const key = await world.clients.anonymous.api.get('/api/v1/push/key')
    expect(key.status()).toBe(200)
    expect((await key.json()).public_key).toMatch(/^[A-Za-z0-9_-]{87}$/)
  } finally {
    for (const c of Object.values(world.clients)) await c.api.dispose()
    await world.server.stop()
    rmSync(world.server.data, { recursive: true, force: true })
  }
})
