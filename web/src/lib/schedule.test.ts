import { describe, expect, it } from 'vitest'
import { browserZone, browserZoneDiffers, formatCallTime, zoneDate, zoneName } from './schedule'

// 2026-12-01 05:00 UTC = 14:00 in Tokyo (a Tuesday).
const AT = '2026-12-01T05:00:00Z'
const NOW = new Date('2026-11-24T00:00:00Z')

describe('scheduled call times', () => {
  it('show the facility wall clock with the Japanese weekday', () => {
    expect(formatCallTime(AT, 'Asia/Tokyo', 'ja', NOW)).toBe('12月1日（火）14:00')
    expect(formatCallTime(AT, 'Asia/Tokyo', 'en', NOW)).toBe('Tue 1 Dec, 14:00')
  })

  it('follow the facility zone, not the browser', () => {
    expect(formatCallTime(AT, 'America/New_York', 'ja', NOW)).toBe('12月1日（火）0:00')
  })

  it('name the year only when it is not this year', () => {
    expect(formatCallTime('2027-01-16T05:00:00Z', 'Asia/Tokyo', 'ja', NOW)).toBe('2027年1月16日（土）14:00')
  })

  it('give the zone calendar date and name', () => {
    expect(zoneDate('Asia/Tokyo', new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01')
    expect(zoneName('Asia/Tokyo', 'ja')).toBe('日本標準時')
    expect(browserZoneDiffers(browserZone())).toBe(false)
  })
})
