import type { Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expectFrames, fakeMedia, openAs, selectedCandidateTypes, setUpCallWorld, startCall, type CallWorld } from './call-helpers'
import { expect, freePort, startServer, test } from './fixtures'

// Issue 4 part 6/8: a relay-only call (`[turn] policy = "relay"` → iceTransportPolicy 'relay')
// through a real coturn that this spec starts on loopback with a TURN REST shared secret; the
// server hands out credentials derived from the same secret. Frames arrive and the selected
// candidate pair on both sides is a relayed one.

test.use(fakeMedia)

const secret = 'relay-test-shared-secret'
let turn: ChildProcess
let turnDir: string
let turnLog = ''
let world: CallWorld
let turnPort: number

function readLog(): string {
  try {
    return readFileSync(path.join(turnDir, 'turn.log'), 'utf8')
  } catch {
    return ''
  }
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

async function startTurn(port: number): Promise<void> {
  turnDir ??= mkdtempSync(path.join(tmpdir(), 'carelive-turn-'))
  turn = spawn(
    'turnserver',
    [
      '-n', // no configuration file
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--min-port=49160',
      '--max-port=49400',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=carelive.test',
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-tcp-relay',
      '--no-cli',
      '--simple-log',
      `--log-file=${path.join(turnDir, 'turn.log')}`,
      `--pidfile=${path.join(turnDir, 'turn.pid')}`,
      `--userdb=${path.join(turnDir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  turn.stdout?.on('data', (d) => (turnLog += d))
  turn.stderr?.on('data', (d) => (turnLog += d))
  for (let i = 0; i < 100; i++) {
    if (turn.exitCode !== null) break
    if (await stunAnswers(port)) return
  }
  throw new Error(`turnserver did not start (exit ${turn.exitCode}):\n${turnLog}\n${readLog()}`)
}

async function stopTurn(): Promise<void> {
  if (!turn || turn.exitCode !== null) return
  const exited = new Promise((r) => turn.once('exit', r))
  turn.kill('SIGTERM')
  await exited
}

test.beforeAll(async () => {
  const port = (turnPort = await freePort())
  await startTurn(port)
  const server = await startServer(
    {},
    `[turn]\nurls = ["turn:127.0.0.1:${port}?transport=udp"]\nsecret = "${secret}"\nttl_seconds = 600\npolicy = "relay"\n`,
  )
  world = setUpCallWorld(server, 'relayx')
})

test.afterAll(async () => {
  await world?.server.stop()
  if (world) rmSync(world.server.data, { recursive: true, force: true })
  await stopTurn()
  if (turnDir) rmSync(turnDir, { recursive: true, force: true })
})

test('relay-only call through coturn on loopback: frames arrive and the selected pair is relayed', async ({ browser }) => {
  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
  const ice = await staff.evaluate(() => fetch('/api/v1/calls/ice-servers').then((r) => r.json()))
  expect(ice.ice_transport_policy).toBe('relay')

  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  const family = await openAs(browser, world.server, world.families[0]!, `/live/residents/${world.A}/call`)
  await expect(staff.locator('.call-presence')).toContainText('駿河 花子')
  await staff.getByRole('button', { name: '通話を開始' }).click()
  await family.getByRole('button', { name: '開始する' }).click()

  await expectFrames(family)
  await expectFrames(staff)

  for (const page of [staff, family]) {
    await expect.poll(() => selectedCandidateTypes(page), { timeout: 10_000 }).toEqual([{ local: 'relay', remote: 'relay' }])
  }
  // A relay candidate exists only when coturn accepted an Allocate with the credential the
  // server derived from the shared secret (a wrong secret leaves ICE with no candidates at all).

  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(family.getByText('ビデオ通話は終了しました。')).toBeVisible()
  await staff.context().close()
  await family.context().close()
})

/** The ICE username fragment of the page's one open RTCPeerConnection's local description. */
function localUfrag(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed')
    if (pcs.length !== 1) return `${pcs.length} connections`
    return pcs[0]!.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1]
  })
}

// Issue 4 (「再接続中」): the only media path (the TURN relay) dies mid-call. Both sides say
// 「再接続中」 and keep restarting ICE; when coturn is back on the same port, the next ICE restart
// (same RTCPeerConnection, new ICE credentials) finds a relayed path and frames flow again.
test('the relay goes away mid-call: 再接続中 on both sides, then ICE restarts and the call goes on', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)
  const ufrags = [await localUfrag(staff), await localUfrag(family)]
  const reconnecting = (page: Page) => page.getByRole('status').filter({ hasText: '再接続中' })
  for (const page of [staff, family]) await expect(reconnecting(page)).toHaveCount(0)

  await stopTurn()
  // Chromium declares the path lost once its consent checks go unanswered for some seconds.
  for (const page of [staff, family]) await expect(reconnecting(page)).toBeVisible({ timeout: 30_000 })
  await expect(family.locator('.call-screen')).toHaveAttribute('data-reconnecting', 'yes')
  await expect(family.locator('.call-quality')).toHaveText('通信状態: 不安定')

  await startTurn(turnPort)
  for (const page of [staff, family]) await expect(reconnecting(page)).toHaveCount(0, { timeout: 45_000 })
  await expectFrames(family)
  await expectFrames(staff)
  for (const page of [staff, family]) {
    await expect.poll(() => selectedCandidateTypes(page), { timeout: 10_000 }).toEqual([{ local: 'relay', remote: 'relay' }])
    await expect(page.locator('.call-quality')).toHaveText('通信状態: 良好', { timeout: 20_000 })
  }
  // Recovered by an ICE restart on the same connection, not a new one.
  const after = [await localUfrag(staff), await localUfrag(family)]
  for (const [i, u] of after.entries()) {
    expect(u).toMatch(/^[A-Za-z0-9+/]+$/)
    expect(u).not.toBe(ufrags[i])
  }

  await staff.getByRole('button', { name: '終了する' }).click()
  await expect(family.getByText('ビデオ通話は終了しました。')).toBeVisible()
  await staff.context().close()
  await family.context().close()
})
