// Endpoints of the signed-in account (docs/api.md); each answers 401 `unauthenticated`
// when the session has ended.
import type { AssertionJson, CreationOptionsJson, RegistrationJson, RequestOptionsJson } from '../lib/webauthn'
import { download, request, type Download } from './client'
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

export interface PasskeyInfo {
  id: number
  /** Of the browser it was registered in: named in words like the devices (lib/device). */
  user_agent: string
  /** Kept by a passkey provider across the person's devices. */
  synced: boolean
  created_at: string
  last_used_at: string | null
}

export interface SecondFactorState {
  totp: boolean
  passkeys: PasskeyInfo[]
  /** Whether this server's address allows passkeys at all (not on a bare IP address). */
  passkeys_available: boolean
  recovery_codes_left: number
  /** The policy asks it of this account (staff, operators): it cannot be turned off. */
  required: boolean
}

/** Works while a sign-in waits for its set-up too (the policy's set-up after the password). */
export function getSecondFactor(): Promise<SecondFactorState> {
  return request('GET', '/account/second-factor')
}

export interface TotpSetup {
  /** base32, for typing into the app */
  secret: string
  uri: string
  qr_svg: string
}

export function beginTotp(): Promise<TotpSetup> {
  return request('POST', '/account/second-factor/totp', {})
}

/** `signed_in`: the set-up completed a sign-in that waited for it (a new session cookie). */
export function confirmTotp(code: string): Promise<{ recovery_codes: string[]; signed_in: boolean }> {
  return request('POST', '/account/second-factor/totp/confirm', { code })
}

export function renewRecoveryCodes(currentPassword: string): Promise<{ recovery_codes: string[] }> {
  return request('POST', '/account/second-factor/recovery-codes', { current_password: currentPassword })
}

export function turnOffSecondFactor(currentPassword: string): Promise<void> {
  return request('DELETE', '/account/second-factor', { current_password: currentPassword })
}

export function passkeyRegistrationOptions(): Promise<{ public_key: CreationOptionsJson }> {
  return request('POST', '/account/passkeys/options', {})
}

/** `recovery_codes`: given with the first second factor only. `signed_in` as for confirmTotp. */
export function addPasskey(credential: RegistrationJson): Promise<{ recovery_codes: string[]; signed_in: boolean }> {
  return request('POST', '/account/passkeys', { credential })
}

export function removePasskey(id: PasskeyInfo['id'], currentPassword: string): Promise<void> {
  return request('DELETE', `/account/passkeys/${encodeURIComponent(String(id))}`, { current_password: currentPassword })
}

/** 「データのダウンロード」: everything held about the person, as a JSON file (SPEC 15). */
export function downloadPersonalData(): Promise<Download> {
  return download('/account/data', undefined, 'GET')
}

export function deletePassPasskeyOptions(): Promise<{ public_key: RequestOptionsJson }> {
  return request('POST', '/account/delete/passkey-options', {})
}

/** 「Passを削除」: after the password and, when set up, the second factor (a code or a passkey). */
export function deletePass(body: { current_password: string; code?: string; credential?: AssertionJson }): Promise<void> {
  return request('POST', '/account/delete', body)
}
