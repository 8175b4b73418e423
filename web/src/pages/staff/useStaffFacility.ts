// The facility the staff console shows, shared by the layout and its pages: the layout loads
// it (name, admin right, pending count for the 「利用申請」 badge); pages call refresh() after
// a change that moves the count.
import { inject, provide, ref, type InjectionKey, type Ref } from 'vue'
import { getFacility, type StaffFacility } from '../../api/staff'

export interface StaffFacilityState {
  fid: Ref<number>
  facility: Ref<StaffFacility | null>
  refresh: () => Promise<void>
}

const KEY: InjectionKey<StaffFacilityState> = Symbol('staff-facility')

export function provideStaffFacility(fid: Ref<number>): StaffFacilityState {
  const facility = ref<StaffFacility | null>(null)
  async function refresh(): Promise<void> {
    facility.value = (await getFacility(fid.value)).facility
  }
  const state = { fid, facility, refresh }
  provide(KEY, state)
  return state
}

export function useStaffFacility(): StaffFacilityState {
  const state = inject(KEY)
  if (!state) throw new Error('useStaffFacility outside the staff console')
  return state
}
