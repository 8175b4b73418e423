// Connection quality of one remote participant for the call screen's indicator (SPEC 7,
// issue 4): three levels from what RTCPeerConnection.getStats() reports every 2 s — the
// round-trip time of the selected candidate pair, the share of packets lost since the last
// sample, and the frames per second of the video received. The worst of the three decides,
// because any one of them is what a user notices (delay, broken sound, frozen picture).

export type QualityLevel = 'good' | 'fair' | 'poor'

export interface QualitySample {
  /** Round-trip time in seconds (candidate-pair currentRoundTripTime); null when unknown. */
  rtt: number | null
  /** Packets lost / packets expected over the last interval, 0…1; null when nothing arrived. */
  loss: number | null
  /** Video frames per second received; null when unknown or the other side's camera is off
   * (a switched-off camera sends almost no frames, which is not a network problem). */
  fps: number | null
}

// Thresholds: ITU-T G.114 holds one-way delay under 150 ms as good for conversation, so a
// round trip under 300 ms is good and beyond 600 ms talking over each other starts. Opus and
// VP8 hide up to a couple of percent loss; beyond ~8 % speech breaks up. Under ~15 fps motion
// looks jerky, under 8 fps the picture reads as stuck.
const RTT_FAIR = 0.3
const RTT_POOR = 0.6
const LOSS_FAIR = 0.02
const LOSS_POOR = 0.08
const FPS_FAIR = 15
const FPS_POOR = 8

const order: QualityLevel[] = ['good', 'fair', 'poor']

function worst(a: QualityLevel, b: QualityLevel): QualityLevel {
  return order.indexOf(a) >= order.indexOf(b) ? a : b
}

export function classifyQuality(s: QualitySample): QualityLevel {
  let level: QualityLevel = 'good'
  if (s.rtt !== null && Number.isFinite(s.rtt)) level = worst(level, s.rtt >= RTT_POOR ? 'poor' : s.rtt >= RTT_FAIR ? 'fair' : 'good')
  if (s.loss !== null && Number.isFinite(s.loss)) level = worst(level, s.loss >= LOSS_POOR ? 'poor' : s.loss >= LOSS_FAIR ? 'fair' : 'good')
  if (s.fps !== null && Number.isFinite(s.fps)) level = worst(level, s.fps < FPS_POOR ? 'poor' : s.fps < FPS_FAIR ? 'fair' : 'good')
  return level
}

/** Cumulative inbound counters (summed over the audio and video inbound-rtp stats). */
export interface InboundTotals {
  received: number
  lost: number
}

/** Loss over the interval between two cumulative samples; null when no packets were expected. */
export function intervalLoss(before: InboundTotals | null, now: InboundTotals): number | null {
  const received = now.received - (before?.received ?? 0)
  // packetsLost can go down when late packets arrive after all (RFC 3550 6.4.1): clamp at 0.
  const lost = Math.max(0, now.lost - (before?.lost ?? 0))
  const expected = received + lost
  return expected > 0 ? lost / expected : null
}

/** The fields of a getStats() entry that the measures come from. */
export interface StatsEntry {
  type: string
  id?: string
  selectedCandidatePairId?: string
  nominated?: boolean
  state?: string
  currentRoundTripTime?: number
  packetsReceived?: number
  packetsLost?: number
  kind?: string
  framesPerSecond?: number
}

export interface StatsReading {
  /** Round-trip time of the selected candidate pair in seconds; null when unknown. */
  rtt: number | null
  /** Frames per second of the video received; 0 when packets came but no frame. */
  fps: number | null
  totals: InboundTotals
}

/** Reads one getStats() report (RTCStatsReport): the round trip of the candidate pair the
 * transport selected (or, without one, the nominated pair that succeeded), the inbound packet
 * counters summed over audio and video, and the received video's frame rate. */
export function readStats(report: { forEach(cb: (s: StatsEntry) => void): void }): StatsReading {
  let rtt: number | null = null
  let fps: number | null = null
  const totals: InboundTotals = { received: 0, lost: 0 }
  let pairId: string | undefined
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId
  })
  report.forEach((s) => {
    if (s.type === 'candidate-pair' && (s.id === pairId || (!pairId && s.nominated && s.state === 'succeeded'))) {
      if (typeof s.currentRoundTripTime === 'number') rtt = s.currentRoundTripTime
    } else if (s.type === 'inbound-rtp') {
      totals.received += s.packetsReceived ?? 0
      totals.lost += s.packetsLost ?? 0
      if (s.kind === 'video' && typeof s.framesPerSecond === 'number') fps = s.framesPerSecond
    }
  })
  // A receiver that got no frame in the interval reports no framesPerSecond at all.
  if (fps === null && totals.received > 0) fps = 0
  return { rtt, fps, totals }
}
