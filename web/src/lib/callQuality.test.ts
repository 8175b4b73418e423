import { describe, expect, it } from 'vitest'
import { classifyQuality, intervalLoss, readStats, type StatsEntry } from './callQuality'

describe('classifyQuality', () => {
  it('calls a short round trip, no loss and smooth video good', () => {
    expect(classifyQuality({ rtt: 0.02, loss: 0, fps: 30 })).toBe('good')
  })
  it('ignores what is unknown', () => {
    expect(classifyQuality({ rtt: null, loss: null, fps: null })).toBe('good')
    expect(classifyQuality({ rtt: null, loss: null, fps: 3 })).toBe('poor')
  })
  it('takes the worst of the three measures', () => {
    expect(classifyQuality({ rtt: 0.35, loss: 0, fps: 30 })).toBe('fair')
    expect(classifyQuality({ rtt: 0.05, loss: 0.03, fps: 30 })).toBe('fair')
    expect(classifyQuality({ rtt: 0.05, loss: 0, fps: 12 })).toBe('fair')
    expect(classifyQuality({ rtt: 0.7, loss: 0, fps: 30 })).toBe('poor')
    expect(classifyQuality({ rtt: 0.05, loss: 0.1, fps: 30 })).toBe('poor')
    expect(classifyQuality({ rtt: 0.05, loss: 0, fps: 5 })).toBe('poor')
    expect(classifyQuality({ rtt: 0.4, loss: 0.1, fps: 12 })).toBe('poor')
  })
  it('puts a round trip or loss on the boundary on the worse side, 15 fps is still smooth', () => {
    expect(classifyQuality({ rtt: 0.3, loss: 0, fps: 30 })).toBe('fair')
    expect(classifyQuality({ rtt: 0.6, loss: 0, fps: 30 })).toBe('poor')
    expect(classifyQuality({ rtt: 0, loss: 0.02, fps: 30 })).toBe('fair')
    expect(classifyQuality({ rtt: 0, loss: 0.08, fps: 30 })).toBe('poor')
    expect(classifyQuality({ rtt: 0, loss: 0, fps: 15 })).toBe('good')
    expect(classifyQuality({ rtt: 0, loss: 0, fps: 8 })).toBe('fair')
  })
  it('does not trip over numbers that are not finite', () => {
    expect(classifyQuality({ rtt: Number.NaN, loss: Number.POSITIVE_INFINITY, fps: Number.NaN })).toBe('good')
  })
})

describe('intervalLoss', () => {
  it('measures the loss since the last sample, not since the start', () => {
    expect(intervalLoss(null, { received: 90, lost: 10 })).toBeCloseTo(0.1)
    expect(intervalLoss({ received: 90, lost: 10 }, { received: 190, lost: 10 })).toBe(0)
    expect(intervalLoss({ received: 100, lost: 0 }, { received: 150, lost: 50 })).toBeCloseTo(0.5)
  })
  it('is unknown when nothing arrived and clamps late arrivals at no loss', () => {
    expect(intervalLoss({ received: 10, lost: 0 }, { received: 10, lost: 0 })).toBeNull()
    expect(intervalLoss({ received: 10, lost: 5 }, { received: 20, lost: 3 })).toBe(0)
  })
})

describe('readStats', () => {
  const report = (entries: StatsEntry[]) => ({ forEach: (cb: (s: StatsEntry) => void) => entries.forEach((e) => cb(e)) })

  it('takes the round trip of the pair the transport selected and sums audio and video packets', () => {
    const r = readStats(
      report([
        { type: 'candidate-pair', id: 'p1', nominated: true, state: 'succeeded', currentRoundTripTime: 0.9 },
        { type: 'candidate-pair', id: 'p2', currentRoundTripTime: 0.05 },
        { type: 'transport', selectedCandidatePairId: 'p2' },
        { type: 'inbound-rtp', kind: 'audio', packetsReceived: 100, packetsLost: 2 },
        { type: 'inbound-rtp', kind: 'video', packetsReceived: 300, packetsLost: 3, framesPerSecond: 24 },
      ]),
    )
    expect(r).toEqual({ rtt: 0.05, fps: 24, totals: { received: 400, lost: 5 } })
  })

  it('without a selected pair takes the nominated one that succeeded', () => {
    const r = readStats(
      report([
        { type: 'candidate-pair', id: 'p1', nominated: true, state: 'in-progress', currentRoundTripTime: 0.9 },
        { type: 'candidate-pair', id: 'p2', nominated: true, state: 'succeeded', currentRoundTripTime: 0.2 },
      ]),
    )
    expect(r.rtt).toBe(0.2)
    expect(r.fps).toBeNull()
  })

  it('counts video that arrives without frames as 0 fps', () => {
    expect(readStats(report([{ type: 'inbound-rtp', kind: 'video', packetsReceived: 10, packetsLost: 0 }])).fps).toBe(0)
  })
})
