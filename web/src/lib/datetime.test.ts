import { describe, expect, it } from 'vitest'
import { jstShort } from './datetime'

describe('jstShort', () => {
  it('shows Japan time whatever the device zone', () => {
    expect(jstShort('2026-12-03T18:40:00Z')).toBe('12/4 03:40')
    expect(jstShort('2026-12-31T15:00:00Z')).toBe('1/1 00:00')
  })
})
