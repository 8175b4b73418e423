import { describe, expect, it } from 'vitest'
import { Backoff } from './backoff'

describe('Backoff', () => {
  it('doubles the pause after each attempt up to the ceiling', () => {
    const b = new Backoff(500, 8000)
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000])
  })
  it('starts again from the first pause after a success', () => {
    const b = new Backoff(2000, 10_000)
    b.next()
    b.next()
    b.reset()
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([2000, 4000, 8000, 10_000])
  })
})
