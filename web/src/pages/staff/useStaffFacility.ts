// The facility the staff console shows, shared by the layout and its pages: the layout loads
// it (name, admin right, pending count for the 「利用申請」 badge); pages call refresh() after
// a change that moves the count. Who waits on a call screen comes live over the app's socket
// (the 「ビデオ通話」 badge and the call page's list).
import { inject, provide, ref, type InjectionKey, type Ref } from 'vue'
import { getFacility, type StaffFacility } from '../../api/staff'
import { useFacilityWaiting, type WaitingList } from '../../composables/useFacilityWaiting'

export interface StaffFacilityState {
  fid: Ref<number>
  facility: Ref<StaffFacility | null>
  refresh: () => Promise<void>
  waiting: Ref<WaitingList>
  waitingCount: Ref<number>
}

const KEY: InjectionKey<StaffFacilityState> = Symbol('staff-facility')

export function provideStaffFacility(fid: Ref<number>): StaffFacilityState {
  const facility = ref<StaffFacility | null>(null)
  async function refresh(): Promise<void> {
    facility.value = (await getFacility(fid.value)).facility
  }
  const waiting = useFacilityWaiting(fid)
  const state = { fid, facility, refresh, waiting: waiting.residents, waitingCount: waiting.count }
  provide(KEY, state)
  return state
}

export function useStaffFacility(): StaffFacilityState {
  const state = inject(KEY)
  if (!state) throw new Error('useStaffFacility outside the staff console')
  return state
}
