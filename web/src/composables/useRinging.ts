// Calls that reach this person on any screen (SPEC 13): the server tells every socket of the
// resident's people where an open call stands (`ring`, docs/api.md), and this keeps the newest
// word per resident for the banner 「ビデオ通話が届いています」 and the ring. A call rings on
// this device for at most RING_FOR_MS after it first heard of it — then the banner stays, quietly
// — and stops at once when the person answered on any of their devices or the call ended.
import { computed, reactive } from 'vue'
import { useCallSignaling, type ServerMessage } from './useCallSignaling'

export type RingMessage = Extract<ServerMessage, { type: 'ring' }>

export const RING_FOR_MS = 60_000

const state = reactive<{ rings: Record<number, RingMessage>; heardAt: Record<number, number>; now: number }>({
  rings: {},
  heardAt: {},
  now: Date.now(),
})

/** Takes one `ring` from the server (exported for unit tests). */
export function takeRing(m: RingMessage, now = Date.now()): void {
  const open = (m.state === 'ringing' || m.state === 'active') && !m.answered
  const known = state.rings[m.resident_id]
  if (known && known.call_id > m.call_id) return // an older call's late word
  if (!open) {
    delete state.rings[m.resident_id]
    return
  }
  if (!known || known.call_id !== m.call_id) state.heardAt[m.call_id] = now
  state.rings[m.resident_id] = m
}

/** Forgets every ring (the socket was lost: the server says again what is open). */
export function clearRings(): void {
  for (const id of Object.keys(state.rings)) delete state.rings[Number(id)]
}

/** Calls waiting for this person, oldest first. */
export const waitingCalls = computed(() => Object.values(state.rings).sort((a, b) => a.started_at - b.started_at))

/** Whether the ring should sound now: a waiting call first heard less than RING_FOR_MS ago. */
export const shouldRing = computed(() =>
  waitingCalls.value.some((r) => state.now - (state.heardAt[r.call_id] ?? 0) < RING_FOR_MS),
)

/** Moves the clock shouldRing reads (the banner ticks it every second). */
export function tickRings(now = Date.now()): void {
  state.now = now
}

/** Listens on the app's socket for rings while the calling scope lives. */
export function useRinging() {
  useCallSignaling({
    opened: () => undefined,
    closed: clearRings,
    handlers: { ring: (m) => takeRing(m) },
  })
  return { waitingCalls, shouldRing }
}
