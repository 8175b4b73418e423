// How well the media of each other participant arrives, for the call screen's 良好 / やや不安定 /
// 不安定 (SPEC 7, issue 4): every 2 s, the getStats() of each connection where media flows,
// classified by lib/callQuality. A broken path is 不安定 at once; what was measured before no
// longer holds.
import { onScopeDispose, shallowRef } from 'vue'
import { classifyQuality, intervalLoss, readStats, type InboundTotals, type QualityLevel } from '../lib/callQuality'
import { mediaFlows } from './useCallPeers'

const STATS_EVERY_MS = 2000

export interface QualitySource {
  /** The open connections. */
  connections: () => Iterable<{ account: number; pc: RTCPeerConnection }>
  /** Whether `pc` is still the connection to `account` (it may be replaced while stats come). */
  isCurrent: (account: number, pc: RTCPeerConnection) => boolean
  /** A switched-off camera sends almost no frames: then the frame rate does not count. */
  cameraOff: (account: number) => boolean
}

export function useCallQuality(source: QualitySource) {
  const quality = shallowRef<Record<number, QualityLevel>>({})
  /** Inbound counters of each connection at its last sample. */
  const before = new WeakMap<RTCPeerConnection, InboundTotals>()

  function set(account: number, level: QualityLevel): void {
    if (quality.value[account] !== level) quality.value = { ...quality.value, [account]: level }
  }

  async function sample(account: number, pc: RTCPeerConnection): Promise<void> {
    const { rtt, fps, totals } = readStats(await pc.getStats())
    const loss = intervalLoss(before.get(pc) ?? null, totals)
    before.set(pc, totals)
    if (!source.isCurrent(account, pc) || !mediaFlows(pc)) return
    set(account, classifyQuality({ rtt, loss, fps: source.cameraOff(account) ? null : fps }))
  }

  /** No media flows to or from `account`. */
  function markPoor(account: number): void {
    quality.value = { ...quality.value, [account]: 'poor' }
  }

  function forget(account: number): void {
    const { [account]: _gone, ...rest } = quality.value
    quality.value = rest
  }

  function clear(): void {
    quality.value = {}
  }

  const timer = setInterval(() => {
    for (const { account, pc } of source.connections()) if (mediaFlows(pc)) void sample(account, pc).catch(() => undefined)
  }, STATS_EVERY_MS)
  onScopeDispose(() => clearInterval(timer))

  return { quality, markPoor, forget, clear }
}
