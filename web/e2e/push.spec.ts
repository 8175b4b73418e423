import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from '@playwright/test'
import { fakeMedia, openAs, setUpCallWorld, type CallWorld } from './call-helpers'
import { expect, startServer, test } from './fixtures'

// SPEC 13 "Web Push", in Chromium against the real server and a real push service stand-in
// (bench/push_sink: checks each request's VAPID token and decrypts the message as a browser's
// push service would): 「通知を受け取る」 subscribes this device; a started call reaches it; the
// service worker shows the notice (delivered through the DevTools protocol) and a tap on it
// opens the resident's call screen.
//
// Chromium here has no way to reach Google's push service, so the page's PushManager hands out
// a subscription of the stand-in (an init script) — everything after it is the app's own code.

test.use(fakeMedia)

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

interface SinkSubscription {
  id: string
  endpoint: string
  keys: { p256dh: string; auth: string }
}
interface SinkMessage {
  id: string
  plaintext: string
  ttl: number
  urgency: string
  topic: string
}

let world: CallWorld
let sink: ChildProcess
const subscriptions: SinkSubscription[] = []
const received: SinkMessage[] = []

test.beforeAll(async () => {
  sink = spawn(path.join(root, 'build', 'push_sink'), ['--subscriptions', '2'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: sink.stdout! })
  await new Promise<void>((ready, fail) => {
    sink.once('exit', (code) => fail(new Error(`push_sink exited (${code}); build it: cmake --build build --target push_sink`)))
    let first = true
    lines.on('line', (line) => {
      if (first) {
        first = false
        return
      }
      const m = JSON.parse(line) as SinkSubscription & SinkMessage
      if (m.endpoint) subscriptions.push(m)
      else received.push(m)
      if (subscriptions.length === 2) ready()
    })
  })
  const server = await startServer({}, '[push]\nallow_http = true\nallowed_hosts = ["127.0.0.1"]\n')
  world = setUpCallWorld(server, 'pushcall')
})
test.afterAll(async () => {
  sink?.kill('SIGTERM')
  await world?.server.stop()
  if (world) rmSync(world.server.data, { recursive: true, force: true })
})

/** The person allows notifications (as well as what openAs allowed). */
async function allowNotifications(context: BrowserContext): Promise<void> {
  await context.grantPermissions(['camera', 'microphone', 'screen-wake-lock', 'notifications'], { origin: world.server.url })
}

/** The page's PushManager gives out the stand-in's subscription `sub` (kept over reloads). */
async function pushThrough(context: BrowserContext, sub: SinkSubscription): Promise<void> {
  await allowNotifications(context)
  await context.addInitScript((s: SinkSubscription) => {
    const stored = 'carelive-test-push-key'
    const make = (key: ArrayBuffer) => ({
      endpoint: s.endpoint,
      options: { applicationServerKey: key, userVisibleOnly: true },
      toJSON: () => ({ endpoint: s.endpoint, keys: s.keys }),
      unsubscribe: async () => {
        localStorage.removeItem(stored)
        return true
      },
    })
    const bytes = (b: string) => Uint8Array.from(atob(b), (c) => c.charCodeAt(0)).buffer
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer)
      localStorage.setItem(stored, btoa(String.fromCharCode(...key)))
      return make(key.buffer) as unknown as PushSubscription
    }
    PushManager.prototype.getSubscription = async function () {
      const key = localStorage.getItem(stored)
      return (key ? make(bytes(key)) : null) as unknown as PushSubscription
    }
  }, sub)
}

async function waitForPush(id: string, title: string): Promise<SinkMessage> {
  let found: SinkMessage | undefined
  await expect
    .poll(() => (found = received.find((m) => m.id === id && JSON.parse(m.plaintext).title === title)), {
      message: `a push to ${id} titled ${title}`,
      timeout: 15_000,
    })
    .toBeTruthy()
  return found!
}

test('「通知を受け取る」 on home; a started call reaches the device through its push service', async ({ browser }) => {
  const family = await openAs(browser, world.server, world.families[0]!, `/live/residents/${world.A}`)
  await pushThrough(family.context(), subscriptions[0]!)
  await family.reload()
  const toggle = family.getByRole('switch', { name: '通知を受け取る' })
  await expect(toggle).not.toBeChecked()
  await expect(family.getByText('この端末では通知を受け取っていません。')).toBeVisible()
  await toggle.check()
  await expect(family.getByText('この端末で通知を受け取ります。')).toBeVisible()
  // The server knows the device now, and the switch says so after a reload.
  await family.reload()
  await expect(family.getByRole('switch', { name: '通知を受け取る' })).toBeChecked()

  const staff = await openAs(browser, world.server, world.staff, `/staff/${world.X}/calls`)
  await staff.getByLabel('利用者', { exact: true }).selectOption({ label: '駿河 市子' })
  await staff.getByRole('button', { name: '通話を開始' }).click()
  const push = await waitForPush(subscriptions[0]!.id, 'コール園からビデオ通話です')
  expect(push.urgency).toBe('high')
  expect(push.topic).toBe(`call-${world.A}`)
  expect(push.ttl).toBeGreaterThan(0)
  expect(push.ttl).toBeLessThanOrEqual(60)
  expect(JSON.parse(push.plaintext).url).toBe(`/live/residents/${world.A}/call`)

  // Staff see the reach (SPEC 13): notified on one device, not on the call screen yet.
  const reach = staff.locator('.call-reach')
  await expect(reach.getByText('ご家族はまだ通話画面を開いていません')).toBeVisible()
  const hanako = reach.locator('.call-reach__person').filter({ hasText: '駿河 花子' })
  await expect(hanako).toContainText('通話画面を開いていません')
  await expect(hanako).toContainText('通知を送りました（1台）')
  await family.goto(`/live/residents/${world.A}/call`)
  await expect(hanako).toContainText('通話画面を開いています')
  await expect(reach.getByText('ご家族はまだ通話画面を開いていません')).toHaveCount(0)
  await staff.screenshot({ path: '/tmp/reach-shots/push-reach.png', fullPage: true })
  await family.goBack()

  // Nobody answers; staff end it: the notice is replaced by one saying it is over.
  await staff.getByRole('button', { name: '終了する' }).click()
  const over = await waitForPush(subscriptions[0]!.id, '通話は終了しました')
  expect(over.topic).toBe(`call-${world.A}`)

  // Turned off: the server forgets the device.
  await family.getByRole('switch', { name: '通知を受け取る' }).uncheck()
  await expect(family.getByText('この端末では通知を受け取っていません。')).toBeVisible()
  await staff.context().close()
  await family.context().close()
})

async function notifications(page: Page): Promise<{ title: string; body: string; tag: string }[]> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready
    return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }))
  })
}

test('the service worker shows a pushed call, and a tap on it opens the call screen', async ({ browser }) => {
  const family = await openAs(browser, world.server, world.families[0]!, `/live/announcements`)
  const context = family.context()
  await allowNotifications(context)
  await family.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))

  // What the push service hands the browser, delivered to the service worker by DevTools.
  const cdp = await context.newCDPSession(family)
  const registration = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
      const r = e.registrations.find((x) => !x.isDeleted && x.scopeURL.startsWith(world.server.url))
      if (r) resolve(r.registrationId)
    }),
  )
  await cdp.send('ServiceWorker.enable')
  const notice = {
    title: 'コール園からビデオ通話です',
    body: '駿河市子様とのビデオ通話が届いています。タップすると通話画面が開きます。',
    url: `/live/residents/${world.A}/call`,
    tag: `call-${world.A}`,
  }
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: world.server.url,
    registrationId: await registration,
    data: JSON.stringify(notice),
  })
  await expect.poll(() => notifications(family)).toEqual([{ title: notice.title, body: notice.body, tag: notice.tag }])

  // A tap: the open window comes to the call screen.
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
  await worker.evaluate(async () => {
    const sw = self as unknown as ServiceWorkerGlobalScope
    const [n] = await sw.registration.getNotifications()
    sw.dispatchEvent(new NotificationEvent('notificationclick', { notification: n! }))
  })
  await expect(family).toHaveURL(new RegExp(`/live/residents/${world.A}/call$`))
  await expect(family.getByText('事業所との予定時間にこの画面を開いてお待ちください。')).toBeVisible()
  await expect.poll(() => notifications(family)).toEqual([])
  await context.close()
})
