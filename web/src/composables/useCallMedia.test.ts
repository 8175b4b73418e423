import { afterEach, describe, expect, it, vi } from 'vitest'
import { useCallMedia } from './useCallMedia'

// Opening our camera and microphone for a call in each mode, with the browser's media API
// stood in for: what is sent, what the others are told, what a refusal says.

class FakeTrack {
  enabled = true
  stopped = false
  constructor(readonly kind: 'audio' | 'video') {}
  stop(): void {
    this.stopped = true
  }
  getSettings(): MediaTrackSettings {
    return {}
  }
  getCapabilities(): MediaTrackCapabilities {
    return {}
  }
}

class FakeStream {
  constructor(private readonly tracks: FakeTrack[] = []) {}
  getTracks(): FakeTrack[] {
    return this.tracks
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio')
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'video')
  }
}

/** A browser whose person allows what `allowed` lists and refuses the rest. */
function browser(allowed: ('audio' | 'video')[]) {
  const asked: MediaStreamConstraints[] = []
  vi.stubGlobal('MediaStream', FakeStream)
  vi.stubGlobal('navigator', {
    mediaDevices: {
      getUserMedia: async (c: MediaStreamConstraints) => {
        asked.push(c)
        const wanted = (['audio', 'video'] as const).filter((k) => c[k])
        if (wanted.some((k) => !allowed.includes(k))) throw new DOMException('Permission denied', 'NotAllowedError')
        return new FakeStream(wanted.map((k) => new FakeTrack(k)))
      },
      enumerateDevices: async () => [],
    },
  })
  return asked
}

function setUp() {
  const changed = vi.fn()
  const media = useCallMedia({ sendVideo: async () => undefined, changed })
  return { media, changed }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('useCallMedia', () => {
  it('opens camera and microphone, both on', async () => {
    browser(['audio', 'video'])
    const { media } = setUp()
    expect(await media.open()).toBe(true)
    expect([media.hasMic.value, media.hasCamera.value, media.micOn.value, media.camOn.value]).toEqual([true, true, true, true])
    expect(media.mediaState()).toEqual({ camera: true, mic: true })
    expect(media.mediaProblem.value).toBe('')
  })

  it('says denied when the camera is refused, and voice only then opens the microphone alone', async () => {
    const asked = browser(['audio'])
    const { media, changed } = setUp()
    expect(await media.open()).toBe(false)
    expect(media.mediaProblem.value).toBe('denied')
    expect(await media.open('audio')).toBe(true)
    expect(asked.at(-1)).toEqual({ audio: true })
    expect(media.mediaProblem.value).toBe('')
    expect([media.hasMic.value, media.hasCamera.value, media.micOn.value, media.camOn.value]).toEqual([true, false, true, false])
    // The others are told the camera is off; there is no camera to switch on.
    expect(media.mediaState()).toEqual({ camera: false, mic: true })
    media.toggleCam()
    expect(changed).not.toHaveBeenCalled()
    expect(media.mediaState()).toEqual({ camera: false, mic: true })
    media.toggleMic()
    expect(changed).toHaveBeenCalledTimes(1)
    expect(media.mediaState()).toEqual({ camera: false, mic: false })
    expect(media.localStream.value!.getAudioTracks()[0]!.enabled).toBe(false)
  })

  it('says micDenied when the microphone is refused too, and receive only asks the browser for nothing', async () => {
    const asked = browser([])
    const { media } = setUp()
    expect(await media.open('audio')).toBe(false)
    expect(media.mediaProblem.value).toBe('micDenied')
    const before = asked.length
    expect(await media.open('none')).toBe(true)
    expect(asked.length).toBe(before)
    expect(media.localStream.value!.getTracks()).toEqual([])
    expect(media.mediaState()).toEqual({ camera: false, mic: false })
    expect(media.mediaProblem.value).toBe('')
  })

  it('forgets a problem when told the call it was about is over', async () => {
    browser([])
    const { media } = setUp()
    await media.open()
    expect(media.mediaProblem.value).toBe('denied')
    media.clearProblem()
    expect(media.mediaProblem.value).toBe('')
  })
})
