import type { Browser, Page } from '@playwright/test'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import config from '../playwright.config'
import { passSecondStep } from './authenticator'
import { createAccount, expect, freePort, login, person, Server, type Person } from './fixtures'

// Shared by the call specs (call.spec.ts, call-relay.spec.ts): Chromium's fake camera and
// microphone, a facility with two residents and their people, and the frame checks.

const base = config.use!.launchOptions!
/** For `test.use(...)`: Chromium with its fake camera and microphone, permission granted. */
export const fakeMedia = {
  launchOptions: {
    ...base,
    args: [...(base.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
}

export interface CallWorld {
  server: Server
  X: number
  A: number
  B: number
  staff: Person
  /** Family members linked to resident A. */
  families: Person[]
  /** Linked to resident B only. */
  other: Person
}

export function sql(server: Server, statement: string): string {
  // As the server's own user when it runs as one, so no file of its store becomes root's.
  const command = ['sqlite3', path.join(server.data, 'carelive.db'), statement]
  if (server.launch) command.unshift('runuser', '-u', server.launch.user, '--')
  return execFileSync(command[0]!, command.slice(1), { encoding: 'utf8' }).trim()
}

/** Facility `code` with residents A (駿河 市子) and B (駿河 秋男), a staff member, `familyCount`
 * family members of A (駿河 花子, 駿河 太郎, …) and one of B (別所 次郎); all agreed to the terms. */
export function setUpCallWorld(server: Server, code: string, familyCount = 1): CallWorld {
  const admin = (args: string[], input?: string) => server.admin(args, input).trim()
  const names = (f: string, g: string) => ['--family-name', f, '--given-name', g, '--family-name-kana', 'てすと', '--given-name-kana', 'たろう']
  admin(['facility', 'add', '--code', code, '--name', 'コール園', '--kind', '老人保健施設'])
  const A = Number(admin(['resident', 'add', '--facility', code, ...names('駿河', '市子')]))
  const B = Number(admin(['resident', 'add', '--facility', code, ...names('駿河', '秋男')]))
  const staff = person({ familyName: '富士', givenName: '職員' })
  // A facility admin, as in the demo: the longest console menu, so phone-size layouts are tried
  // with the least room left for the call.
  admin(['staff', 'add', '--facility', code, ...names(staff.familyName, staff.givenName), '--login-id', staff.email!, '--admin', '--password-stdin'], staff.password + '\n')
  const given = ['花子', '太郎', '次子', '四郎']
  const families = Array.from({ length: familyCount }, (_, i) => person({ familyName: '駿河', givenName: given[i]! }))
  const other = person({ familyName: '別所', givenName: '次郎' })
  for (const p of [...families, other]) createAccount(server, p)
  const terms = mkdtempSync(path.join(tmpdir(), 'carelive-terms-'))
  chmodSync(terms, 0o755) // readable by the service's user, as which `admin` runs on its data
  writeFileSync(path.join(terms, 'terms.txt'), '利用規約\n', { mode: 0o644 })
  admin(['terms', 'publish', '--file', path.join(terms, 'terms.txt')])
  rmSync(terms, { recursive: true, force: true })
  const acct = (email: string) => Number(sql(server, `SELECT id FROM accounts WHERE email = '${email}'`))
  const X = Number(sql(server, `SELECT id FROM facilities WHERE code = '${code}'`))
  const links = [...families.map((f) => `(${A}, ${acct(f.email!)}, 'family', '子', 0, 0)`), `(${B}, ${acct(other.email!)}, 'family', '子', 0, 0)`]
  sql(server, `INSERT INTO links (resident_id, account_id, kind, relationship, created_at, updated_at) VALUES ${links.join(', ')}`)
  sql(server, `INSERT INTO consents (account_id, terms_version_id, agreed_at) SELECT id, (SELECT max(id) FROM terms_versions), 0 FROM accounts WHERE id NOT IN (SELECT account_id FROM consents)`)
  return { server, X, A, B, staff, families, other }
}

/** A phone-sized page of `who`, logged in, at `url` (on `origin`: the server itself unless
 * something sits in front). Every RTCPeerConnection the page makes is kept in `window.__pcs`
 * so a test can read its getStats(). */
export async function openAs(browser: Browser, server: Server, who: Person, url: string, origin = server.url): Promise<Page> {
  const context = await browser.newContext({
    baseURL: origin,
    locale: 'ja-JP',
    viewport: { width: 390, height: 844 },
    ignoreHTTPSErrors: origin.startsWith('https:'), // the tests' own self-signed certificate
  })
  // Chromium grants the screen wake lock to every page by default, but overriding permissions
  // (for camera and microphone) denies whatever is not listed: list it, as a phone would allow it.
  await context.grantPermissions(['camera', 'microphone', 'screen-wake-lock'], { origin })
  await context.addInitScript(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; RTCPeerConnection: typeof RTCPeerConnection }
    const Original = w.RTCPeerConnection
    w.__pcs = []
    w.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config)
        w.__pcs.push(this)
      }
    }
    // Every screen wake lock the page gets is kept in `window.__wakeLocks` (its `released` tells
    // whether it is still held).
    const locks: WakeLockSentinel[] = []
    ;(window as unknown as { __wakeLocks: WakeLockSentinel[] }).__wakeLocks = locks
    if ('WakeLock' in window) {
      const request = WakeLock.prototype.request
      WakeLock.prototype.request = async function (this: WakeLock, type?: WakeLockType) {
        const sentinel = await request.call(this, type)
        locks.push(sentinel)
        return sentinel
      }
    }
  })
  const page = await context.newPage()
  await login(page, who.email!, who.password)
  await passSecondStep(page, who.email!) // staff of an installed service: its policy asks for one
  await expect(page).not.toHaveURL(/\/login/)
  await page.goto(url)
  return page
}

/** The `index`-th remote <video> shows real frames: it has a size and its time moves on. */
export async function expectFrames(page: Page, index = 0): Promise<void> {
  const video = page.locator('video.call-remote-video').nth(index)
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0)
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime)
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(t0)
}

export function localTrackEnabled(page: Page, kind: 'audio' | 'video'): Promise<boolean> {
  return page.locator('video.call-local-video').evaluate((v: HTMLVideoElement, k) => {
    const stream = v.srcObject as MediaStream
    const track = (k === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0]!
    return track.enabled && track.readyState === 'live'
  }, kind)
}

/** For every open RTCPeerConnection of the page: the candidate types (local, remote) of its
 * succeeded, nominated candidate pair, or null while there is none. */
export function selectedCandidateTypes(page: Page): Promise<({ local: string; remote: string } | null)[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed')
    return Promise.all(
      pcs.map(async (pc) => {
        const stats = await pc.getStats()
        let found: { local: string; remote: string } | null = null
        stats.forEach((s) => {
          if (s.type === 'candidate-pair' && s.state === 'succeeded' && (s.nominated || s.selected)) {
            found = { local: stats.get(s.localCandidateId)?.candidateType, remote: stats.get(s.remoteCandidateId)?.candidateType }
          }
        })
        return found
      }),
    )
  })
}

/** Staff (at /staff/X/calls) starts a call with resident A and the first family member joins
 * it from /live/residents/A/call; both receive frames. */
export async function startCall(browser: Browser, world: CallWorld, family = world.families[0]!): Promise<{ staff: Page; family: Page }> {
  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  const fam = await openAs(browser, world.server, family, `/live/residents/${world.A}/call`)
  await expect(staff.locator('.call-presence')).toContainText(`${family.familyName} ${family.givenName}`)
  await staff.getByRole('button', { name: '通話を開始' }).click()
  await fam.getByRole('button', { name: '開始する' }).click()
  await expectFrames(fam)
  await expectFrames(staff)
  return { staff, family: fam }
}

/** A TCP proxy between the browsers and the server that can drop connections, as a phone
 * changing networks does: the page's WebSocket really closes (the browser reports 1006) and
 * the server really sees its socket go. Connections are told apart by the first bytes the
 * browser sends (the HTTP request with its session cookie). */
export class CuttableProxy {
  private readonly open = new Set<{ client: net.Socket; upstream: net.Socket; head: string }>()
  private blocked: string | null = null
  /** Upgrade requests seen per marker found in them (counted by `webSockets`). */
  private readonly heads: string[] = []
  private constructor(private readonly listener: net.Server, readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  static async start(targetPort: number): Promise<CuttableProxy> {
    const port = await freePort()
    const listener = net.createServer()
    const proxy = new CuttableProxy(listener, port)
    listener.on('connection', (client) => proxy.accept(client, targetPort))
    await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve))
    return proxy
  }

  private accept(client: net.Socket, targetPort: number): void {
    client.on('error', () => client.destroy())
    client.once('data', (first: Buffer) => {
      const head = first.toString('latin1')
      const isWebSocket = /^upgrade:\s*websocket/im.test(head)
      if (isWebSocket) this.heads.push(head)
      if (isWebSocket && this.blocked !== null && head.includes(this.blocked)) {
        client.destroy()
        return
      }
      const upstream = net.connect(targetPort, '127.0.0.1')
      const entry = { client, upstream, head }
      this.open.add(entry)
      const drop = () => {
        this.open.delete(entry)
        client.destroy()
        upstream.destroy()
      }
      upstream.on('error', drop)
      upstream.on('close', drop)
      client.on('close', drop)
      upstream.write(first)
      client.pipe(upstream)
      upstream.pipe(client)
    })
  }

  /** WebSocket connections opened so far whose request carries `marker`. */
  webSockets(marker: string): number {
    return this.heads.filter((h) => h.includes(marker)).length
  }

  /** Drops the open WebSockets carrying `marker` and refuses new ones until `unblock()`. */
  cutAndBlock(marker: string): void {
    this.blocked = marker
    for (const entry of [...this.open]) {
      if (/^upgrade:\s*websocket/im.test(entry.head) && entry.head.includes(marker)) {
        entry.client.destroy()
        entry.upstream.destroy()
      }
    }
  }

  unblock(): void {
    this.blocked = null
  }

  async close(): Promise<void> {
    for (const entry of this.open) {
      entry.client.destroy()
      entry.upstream.destroy()
    }
    await new Promise((resolve) => this.listener.close(resolve))
  }
}

/** A server whose public URL is `proxy`'s (the WebSocket checks Origin against it), so the
 * browsers reach it only through the proxy. */
class ServerBehindProxy extends Server {
  constructor(data: string, port: number, configFile: string, proxyUrl: string) {
    super(data, port, configFile)
    ;(this as { url: string }).url = proxyUrl
  }
}

export async function startServerBehindProxy(config = ''): Promise<{ server: Server; proxy: CuttableProxy }> {
  const data = mkdtempSync(path.join(tmpdir(), 'carelive-e2e-'))
  const configFile = path.join(data, 'carelive.toml')
  writeFileSync(configFile, '[throttle]\nsignups_per_address = 10000\nsignups_per_destination = 10000\n' + config, {
    mode: 0o600,
  })
  const port = await freePort()
  const proxy = await CuttableProxy.start(port)
  const server = new ServerBehindProxy(data, port, configFile, proxy.url)
  await server.start()
  return { server, proxy }
}

/** The ICE username fragment of the page's one open RTCPeerConnection's local description. */
export function localUfrag(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed')
    if (pcs.length !== 1) return `${pcs.length} connections`
    return pcs[0]!.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1]
  })
}


/** A STUN Binding request to 127.0.0.1:port gets an answer within 100 ms (coturn is up). */
function stunAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    const request = Buffer.alloc(20)
    request.writeUInt16BE(0x0001, 0) // Binding request, no attributes
    request.writeUInt32BE(0x2112a442, 4) // magic cookie
    randomBytes(12).copy(request, 8)
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.close()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), 100)
    socket.on('message', () => done(true))
    socket.on('error', () => done(false))
    socket.send(request, port, '127.0.0.1')
  })
}

/** A real coturn on loopback with a TURN REST shared secret (the server derives the
 * credentials from the same secret). It can be stopped and started again on the same port,
 * as when the relay host restarts mid-call. */
export class Coturn {
  private proc: ChildProcess | undefined
  private output = ''
  private constructor(readonly port: number, private readonly secret: string, private readonly dir: string) {}

  static async start(secret: string): Promise<Coturn> {
    const turn = new Coturn(await freePort(), secret, mkdtempSync(path.join(tmpdir(), 'carelive-turn-')))
    await turn.start()
    return turn
  }

  /** The server's `[turn]` table for media only through this relay, credentials valid `ttl` s. */
  relayOnlyConfig(ttl = 600): string {
    return `[turn]\nurls = ["turn:127.0.0.1:${this.port}?transport=udp"]\nsecret = "${this.secret}"\nttl_seconds = ${ttl}\npolicy = "relay"\n`
  }

  async start(): Promise<void> {
    const proc = spawn(
      'turnserver',
      [
        '-n', // no configuration file
        '--listening-ip=127.0.0.1',
        '--relay-ip=127.0.0.1',
        `--listening-port=${this.port}`,
        '--min-port=49160',
        '--max-port=49400',
        '--use-auth-secret',
        `--static-auth-secret=${this.secret}`,
        '--realm=carelive.test',
        '--allow-loopback-peers',
        '--no-tls',
        '--no-dtls',
        '--no-tcp-relay',
        '--no-cli',
        '--simple-log',
        `--log-file=${path.join(this.dir, 'turn.log')}`,
        `--pidfile=${path.join(this.dir, 'turn.pid')}`,
        `--userdb=${path.join(this.dir, 'turndb')}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    this.proc = proc
    proc.stdout?.on('data', (d) => (this.output += d))
    proc.stderr?.on('data', (d) => (this.output += d))
    for (let i = 0; i < 100; i++) {
      if (proc.exitCode !== null) break
      if (await stunAnswers(this.port)) return
    }
    let log = ''
    try {
      log = readFileSync(path.join(this.dir, 'turn.log'), 'utf8')
    } catch {
      // no log written
    }
    throw new Error(`turnserver did not start (exit ${proc.exitCode}):\n${this.output}\n${log}`)
  }

  async stop(): Promise<void> {
    const proc = this.proc
    if (!proc || proc.exitCode !== null) return
    const exited = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGTERM')
    await exited
  }

  async close(): Promise<void> {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
