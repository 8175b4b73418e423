// Live endpoints of the family / care-worker side (docs/api.md "Live"). Every /live call
// answers 403 `forbidden` for a resident the account is not linked to, and 403
// `terms_required` until the newest terms were agreed.
import { request } from './client'

export type LinkKind = 'family' | 'care_worker'
export type Role = 'staff' | 'operator' | LinkKind
export type ApplyStatus = 'submitted' | 'already_pending' | 'already_linked'

export interface Facility {
  id: number
  code: string
  name: string
  kind: string
}

export interface InviteView {
  facility: Pick<Facility, 'code' | 'name' | 'kind'>
  resident: { name: string }
}

export interface ContextResident {
  id: number
  name: string
  family_name: string
  given_name: string
  needs_terms: boolean
  needs_relationship: boolean
}

export interface ContextFacility extends Facility {
  residents: ContextResident[]
}

/** One of the account's applications not (yet) approved (SPEC 14): waiting, or the latest one
 * for that resident was rejected. */
export interface OwnApplication {
  id: number
  kind: LinkKind
  status: 'pending' | 'rejected'
  applied_at: string
  decided_at: string | null
  resident: { name: string }
  facility: Facility
}

export interface Contexts {
  roles: Role[]
  staff: Facility[]
  family: ContextFacility[]
  care_worker: ContextFacility[]
  applications: OwnApplication[]
  terms: { required: boolean; updated: boolean }
}

export interface Terms {
  version: number
  body: string
  published_at: string
  updated: boolean
  agreed: boolean
}

export interface Link {
  kind: LinkKind
  relationship: string | null
  office_name: string | null
  office_name_kana: string | null
}

export interface LinkedResident {
  resident: { id: number; name: string; family_name: string; given_name: string }
  facility: Facility
  link: Link
  needs_relationship: boolean
}

export interface Home extends LinkedResident {
  menu: { switch_facility: boolean; switch_resident: boolean }
}

export interface RelationshipBody {
  relationship?: string
  office_name?: string
  office_name_kana?: string
}

export interface AnnouncementRow {
  id: number
  title: string
  published_at: string
  unread: boolean
}

export interface Announcement {
  id: number
  title: string
  body: string
  published_at: string
}

/** 続柄 (SPEC 5), in the order of the select. */
export const RELATIONSHIPS = ['配偶者', '子', '子の配偶者', '孫', '兄弟姉妹', '甥・姪', '親', 'その他'] as const

export function getInvite(token: string): Promise<InviteView> {
  return request('GET', `/invites/${encodeURIComponent(token)}`)
}

export function applyInvite(token: string, kind: LinkKind): Promise<{ status: ApplyStatus }> {
  return request('POST', `/invites/${encodeURIComponent(token)}/apply`, { kind })
}

export function getContexts(): Promise<Contexts> {
  return request('GET', '/live/contexts')
}

export function getTerms(): Promise<Terms> {
  return request('GET', '/live/terms')
}

export function agreeTerms(version: number): Promise<{ status: 'agreed' }> {
  return request('POST', '/live/terms/consent', { version })
}

export function getHome(residentId: number): Promise<Home> {
  return request('GET', `/live/residents/${residentId}/home`)
}

export function setRelationship(residentId: number, body: RelationshipBody): Promise<{ link: Link }> {
  return request('PUT', `/live/residents/${residentId}/relationship`, body)
}

export function listRelationships(): Promise<{ relationships: LinkedResident[] }> {
  return request('GET', '/live/relationships')
}

export function listAnnouncements(): Promise<{ announcements: AnnouncementRow[] }> {
  return request('GET', '/live/announcements')
}

export function getAnnouncement(id: number): Promise<Announcement> {
  return request('GET', `/live/announcements/${id}`)
}
