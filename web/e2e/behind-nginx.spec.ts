import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { WebSocket } from '@playwright/test'
import { expectFrames, fakeMedia, openAs, setUpCallWorld, type CallWorld } from './call-helpers'
import { expect, freePort, startInstalledServer, startServer, test } from './fixtures'

// Issue 10: CareLive as a facility runs it — behind nginx with TLS, through the project's own
// deploy/nginx/carelive.conf (only the parts the file says to edit are changed: ports,
// server_name, certificate, upstream). Over HTTPS: the redirect from HTTP, HSTS, __Host-
// cookies, an access log without tokens; a family waits on the call screen for 75 s without a
// word on the WebSocket (nginx's default proxy_read_timeout is 60 s), then staff start the
// call and frames arrive both ways. tests/package/install_test.sh runs it once more against the
// installed Debian package: the unit's ExecStart as its user, on /etc/carelive/carelive.toml.

test.use(fakeMedia)

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

let world: CallWorld
let nginx: ChildProcess
let work: string
let httpsUrl: string
let httpPort: number

/** deploy/nginx/carelive.conf with only its EDIT lines changed, inside a minimal nginx.conf. */
function nginxConfig(site: string, dir: string, upstream: number, http: number, https: number): string {
  const edited = site
    .replace(/server 127\.0\.0\.1:8080;/, `server 127.0.0.1:${upstream};`)
    .replace(/listen 80;/, `listen 127.0.0.1:${http};`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${https} ssl http2;`)
    .replace(/^\s*listen \[::\].*$/gm, '')
    .replace(/server_name live\.example\.jp;/g, 'server_name 127.0.0.1;')
    .replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${dir}/cert.pem;`)
    .replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${dir}/key.pem;`)
    .replace(/\/var\/log\/nginx\/carelive\.access\.log/g, `${dir}/access.log`)
    .replace(/root \/var\/www\/html;/, `root ${dir};`)
  expect(edited).toContain(`server 127.0.0.1:${upstream};`)
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events { worker_connections 256; }',
    'http {',
    `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;`,
    `  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
    edited,
    '}',
  ].join('\n')
}

test.beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'carelive-nginx-'))
  execFileSync('chmod', ['755', work]) // nginx's workers may run as another user
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem')], { stdio: 'ignore' })
  const [http, https] = [await freePort(), await freePort()]
  httpPort = http
  httpsUrl = `https://127.0.0.1:${https}`
  // The installed package's service when tests/package/install_test.sh runs this spec; the
  // build's binary on a temp store otherwise.
  const server = process.env.CARELIVE_INSTALLED
    ? await startInstalledServer(httpsUrl)
    : await startServer({}, '[server]\ntrust_proxy = true\n', httpsUrl)
  world = setUpCallWorld(server, `nginx${process.pid}`)
  const site = readFileSync(path.join(root, 'deploy', 'nginx', 'carelive.conf'), 'utf8')
  const conf = path.join(work, 'nginx.conf')
  writeFileSync(conf, nginxConfig(site, work, server.port, http, https))
  nginx = spawn('nginx', ['-c', conf, '-p', work], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  nginx.stderr?.on('data', (d) => (log += d))
  await expect
    .poll(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${http}/healthz`, { redirect: 'manual' })).status
      } catch {
        return 0
      }
    }, { message: `nginx did not start: ${log}`, timeout: 15_000 })
    .toBe(301)
})

test.afterAll(async () => {
  nginx?.kill('SIGQUIT')
  await world?.server.stop()
  if (world && !world.server.launch) rmSync(world.server.data, { recursive: true, force: true })
  rmSync(work, { recursive: true, force: true })
})

test('over HTTPS through the shipped nginx site: redirect, HSTS, __Host- cookies, no token in the log', async ({ browser }) => {
  const redirect = await fetch(`http://127.0.0.1:${httpPort}/password/reset?token=abc`, { redirect: 'manual' })
  expect(redirect.status).toBe(301)
  expect(redirect.headers.get('location')).toMatch(/^https:\/\/127\.0\.0\.1/)

  const context = await browser.newContext({ baseURL: httpsUrl, ignoreHTTPSErrors: true })
  const page = await context.newPage()
  const answer = await page.goto('/password/reset?token=not-a-real-token')
  expect(answer!.headers()['strict-transport-security']).toContain('max-age=')
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  const names = (await context.cookies()).map((c) => c.name)
  expect(names).toContain('__Host-carelive_csrf')
  expect(names.filter((n) => n.startsWith('carelive_'))).toEqual([])
  await context.close()
  const access = readFileSync(path.join(work, 'access.log'), 'utf8')
  expect(access).toContain('/password/reset')
  expect(access).not.toContain('token=')
})

test('a family waits 75 s on the call screen behind nginx, then the call comes through both ways', async ({ browser }) => {
  test.setTimeout(240_000)
  const family = await openAs(browser, world.server, world.families[0]!, '/account', httpsUrl)
  // From a blank page: the app's socket of the page before (its ringing banner) is gone.
  await family.goto('about:blank')
  const sockets: WebSocket[] = []
  family.on('websocket', (ws) => sockets.push(ws)) // the call screen's WebSocket from its start
  await family.goto(`/live/residents/${world.A}/call`)
  await expect(family.getByText('事業所との予定時間にこの画面を開いてお待ちください。')).toBeVisible()
  await expect.poll(() => sockets.length).toBe(1)
  expect(sockets[0]!.url()).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/api\/v1\/ws/) // through nginx, over TLS

  // Longer than nginx's default 60-second read timeout, with nothing said on the socket: the
  // server's pings keep it open, and the screen never had to reconnect.
  await family.waitForTimeout(75_000)
  expect(sockets.length).toBe(1)
  expect(sockets[0]!.isClosed()).toBe(false)

  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`, httpsUrl)
  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  await expect(staff.locator('.call-presence')).toContainText('駿河 花子')
  await staff.getByRole('button', { name: '通話を開始' }).click()
  await family.getByRole('button', { name: '開始する' }).click()
  await expectFrames(family)
  await expectFrames(staff)
  expect(sockets.length).toBe(1)
  await staff.context().close()
  await family.context().close()
})
