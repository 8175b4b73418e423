import type { Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { expectFrames, fakeMedia, localTrackEnabled, setUpCallWorld, startCall, type CallWorld } from './call-helpers'
import { expect, startServer, test } from './fixtures'

// Issue 4: the call screen's controls in a loopback call between a staff page and a family
// page with Chromium's fake camera and microphone — the front/back camera switch, the screen
// kept awake, the connection-quality indicator, large labelled controls.

test.use(fakeMedia)

let world: CallWorld

test.beforeAll(async () => {
  world = setUpCallWorld(await startServer(), 'ctrlx')
})

test.afterAll(async () => {
  await world.server.stop()
  rmSync(world.server.data, { recursive: true, force: true })
})

/** The id of the track the page's (single open) RTCPeerConnection sends as video. */
function sentVideoTrackId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed')
    return pcs[0]?.getSenders().find((s) => s.track?.kind === 'video')?.track?.id
  })
}

/** The colour in the middle of the first remote video, as [r, g, b]. */
function remoteCentre(page: Page): Promise<number[]> {
  return page.locator('video.call-remote-video').first().evaluate((v: HTMLVideoElement) => {
    const c = document.createElement('canvas')
    c.width = v.videoWidth
    c.height = v.videoHeight
    const g = c.getContext('2d')!
    g.drawImage(v, 0, 0)
    return Array.from(g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data.slice(0, 3))
  })
}

/** Gives the page "another camera": a canvas painted one colour with a moving stripe (so it
 * keeps producing frames), captured as a video track kept in window.__otherCamera. */
function makeOtherCamera(page: Page, colour: string): Promise<string> {
  return page.evaluate((fill) => {
    const c = document.createElement('canvas')
    c.width = 320
    c.height = 240
    const g = c.getContext('2d')!
    let x = 0
    setInterval(() => {
      g.fillStyle = fill
      g.fillRect(0, 0, 320, 240)
      g.fillStyle = '#000'
      g.fillRect((x = (x + 8) % 320), 0, 8, 40)
    }, 33)
    const track = c.captureStream(30).getVideoTracks()[0]!
    ;(window as unknown as { __otherCamera: MediaStreamTrack }).__otherCamera = track
    return track.id
  }, colour)
}

test('camera switch: absent with one camera; switching replaces the sent track without renegotiating, keeps mic/camera states, mirrors only the front camera', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)

  // Chromium's fake capture is one camera that does not say which way it faces: no switch.
  await expect(family.getByRole('button', { name: 'マイクをオフ' })).toBeVisible()
  await expect(family.getByRole('button', { name: 'カメラを切り替え' })).toHaveCount(0)
  // A camera of unknown facing (a webcam) faces the user: the preview is mirrored.
  await expect(family.locator('video.call-local-video')).toHaveClass(/call-local-video--mirrored/)

  const before = await sentVideoTrackId(family)
  const signalingChanges = await family.evaluate(() => {
    const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.find((p) => p.connectionState !== 'closed')!
    const w = window as unknown as { __negotiations: number }
    w.__negotiations = 0
    pc.addEventListener('signalingstatechange', () => w.__negotiations++)
    return w.__negotiations
  })
  await family.getByRole('button', { name: 'マイクをオフ' }).click()

  // Switch to "the back camera": the code path of 「カメラを切り替え」 after getUserMedia.
  const magenta = await makeOtherCamera(family, 'rgb(220, 30, 170)')
  await family.evaluate(() => {
    const w = window as unknown as { __careliveCall: { useVideoTrack(t: MediaStreamTrack, f?: string): Promise<void> }; __otherCamera: MediaStreamTrack }
    return w.__careliveCall.useVideoTrack(w.__otherCamera, 'environment')
  })
  expect(before).toBeTruthy()
  expect(await sentVideoTrackId(family)).toBe(magenta)
  // The staff page receives the new camera's picture on the same connection.
  await expect
    .poll(async () => {
      const [r, g, b] = await remoteCentre(staff)
      return r! > 150 && g! < 100 && b! > 110
    }, { timeout: 15_000 })
    .toBe(true)
  await expectFrames(staff)
  expect(await family.evaluate(() => (window as unknown as { __negotiations: number }).__negotiations)).toBe(signalingChanges)
  // The back camera is not mirrored; the microphone stayed off, the camera on.
  await expect(family.locator('video.call-local-video')).not.toHaveClass(/call-local-video--mirrored/)
  expect(await localTrackEnabled(family, 'audio')).toBe(false)
  expect(await localTrackEnabled(family, 'video')).toBe(true)
  await expect(family.getByRole('button', { name: 'マイクをオン' })).toHaveAttribute('aria-pressed', 'true')

  // Camera off, then back to "the front camera": it stays off, and the preview mirrors again.
  await family.getByRole('button', { name: 'カメラをオフ' }).click()
  const cyan = await makeOtherCamera(family, 'rgb(20, 200, 220)')
  await family.evaluate(() => {
    const w = window as unknown as { __careliveCall: { useVideoTrack(t: MediaStreamTrack, f?: string): Promise<void> }; __otherCamera: MediaStreamTrack }
    return w.__careliveCall.useVideoTrack(w.__otherCamera, 'user')
  })
  expect(await sentVideoTrackId(family)).toBe(cyan)
  expect(await localTrackEnabled(family, 'video')).toBe(false)
  await expect(family.getByRole('button', { name: 'カメラをオン' })).toHaveAttribute('aria-pressed', 'true')
  await expect(family.locator('video.call-local-video')).toHaveClass(/call-local-video--mirrored/)
  // The old camera was let go.
  expect(await family.evaluate((id) => {
    const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.find((p) => p.connectionState !== 'closed')!
    return pc.getSenders().every((s) => s.track?.id !== id)
  }, magenta)).toBe(true)

  await staff.getByRole('button', { name: '終了する' }).click()
  await staff.context().close()
  await family.context().close()
})

test('the screen is kept awake during the call and let go at its end; the quality shows 良好 for each other person', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)
  for (const page of [staff, family]) {
    await expect(page.locator('.call-screen')).toHaveAttribute('data-wake-lock', 'on')
    await expect(page.locator('figure.call-remote').first().locator('.call-quality')).toHaveText('通信状態: 良好', { timeout: 20_000 })
    await expect(page.locator('.call-quality')).toHaveCount(1)
  }
  const held = () => family.evaluate(() => (window as unknown as { __wakeLocks: WakeLockSentinel[] }).__wakeLocks.map((s) => s.released))
  expect(await held()).toEqual([false])

  // A hidden page loses its lock; coming back asks again. Chromium under Playwright never hides
  // a page (minimizing or covering it keeps visibilityState 'visible'), so the test lets go of
  // the lock as the browser would on hiding and sends the visibilitychange of coming back.
  await family.evaluate(() => (window as unknown as { __wakeLocks: WakeLockSentinel[] }).__wakeLocks[0]!.release())
  await expect(family.locator('.call-screen')).toHaveAttribute('data-wake-lock', 'off')
  await family.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
  await expect(family.locator('.call-screen')).toHaveAttribute('data-wake-lock', 'on')
  expect(await held()).toEqual([true, false])

  await family.getByRole('button', { name: '終了する' }).click()
  await expect(family.getByText('ビデオ通話は終了しました。')).toBeVisible()
  expect(await held()).toEqual([true, true])
  await staff.context().close()
  await family.context().close()
})

test('controls are large, labelled with words that follow their state, and show a focus ring', async ({ browser }) => {
  const { staff, family } = await startCall(browser, world)
  for (const page of [staff, family]) {
    const buttons = page.locator('.call-screen button')
    await expect(buttons).toHaveCount(3)
    for (const button of await buttons.all()) {
      const box = (await button.boundingBox())!
      expect(box.height).toBeGreaterThanOrEqual(56)
      expect((await button.innerText()).trim().length).toBeGreaterThan(1)
    }
  }
  const mic = family.getByRole('button', { name: 'マイクをオフ' })
  await expect(mic).toHaveAttribute('aria-pressed', 'false')
  await family.keyboard.press('Tab')
  await mic.focus()
  await family.keyboard.press('Enter')
  const micOn = family.getByRole('button', { name: 'マイクをオン' })
  await expect(micOn).toHaveAttribute('aria-pressed', 'true')
  await expect(micOn).toBeFocused()
  const ring = await micOn.evaluate((b) => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth)
  expect(ring).toBe('solid 3px')
  await staff.getByRole('button', { name: '終了する' }).click()
  await staff.context().close()
  await family.context().close()
})
