import { describe, expect, it } from 'vitest'
import { groupedKey } from './secondFactor'

describe('groupedKey', () => {
  it('groups the key in fours for copying by hand', () => {
    expect(groupedKey('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')
  })
  it('leaves a short last group as it is', () => {
    expect(groupedKey('ABCDEF')).toBe('ABCD EF')
    expect(groupedKey('')).toBe('')
  })
})
