// Endpoints of the operator console (docs/api.md "Operator console"); 403 `forbidden` unless
// the account is an operator.
import { request } from './client'
import type { NameBody, StaffAddedAnswer, StaffMemberRow } from './staff'

export interface OperatorFacility {
  id: number
  code: string
  name: string
  kind: string
  closed_at: string | null
  residents: number
  staff: number
}
export interface Announcement {
  id: number
  title: string
  body: string
  published_at: string
}
export interface TermsVersion {
  id: number
  version: number
  body: string
  published_at: string
}

export function listFacilities(): Promise<{ facilities: OperatorFacility[] }> {
  return request('GET', '/operator/facilities')
}
export function addFacility(body: { code: string; name: string; kind: string }): Promise<unknown> {
  return request('POST', '/operator/facilities', body)
}
export function renameFacility(fid: number, name: string): Promise<unknown> {
  return request('PUT', `/operator/facilities/${fid}`, { name })
}
export function closeFacility(fid: number): Promise<void> {
  return request('POST', `/operator/facilities/${fid}/close`, {})
}
export function listAdmins(fid: number): Promise<{ admins: StaffMemberRow[] }> {
  return request('GET', `/operator/facilities/${fid}/admins`)
}
export function addAdmin(fid: number, body: NameBody & { login_id: string }): Promise<StaffAddedAnswer> {
  return request('POST', `/operator/facilities/${fid}/admins`, body)
}
export function listAnnouncements(): Promise<{ announcements: Announcement[] }> {
  return request('GET', '/operator/announcements')
}
export function addAnnouncement(title: string, body: string): Promise<unknown> {
  return request('POST', '/operator/announcements', { title, body })
}
export function listTerms(): Promise<{ terms: TermsVersion[] }> {
  return request('GET', '/operator/terms')
}
export function publishTerms(body: string): Promise<unknown> {
  return request('POST', '/operator/terms', { body })
}
