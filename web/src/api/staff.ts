// Endpoints of the staff console (docs/api.md "Staff console"). The server checks on every
// call that the signed-in account is staff (or admin) of the facility.
import { request } from './client'

export interface StaffFacility {
  id: number
  code: string
  name: string
  kind: string
  closed_at: string | null
  is_admin: boolean
  pending: number
}

export interface NameBody {
  family_name: string
  given_name: string
  family_name_kana: string
  given_name_kana: string
}

export interface ResidentRow extends NameBody {
  id: number
  name: string
  discharged_at: string | null
  pending?: number
  linked?: number
}

/** url and svg are null while the invite is stopped (「停止」 until 「再発行」). */
export interface Invite {
  url: string | null
  svg: string | null
  version: number | null
  modules: number | null
}

export interface PendingApplication {
  id: number
  kind: 'family' | 'care_worker'
  applied_at: string
  /** `contact`: the login id, masked (ku****@example.jp, 090-****-5678). */
  applicant: { name: string; kana: string; contact: string }
  resident: ResidentRow
}

export interface LinkedPerson {
  id: number
  account_id: number
  name: string
  kana: string
  kind: 'family' | 'care_worker'
  relationship: string | null
  office_name: string | null
  office_name_kana: string | null
}

/** login_id: as typed when the member was added (null for members added before invitations). */
export interface StaffMemberRow {
  id: number
  account_id: number
  name: string
  kana: string
  login_id: string | null
  is_admin: boolean
  /** an authenticator app is set up (SPEC 15) */
  second_factor: boolean
  self: boolean
}

/** The operator adds facility admins directly (the staff console invites instead). */
export interface StaffAddedAnswer {
  account_id: number
  account_created: boolean
  set_password_link_sent: boolean
}

/** An invitation not yet accepted: only what the admin typed, and where it stands. */
export interface StaffInvitationRow {
  id: number
  name: string
  kana: string
  login_id: string
  is_admin: boolean
  invited_at: string
  expires_at: string
  state: 'open' | 'expired' | 'declined'
}

/** What the invitation link shows before the person answers. */
export interface InvitationView {
  facility: { name: string }
  is_admin: boolean
  expires_at: string
}

const base = (fid: number) => `/staff/facilities/${fid}`
const resident = (fid: number, rid: number) => `${base(fid)}/residents/${rid}`

export function listFacilities(): Promise<{ facilities: StaffFacility[]; operator: boolean }> {
  return request('GET', '/staff/facilities')
}
export function getFacility(fid: number): Promise<{ facility: StaffFacility }> {
  return request('GET', base(fid))
}
export function listResidents(fid: number): Promise<{ residents: ResidentRow[] }> {
  return request('GET', `${base(fid)}/residents`)
}
export function addResident(fid: number, body: NameBody): Promise<{ resident: ResidentRow }> {
  return request('POST', `${base(fid)}/residents`, body)
}
export function editResident(fid: number, rid: number, body: NameBody): Promise<{ resident: ResidentRow }> {
  return request('PUT', resident(fid, rid), body)
}
export function dischargeResident(fid: number, rid: number): Promise<void> {
  return request('POST', `${resident(fid, rid)}/discharge`, {})
}
export function getInvite(fid: number, rid: number): Promise<Invite> {
  return request('GET', `${resident(fid, rid)}/invite`)
}
export function reissueInvite(fid: number, rid: number): Promise<Invite> {
  return request('POST', `${resident(fid, rid)}/invite/reissue`, {})
}
export function revokeInvite(fid: number, rid: number): Promise<void> {
  return request('POST', `${resident(fid, rid)}/invite/revoke`, {})
}
/** A person who was linked and deleted their Pass (SPEC 15): 「退会したユーザー」. */
export interface DepartedPerson {
  kind: 'family' | 'care_worker'
  linked_at: string
  left_at: string
}

export function listLinks(fid: number, rid: number): Promise<{ links: LinkedPerson[]; departed: DepartedPerson[] }> {
  return request('GET', `${resident(fid, rid)}/links`)
}
export function removeLink(fid: number, rid: number, lid: number): Promise<void> {
  return request('DELETE', `${resident(fid, rid)}/links/${lid}`)
}
export function listApplications(fid: number): Promise<{ applications: PendingApplication[] }> {
  return request('GET', `${base(fid)}/applications`)
}
export function approveApplication(fid: number, aid: number): Promise<{ status: 'approved' }> {
  return request('POST', `${base(fid)}/applications/${aid}/approve`, {})
}
export function rejectApplication(fid: number, aid: number): Promise<{ status: 'rejected' }> {
  return request('POST', `${base(fid)}/applications/${aid}/reject`, {})
}
export function listStaff(fid: number): Promise<{ staff: StaffMemberRow[]; invitations: StaffInvitationRow[] }> {
  return request('GET', `${base(fid)}/staff`)
}
/** 「職員を追加」 invites; the answer is the same whether the login id already had a Pass. */
export function inviteStaff(
  fid: number,
  body: NameBody & { login_id: string; is_admin: boolean },
): Promise<{ invitation: StaffInvitationRow }> {
  return request('POST', `${base(fid)}/staff`, body)
}
export function revokeStaffInvitation(fid: number, iid: number): Promise<void> {
  return request('DELETE', `${base(fid)}/staff-invitations/${iid}`)
}
export function openStaffInvitation(token: string): Promise<InvitationView> {
  return request('POST', '/staff-invitations/open', { token })
}
export function acceptStaffInvitation(token: string): Promise<{ facility: StaffFacility }> {
  return request('POST', '/staff-invitations/accept', { token })
}
export function declineStaffInvitation(token: string): Promise<{ status: 'declined' }> {
  return request('POST', '/staff-invitations/decline', { token })
}
/** SPEC 15: the member's second factor goes and their sessions end; they set it up again. */
export function resetSecondFactor(fid: number, sid: number): Promise<void> {
  return request('POST', `${base(fid)}/staff/${sid}/second-factor/reset`, {})
}

export function removeStaff(fid: number, sid: number): Promise<void> {
  return request('DELETE', `${base(fid)}/staff/${sid}`)
}
