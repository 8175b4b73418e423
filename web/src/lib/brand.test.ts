import { describe, expect, it } from 'vitest'
import { DEFAULT_BRAND, parseBrand, withBrand } from './brand'

describe('parseBrand', () => {
  it('takes the names the server is configured with', () => {
    expect(parseBrand({ live: 'ふじLive', pass: 'ふじPass' })).toEqual({ live: 'ふじLive', pass: 'ふじPass' })
    expect(parseBrand({ live: '  ふじLive ', pass: 'ふじPass\n' })).toEqual({ live: 'ふじLive', pass: 'ふじPass' })
  })

  it('keeps the built-in names when the answer has none (an older server)', () => {
    expect(DEFAULT_BRAND).toEqual({ live: 'CareLive', pass: 'CareLive Pass' })
    for (const raw of [undefined, null, 'CareLive', 42, [], {}]) expect(parseBrand(raw)).toEqual(DEFAULT_BRAND)
  })

  it('falls back name by name for anything unusable', () => {
    expect(parseBrand({ live: 'ふじLive', pass: '' })).toEqual({ live: 'ふじLive', pass: 'CareLive Pass' })
    expect(parseBrand({ live: 7, pass: 'ふじPass' })).toEqual({ live: 'CareLive', pass: 'ふじPass' })
    expect(parseBrand({ live: '   ', pass: 'x'.repeat(41) })).toEqual(DEFAULT_BRAND)
    expect(parseBrand({ live: 'x'.repeat(40) }).live).toBe('x'.repeat(40))
  })
})

describe('withBrand', () => {
  it('adds the names for {live} and {pass}; the caller’s own values win', () => {
    expect(withBrand(DEFAULT_BRAND)).toEqual({ live: 'CareLive', pass: 'CareLive Pass' })
    expect(withBrand(DEFAULT_BRAND, { field: '姓', pass: 'P' })).toEqual({ live: 'CareLive', pass: 'P', field: '姓' })
  })
})
