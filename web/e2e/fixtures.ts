import { test as base, expect, type Locator, type Page } from '@playwright/test'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const carelive = process.env.CARELIVE_BIN ?? path.join(root, 'build', 'carelive')

export interface Message {
  file: string
  to: string
  subject: string
  body: string
  url: string | undefined
}

/** How a server is started when it is not the build's binary on a temp store: the installed
 * package's unit (its ExecStart, run as its user). */
export interface Launch {
  /** The command line that serves, without --listen/--public-url (e.g. the unit's ExecStart). */
  command: string[]
  /** The system user it runs as; admin commands and the tests' SQL run as root on its data. */
  user: string
}

// One real server on a temp store, as the acceptance contract starts it.
export class Server {
  readonly url: string
  private proc: ChildProcess | undefined
  log = ''

  /** publicUrl: the address browsers use, when it is not this process's own (a balancer in front). */
  constructor(
    readonly data: string,
    readonly port: number,
    readonly configFile?: string,
    readonly publicUrl?: string,
    readonly launch?: Launch,
  ) {
    this.url = `http://127.0.0.1:${port}`
  }

  /** The binary this server runs, for admin commands on its data. */
  get binary(): string {
    return this.launch?.command[0] ?? carelive
  }

  async start(): Promise<void> {
    const address = ['--listen', `127.0.0.1:${this.port}`, '--public-url', this.publicUrl ?? this.url]
    if (this.launch) {
      const [bin, ...args] = this.launch.command
      this.proc = spawn('runuser', ['-u', this.launch.user, '--', bin!, ...args, ...address], { stdio: ['ignore', 'pipe', 'pipe'] })
    } else {
      const args = ['serve', '--data', this.data, ...address]
      if (this.configFile) args.push('--config', this.configFile)
      this.proc = spawn(carelive, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    }
    this.proc.stdout?.on('data', (d) => (this.log += d))
    this.proc.stderr?.on('data', (d) => (this.log += d))
    for (let i = 0; i < 200; i++) {
      try {
        const res = await fetch(`${this.url}/healthz`)
        if (res.ok) return
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`server did not start:\n${this.log}`)
  }

  async stop(): Promise<void> {
    const proc = this.proc
    if (!proc || proc.exitCode !== null) return
    const exited = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGTERM')
    await exited
  }

  admin(args: string[], input?: string): string {
    const config = this.configFile ? ['--config', this.configFile] : []
    return execFileSync(this.binary, ['admin', ...config, '--data', this.data, ...args], { input, encoding: 'utf8' })
  }

  // Messages of the outbox (SPEC acceptance contract), oldest first.
  messages(to?: string): Message[] {
    let files: string[] = []
    try {
      files = readdirSync(path.join(this.data, 'outbox')).filter((f) => f.endsWith('.eml') || f.endsWith('.sms'))
    } catch {
      return []
    }
    return files
      .sort()
      .map((f) => parseMessage(f, readFileSync(path.join(this.data, 'outbox', f), 'utf8')))
      .filter((m) => !to || m.to === to)
  }

  async waitForMessage(to: string, subject: RegExp | string, after = 0): Promise<Message> {
    const match = (m: Message) =>
      typeof subject === 'string' ? m.subject.includes(subject) || m.body.includes(subject) : subject.test(m.subject + '\n' + m.body)
    for (let i = 0; i < 200; i++) {
      const found = this.messages(to).slice(after).filter(match)
      if (found.length) return found[found.length - 1]
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`no message to ${to} matching ${subject}; outbox: ${JSON.stringify(this.messages().map((m) => [m.to, m.subject]))}`)
  }
}

export function parseMessage(file: string, text: string): Message {
  const split = text.indexOf('\n\n')
  const head = text.slice(0, split)
  const body = text.slice(split + 2)
  const header = (name: string) => head.match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1]?.trim() ?? ''
  return {
    file,
    to: header('To'),
    subject: header('Subject'),
    body,
    url: body.match(/https?:\/\/\S+/)?.[0],
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

// Many people sign up from one test machine; the per-address sign-up quota has its own
// C++ test, so end-to-end servers raise it. `throttle` overrides other throttle settings;
// `config` adds other TOML tables (e.g. `[brand]`). Staff sign in with their password alone
// unless `config` has a `[security]` table: the two-step sign-in the default policy asks of them
// has its own specs (second-factor.spec.ts), which start their servers with the default.
// `publicUrl`: the address browsers use when something sits in front (a proxy, TLS), or made
// from the server's port (e.g. `http://localhost:${port}`: passkeys need a host name).
export async function startServer(
  throttle: Record<string, number> = {},
  config = '',
  publicUrl?: string | ((port: number) => string),
): Promise<Server> {
  const data = mkdtempSync(path.join(tmpdir(), 'carelive-e2e-'))
  const settings = { signups_per_address: 10_000, signups_per_destination: 10_000, ...throttle }
  const configFile = path.join(data, 'carelive.toml')
  writeFileSync(
    configFile,
    '[throttle]\n' +
      Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n') +
      '\n' +
      (config ? '\n' + config + '\n' : '') +
      (config.includes('[security]') ? '' : '\n[security]\nstaff_mfa = "optional"\n'),
    { mode: 0o600 }, // the server refuses a config file other users may read (it holds secrets)
  )
  const port = await freePort()
  const server = new Server(data, port, configFile, typeof publicUrl === 'function' ? publicUrl(port) : publicUrl)
  await server.start()
  return server
}

let counter = 0
// A unique address per call, so tests sharing a server never collide.
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${process.pid}.${Date.now()}.${counter++}@example.jp`
}
export function uniqueMobile(): string {
  // 090-1xxx … 090-9xxx are mobile ranges libphonenumber accepts.
  const n = (Date.now() * 10 + counter++) % 10_000_000
  return `090${1 + (n % 9)}${String(n).padStart(7, '0')}`
}

/** The Debian package's service as installed (tests/package/install_test.sh sets
 * CARELIVE_INSTALLED=1 after `apt-get install`): the unit's ExecStart as its User, on the
 * installed config and data folder. */
export async function startInstalledServer(publicUrl: string): Promise<Server> {
  const unit = readFileSync('/lib/systemd/system/carelive.service', 'utf8')
  const execStart = unit.match(/^ExecStart=(.*)$/m)![1]!.trim().split(/\s+/)
  const user = unit.match(/^User=(.*)$/m)![1]!.trim()
  const config = execStart[execStart.indexOf('--config') + 1]!
  const server = new Server('/var/lib/carelive', await freePort(), config, publicUrl, { command: execStart, user })
  await server.start()
  return server
}

export const test = base.extend<{ server: Server }, { workerServer: Server }>({
  workerServer: [
    async ({}, use) => {
      const server = await startServer()
      await use(server)
      await server.stop()
      rmSync(server.data, { recursive: true, force: true })
    },
    { scope: 'worker' },
  ],
  server: async ({ workerServer }, use) => use(workerServer),
  baseURL: async ({ server }, use) => use(server.url),
})

export { expect }

export interface Person {
  familyName: string
  givenName: string
  familyKana: string
  givenKana: string
  email?: string
  phone?: string
  password: string
}

export function person(overrides: Partial<Person> = {}): Person {
  return {
    familyName: '富士田',
    givenName: '熊吉',
    familyKana: 'ふじた',
    givenKana: 'くまきち',
    email: uniqueEmail(),
    password: 'Fujita#Kuma9',
    ...overrides,
  }
}

// A confirmed account made through the admin command (fast set-up for flows that need one).
export function createAccount(server: Server, p: Person): void {
  server.admin(
    ['account', 'add', '--family-name', p.familyName, '--given-name', p.givenName, '--family-name-kana', p.familyKana,
      '--given-name-kana', p.givenKana, '--login-id', p.email ?? p.phone ?? '', '--password-stdin'],
    p.password + '\n',
  )
}

export async function login(page: Page, loginId: string, password: string): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('メールアドレス または 携帯電話番号').fill(loginId)
  await page.getByLabel('パスワード', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'ログイン' }).click()
}

/** The staff console's menu, unfolded first where it folds into 「メニュー」 (on a phone, SPEC 14). */
export async function staffMenu(page: Page): Promise<Locator> {
  const nav = page.getByRole('navigation', { name: '職員メニュー' })
  await nav.waitFor()
  const toggle = nav.locator('.console-menu-toggle')
  if ((await toggle.count()) > 0 && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
  return nav
}
