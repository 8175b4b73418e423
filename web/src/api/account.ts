// Endpoints of the signed-in account (docs/api.md); each answers 401 `unauthenticated`
// when the session has ended.
import { request } from './client'
import type { Account, ContactKind, SessionInfo } from './types'

export function getAccount(): Promise<{ account: Account }> {
  return request('GET', '/account')
}

export function updateName(familyName: string, givenName: string): Promise<{ account: Account }> {
  return request('PUT', '/account/name', { family_name: familyName, given_name: givenName })
}

export function updateKana(familyNameKana: string, givenNameKana: string): Promise<{ account: Account }> {
  return request('PUT', '/account/kana', { family_name_kana: familyNameKana, given_name_kana: givenNameKana })
}

export function requestContactChange(
  kind: ContactKind,
  value: string,
  currentPassword: string,
): Promise<{ status: 'sent' }> {
  return request('POST', '/account/contact', { kind, value, current_password: currentPassword })
}

export function changePassword(
  currentPassword: string,
  password: string,
  passwordConfirm: string,
): Promise<{ status: 'done' }> {
  return request('PUT', '/account/password', {
    current_password: currentPassword,
    password,
    password_confirm: passwordConfirm,
  })
}

export function listSessions(): Promise<{ sessions: SessionInfo[] }> {
  return request('GET', '/account/sessions')
}

export function revokeOtherSessions(): Promise<{ ended: number }> {
  return request('POST', '/account/sessions/revoke-others', {})
}

export function revokeSession(id: SessionInfo['id']): Promise<void> {
  return request('DELETE', `/account/sessions/${encodeURIComponent(String(id))}`)
}
