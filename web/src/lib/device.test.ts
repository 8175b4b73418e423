import { describe, expect, it } from 'vitest'
import { describeDevice } from './device'

const UA = {
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  iphoneChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1',
  iphoneLine:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.13.0',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  pixel: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
  androidSamsung:
    'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  macFirefox: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0',
  linuxChromium: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
}

describe('describeDevice', () => {
  it('names the system and the browser of common phones and computers', () => {
    expect(describeDevice(UA.iphoneSafari)).toEqual({ system: 'iPhone', browser: 'Safari' })
    expect(describeDevice(UA.iphoneChrome)).toEqual({ system: 'iPhone', browser: 'Chrome' })
    expect(describeDevice(UA.iphoneLine)).toEqual({ system: 'iPhone', browser: 'LINE' })
    expect(describeDevice(UA.androidChrome)).toEqual({ system: 'Android', browser: 'Chrome' })
    expect(describeDevice(UA.pixel)).toEqual({ system: 'Android', browser: 'Chrome' })
    expect(describeDevice(UA.androidSamsung)).toEqual({ system: 'Android', browser: 'Samsung Internet' })
    expect(describeDevice(UA.windowsEdge)).toEqual({ system: 'Windows', browser: 'Edge' })
    expect(describeDevice(UA.macFirefox)).toEqual({ system: 'Mac', browser: 'Firefox' })
    expect(describeDevice(UA.linuxChromium)).toEqual({ system: 'Linux', browser: 'Chrome' })
  })

  it('says what it knows when only one part is recognised', () => {
    expect(describeDevice('curl/8.5.0 Safari/1.0')).toEqual({ system: null, browser: 'Safari' })
    expect(describeDevice('SomeApp (Android 14)')).toEqual({ system: 'Android', browser: null })
  })

  it('gives null for an agent it cannot name (the page says 「不明な端末」), never the raw string', () => {
    expect(describeDevice('')).toBeNull()
    expect(describeDevice('curl/8.5.0')).toBeNull()
    expect(describeDevice('curl/8.0')).toBeNull()
  })
})
