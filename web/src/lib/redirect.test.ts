import { describe, expect, it } from 'vitest'
import { safeRedirect } from './redirect'

describe('safeRedirect', () => {
  it('keeps paths of this app, with their query', () => {
    expect(safeRedirect('/account/kana')).toBe('/account/kana')
    expect(safeRedirect('/account?x=1')).toBe('/account?x=1')
    expect(safeRedirect(['/account/name', '/x'])).toBe('/account/name')
  })
  it('refuses other sites and odd values', () => {
    for (const v of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'account', '', undefined, null, 5]) {
      expect(safeRedirect(v)).toBe('/account')
    }
  })
  it('never sends back to the login page', () => {
    expect(safeRedirect('/login')).toBe('/account')
    expect(safeRedirect('/login?redirect=/login')).toBe('/account')
  })
})
