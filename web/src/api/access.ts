// Access records (SPEC 15; docs/api.md "Access records"): a facility admin's search of the
// facility's audit log, the operator's across facilities, and their CSV downloads.
import { download, request, type Download } from './client'

export interface AccessFilter {
  /** Part of a name, furigana, email or phone. */
  person?: string
  resident_id?: number | null
  /** One event code, or 'read' / 'change'. */
  event?: string
  /** Days in Japan time, YYYY-MM-DD, both included. */
  since?: string
  until?: string
  /** The `next` of the previous page. */
  after?: string
  /** The operator's search: one facility, or every one when absent. */
  facility_id?: number | null
}

export interface AccessRecord {
  id: number
  at: string
  event: string
  address: string
  person: { account_id: number; name: string | null; login_id: string | null; left: boolean } | null
  resident: { id: number; name: string } | null
  facility: { id: number; name: string } | null
  detail: Record<string, unknown>
}

export interface AccessEvent {
  code: string
  ja: string
  en: string
  read: boolean
}

export interface AccessPage {
  records: AccessRecord[]
  next: string | null
  /** On the first page: the events to choose from. */
  events?: AccessEvent[]
}

/** `facilityId` null: the operator's search. */
const base = (facilityId: number | null) =>
  facilityId === null ? '/operator/access-records' : `/staff/facilities/${facilityId}/access-records`

export function searchAccessRecords(facilityId: number | null, filter: AccessFilter): Promise<AccessPage> {
  return request('POST', base(facilityId), filter)
}

export function downloadAccessRecords(facilityId: number | null, filter: AccessFilter): Promise<Download> {
  return download(`${base(facilityId)}/csv`, filter)
}
