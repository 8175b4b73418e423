// Who waits on a call screen for any resident of the facility (SPEC 13, the staff console's
// 「ビデオ通話」 count and list): the server sends the whole list when asked (`watch_facility`),
// then each resident whose waiting people changed (docs/api.md "Calls").
import { computed, onScopeDispose, ref, watch, type Ref } from 'vue'
import { useCallSignaling, type PresencePerson, type ServerMessage } from './useCallSignaling'

export type WaitingMessage = Extract<ServerMessage, { type: 'waiting' }>
/** Resident id → the people waiting on that resident's call screen (only residents with some). */
export type WaitingList = Record<number, PresencePerson[]>

/** The list after `m` (exported for unit tests). */
export function takeWaiting(list: WaitingList, m: WaitingMessage): WaitingList {
  const next: WaitingList = m.full ? {} : { ...list }
  for (const r of m.residents) {
    if (r.people.length > 0) next[r.resident_id] = r.people
    else delete next[r.resident_id]
  }
  return next
}

/** Listens while the calling scope lives; `fid` may change (another facility chosen). */
export function useFacilityWaiting(fid: Ref<number>) {
  const residents = ref<WaitingList>({})
  let watched: number | null = null

  const signaling = useCallSignaling({
    opened: () => {
      watched = null
      ask()
    },
    closed: () => {
      residents.value = {}
    },
    handlers: {
      waiting: (m) => {
        if (m.facility_id === watched) residents.value = takeWaiting(residents.value, m)
      },
    },
  })

  function ask(): void {
    if (watched !== null && watched !== fid.value) signaling.send({ type: 'unwatch_facility', facility_id: watched })
    residents.value = {}
    watched = fid.value
    signaling.send({ type: 'watch_facility', facility_id: fid.value })
  }
  watch(fid, () => {
    if (signaling.isOpen()) ask()
  })
  onScopeDispose(() => {
    if (watched !== null) signaling.send({ type: 'unwatch_facility', facility_id: watched })
    watched = null
  })

  /** How many people wait, counted once per resident they wait for. */
  const count = computed(() => Object.values(residents.value).reduce((n, people) => n + people.length, 0))
  return { residents, count }
}
