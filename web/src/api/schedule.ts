// Scheduled video calls (docs/api.md "Scheduled calls", SPEC 7). Dates and times are the
// facility's wall clock (`time_zone`), never the browser's: the server converts.
import { request } from './client'

export type ScheduleStatus = 'upcoming' | 'past' | 'cancelled'

export interface CallSchedule {
  id: number
  resident: { id: number; name: string }
  /** ISO 8601 UTC */
  starts_at: string
  /** the facility's local date and time: "2026-12-01", "14:00" */
  date: string
  time: string
  note: string
  status: ScheduleStatus
  invitees: { account_id: number; name: string }[]
  created_by: { account_id: number; name: string }
  created_at: string
  cancelled_at: string | null
  reminded_at: string | null
}

export interface ScheduleBody {
  resident_id?: number
  date: string
  time: string
  note: string
  /** omitted: everyone linked to the resident */
  invitee_account_ids?: number[]
}

export interface NextCall {
  id: number
  starts_at: string
  date: string
  time: string
  time_zone: string
  note: string
}

const base = (fid: number) => `/staff/facilities/${fid}/call-schedules`

export function listSchedules(fid: number): Promise<{ time_zone: string; schedules: CallSchedule[] }> {
  return request('GET', base(fid))
}

export function createSchedule(fid: number, body: ScheduleBody): Promise<{ schedule: CallSchedule }> {
  return request('POST', base(fid), body)
}

export function changeSchedule(fid: number, id: number, body: ScheduleBody): Promise<{ schedule: CallSchedule }> {
  return request('PUT', `${base(fid)}/${id}`, body)
}

export function cancelSchedule(fid: number, id: number): Promise<void> {
  return request('POST', `${base(fid)}/${id}/cancel`, {})
}

/** The next call the signed-in family member or care worker is invited to (home screen). */
export function getNextCall(residentId: number): Promise<{ next_call: NextCall | null }> {
  return request('GET', `/live/residents/${residentId}/next-call`)
}
