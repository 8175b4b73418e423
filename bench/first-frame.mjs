// Time from 「開始する」 to the first decoded remote video frame on the family's call screen, in
// Debian's Chromium with its fake camera and microphone (as web/e2e/call.spec.ts holds a call).
// Run by bench/calls.sh against a server it seeded; on its own:
//
//   BENCH_URL=http://127.0.0.1:PORT BENCH_FACILITY=1 BENCH_RESIDENT=1 \
//   BENCH_STAFF_TOKEN=… BENCH_FAMILY_TOKEN=… node bench/first-frame.mjs
//
// The two people are signed in by their session cookies (tokens from bench/calls_seed.cpp):
// the login page and Argon2id are not what is measured. Per round: staff 「通話を開始」, the
// family page shows 「開始する」, the tap is timed in the page (pointerdown, performance.now()).
// requestVideoFrameCallback on the remote <video> gives its first frame: when it was decoded
// (receiveTime + processingDuration of the WebRTC metadata) and presented. The page also polls
// getStats() of its RTCPeerConnections every few milliseconds until an inbound video stream has
// framesDecoded > 0 (late by the polling itself, but it sees frames decoded before the <video>
// presents one). The first decoded frame is the earlier of the two. Staff 「終了する」 ends the
// round.
// Prints progress on stderr and one `BENCH_JSON {…}` line on stdout.
import { createRequire } from 'node:module'

const require = createRequire(new URL('../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback
  if (v === undefined) throw new Error(`${name} is not set`)
  return v
}
const base = env('BENCH_URL')
const facility = env('BENCH_FACILITY')
const resident = env('BENCH_RESIDENT')
const staffToken = env('BENCH_STAFF_TOKEN')
const familyToken = env('BENCH_FAMILY_TOKEN')
const rounds = Number(env('FRAME_ROUNDS', '10'))
const timeout = 30_000

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  // As web/playwright.config.ts and e2e/call-helpers.ts (fakeMedia).
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
  ],
})

async function open(token, path) {
  const context = await browser.newContext({ baseURL: base, locale: 'ja-JP', viewport: { width: 390, height: 844 } })
  await context.grantPermissions(['camera', 'microphone'], { origin: base })
  await context.addCookies([{ name: 'carelive_session', value: token, url: base, httpOnly: true, sameSite: 'Lax' }])
  // Every RTCPeerConnection of the page, for getStats(); the tap time on 「開始する」.
  await context.addInitScript(() => {
    const w = window
    const Original = w.RTCPeerConnection
    w.__pcs = []
    w.RTCPeerConnection = class extends Original {
      constructor(config) {
        super(config)
        w.__pcs.push(this)
      }
    }
    w.__bench = { tap: null, decoded: null, presented: null }
    document.addEventListener(
      'pointerdown',
      (e) => {
        if (e.target instanceof Element && e.target.closest('button.call-start')) w.__bench.tap = performance.now()
      },
      true,
    )
  })
  const page = await context.newPage()
  page.setDefaultTimeout(timeout)
  await page.goto(path)
  return page
}

// In the family page: from now on, poll for the first decoded remote frame and watch for the
// first presented one.
function arm(page) {
  return page.evaluate(() => {
    const w = window
    w.__bench = { tap: null, decoded: null, presented: null, frameDecoded: null }
    w.__pcs = [] // only this round's connections
    const bench = w.__bench
    const poll = async () => {
      if (bench.decoded !== null) return
      for (const pc of w.__pcs) {
        if (pc.connectionState === 'closed') continue
        try {
          const stats = await pc.getStats()
          stats.forEach((s) => {
            if (bench.decoded === null && s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) bench.decoded = performance.now()
          })
        } catch {
          // closed meanwhile: the next poll skips it
        }
      }
      if (bench.decoded === null) setTimeout(poll, 2)
    }
    poll()
    const watchVideo = () => {
      const v = document.querySelector('video.call-remote-video')
      if (!v) return false
      // For a WebRTC source the metadata says when the frame's last packet arrived and how
      // long decoding took: receiveTime + processingDuration is when it was decoded, without
      // the delay of polling getStats().
      v.requestVideoFrameCallback((now, meta) => {
        if (bench.presented !== null) return
        bench.presented = meta.presentationTime ?? now
        if (meta.receiveTime !== undefined && meta.processingDuration !== undefined)
          bench.frameDecoded = meta.receiveTime + meta.processingDuration * 1000
      })
      return true
    }
    if (!watchVideo()) {
      const observer = new MutationObserver(() => {
        if (watchVideo()) observer.disconnect()
      })
      observer.observe(document.body, { childList: true, subtree: true })
    }
  })
}

const results = []
let failed = 0
try {
  const staff = await open(staffToken, `/staff/${facility}/calls`)
  await staff.locator('#call-resident').selectOption(String(resident))
  const family = await open(familyToken, `/live/residents/${resident}/call`)
  await family.getByText('事業所との予定時間にこの画面を開いてお待ちください。').waitFor()

  for (let i = 1; i <= rounds; i++) {
    await staff.getByRole('button', { name: '通話を開始' }).click()
    const join = family.getByRole('button', { name: '開始する' })
    await join.waitFor()
    await arm(family)
    await join.click()
    await family.waitForFunction(() => window.__bench.tap !== null && (window.__bench.decoded !== null || window.__bench.presented !== null), null, { timeout, polling: 20 })
    // The other figure follows by a frame or a poll; give it a moment.
    await family
      .waitForFunction(() => window.__bench.decoded !== null && window.__bench.presented !== null, null, { timeout: 2000, polling: 20 })
      .catch(() => {})
    const b = await family.evaluate(() => window.__bench)
    const since = (t) => (t === null || t === undefined ? null : t - b.tap)
    // Chromium may decode frames before the <video> shows one (rVFC then reports a later frame),
    // and the poll sees a decoded frame late: the earlier of the two is the first decoded frame.
    const decoded = [since(b.frameDecoded), since(b.decoded)].filter((v) => v !== null)
    const round = {
      first_ms: decoded.length ? Math.min(...decoded) : null,
      decoded_ms: since(b.frameDecoded),
      presented_ms: since(b.presented),
      polled_ms: since(b.decoded),
    }
    results.push(round)
    const show = (v) => (v === null ? '-' : `${v.toFixed(1)} ms`)
    console.error(`  round ${i}: first remote frame decoded ${show(round.first_ms)} (rVFC ${show(round.decoded_ms)}, getStats poll ${show(round.polled_ms)}), presented ${show(round.presented_ms)}`)
    await staff.getByRole('button', { name: '終了する' }).click()
    await family.getByRole('button', { name: '終了する' }).waitFor({ state: 'detached' })
    await staff.getByRole('button', { name: '通話を開始' }).waitFor()
    await new Promise((r) => setTimeout(r, 300))
  }
} catch (e) {
  failed = 1
  console.error(`first-frame: FAIL: ${e.message}`)
} finally {
  await browser.close()
}

const quantile = (values, p) => {
  const v = values.filter((x) => x !== null).sort((a, b) => a - b)
  if (!v.length) return null
  return v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)]
}
const summary = (key) => {
  const v = results.map((r) => r[key]).filter((x) => x !== null)
  if (!v.length) return { rounds: 0 }
  return { rounds: v.length, min_ms: Math.min(...v), p50_ms: quantile(v, 0.5), p90_ms: quantile(v, 0.9), max_ms: quantile(v, 1) }
}
console.log('BENCH_JSON ' + JSON.stringify({ rounds: results.length, asked: rounds, failed, first: summary('first_ms'), decoded: summary('decoded_ms'), presented: summary('presented_ms'), polled: summary('polled_ms'), each: results }))
process.exit(failed)
