import { describe, expect, it } from 'vitest'
import { fallbackFor, helpPlatforms, isRefusal, mediaConstraints, mediaProblemOf } from './callMedia'

describe('call media', () => {
  it('asks for camera and microphone, the microphone alone, or nothing', () => {
    expect(mediaConstraints('full')).toEqual({ audio: true, video: { facingMode: 'user' } })
    expect(mediaConstraints('audio')).toEqual({ audio: true })
    expect(mediaConstraints('none')).toBeNull()
  })

  it('reads a refusal as denied and any other failure as unavailable, per mode', () => {
    const refused = new DOMException('Permission denied', 'NotAllowedError')
    expect(mediaProblemOf(refused, 'full')).toBe('denied')
    expect(mediaProblemOf(new DOMException('insecure', 'SecurityError'), 'full')).toBe('denied')
    expect(mediaProblemOf(new DOMException('no camera', 'NotFoundError'), 'full')).toBe('unavailable')
    expect(mediaProblemOf(new DOMException('in use', 'NotReadableError'), 'full')).toBe('unavailable')
    expect(mediaProblemOf(new TypeError('no mediaDevices'), 'full')).toBe('unavailable')
    expect(mediaProblemOf(refused, 'audio')).toBe('micDenied')
    expect(mediaProblemOf(new DOMException('no microphone', 'NotFoundError'), 'audio')).toBe('micUnavailable')
  })

  it('offers voice only after the camera failed, receive only after the microphone failed too', () => {
    expect(fallbackFor('denied')).toBe('audio')
    expect(fallbackFor('unavailable')).toBe('audio')
    expect(fallbackFor('micDenied')).toBe('none')
    expect(fallbackFor('micUnavailable')).toBe('none')
    expect(fallbackFor('')).toBeNull()
    expect([isRefusal('denied'), isRefusal('micDenied'), isRefusal('unavailable'), isRefusal('micUnavailable')]).toEqual([true, true, false, false])
  })

  it('shows the steps of the person\'s own phone first', () => {
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
    const android = 'Mozilla/5.0 (Linux; Android 14; SH-M26) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'
    const ipad = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'
    expect(helpPlatforms(iphone)).toEqual(['iphone', 'android'])
    expect(helpPlatforms(android)).toEqual(['android', 'iphone'])
    expect(helpPlatforms(ipad, 5)).toEqual(['iphone', 'android'])
    expect(helpPlatforms('Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0 Safari/537.36')).toEqual(['iphone', 'android'])
  })
})
