// CareLive Pass endpoints that need no session: sign-up, login, password reset (docs/api.md).
import type { OwnApplication } from './live'
import { request } from './client'
import type { AssertionJson, RequestOptionsJson } from '../lib/webauthn'
import type {
  ContactChangeResult,
  LoginAnswer,
  NormalizedSignup,
  ResetInspection,
  SessionAnswer,
  SignupBody,
} from './types'

export function getSession(): Promise<SessionAnswer> {
  return request<SessionAnswer>('GET', '/session')
}

export function validateSignup(body: SignupBody): Promise<{ normalized: NormalizedSignup }> {
  return request('POST', '/signup/validate', body)
}

export function signup(body: SignupBody): Promise<{ status: 'provisional' }> {
  return request('POST', '/signup', body)
}

/** `awaiting`: the applications that went in with the sign-up (from an invite), which the
 * facility approves next (SPEC 14). */
export function confirmSignup(token: string): Promise<{ status: 'completed' | 'already_completed'; awaiting?: OwnApplication[] }> {
  return request('POST', '/signup/confirm', { token })
}

export function login(loginId: string, password: string): Promise<LoginAnswer> {
  return request('POST', '/login', { login_id: loginId, password })
}

/** The second step of a sign-in: the authenticator app's code or a recovery code. */
export function sendSecondFactor(code: string): Promise<LoginAnswer> {
  return request('POST', '/login/second-factor', { code })
}

/** Which second steps the waiting sign-in can take. */
export function secondStepMethods(): Promise<{ totp: boolean; passkey: boolean; recovery_codes: boolean }> {
  return request('GET', '/login/second-factor')
}

export function secondStepPasskeyOptions(): Promise<{ public_key: RequestOptionsJson }> {
  return request('POST', '/login/second-factor/passkey/options', {})
}

export function sendSecondStepPasskey(credential: AssertionJson): Promise<LoginAnswer> {
  return request('POST', '/login/second-factor/passkey', { credential })
}

/** A passkey instead of password and code (SPEC 15). */
export function passkeySignInOptions(): Promise<{ public_key: RequestOptionsJson }> {
  return request('POST', '/login/passkey/options', {})
}

export function signInWithPasskey(credential: AssertionJson): Promise<LoginAnswer> {
  return request('POST', '/login/passkey', { credential })
}

export function logout(): Promise<void> {
  return request('POST', '/logout', {})
}

export function requestPasswordReset(loginId: string): Promise<{ status: 'sent' }> {
  return request('POST', '/password-reset', { login_id: loginId })
}

export function inspectPasswordReset(token: string): Promise<ResetInspection> {
  return request('POST', '/password-reset/inspect', { token })
}

export function completePasswordReset(
  token: string,
  password: string,
  passwordConfirm: string,
): Promise<{ status: 'done' }> {
  return request('POST', '/password-reset/complete', { token, password, password_confirm: passwordConfirm })
}

/** Works without a session: the link may be opened on another device. */
export function confirmContactChange(token: string): Promise<ContactChangeResult> {
  return request('POST', '/account/contact/confirm', { token })
}
