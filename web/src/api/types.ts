// Shapes of docs/api.md (v1). Field names are the wire names.

export interface Account {
  id: number
  family_name: string
  given_name: string
  family_name_kana: string
  given_name_kana: string
  email: string | null
  /** E.164, e.g. +819012345678 */
  phone: string | null
  /** e.g. 090-1234-5678 */
  phone_display: string | null
}

/** Brand names from the server's config (checked again by lib/brand parseBrand). */
export interface BrandNames {
  live: string
  pass: string
}

/** How far a sign-in got when it waits between the password and its second step (SPEC 15):
 * the code is due, or a second factor must be set up first. */
export type SecondStep = 'second_factor' | 'setup'

export type SessionAnswer = (
  | { authenticated: false; second_step?: SecondStep }
  | { authenticated: true; account: Account }
) & { brand?: BrandNames; /** The server's address allows passkeys. */ passkeys?: boolean }

/** The answer to a right password or second step: `second_step` when the sign-in waits for it. */
export interface LoginAnswer {
  account: Account
  second_step?: SecondStep
}

export type ContactKind = 'email' | 'phone'

export interface SignupBody {
  family_name: string
  given_name: string
  family_name_kana: string
  given_name_kana: string
  contact_kind: ContactKind
  email: string
  email_confirm: string
  phone: string
  password: string
  password_confirm: string
  /** SPEC 1.2: an application carried from the invite page, submitted once confirmed. */
  apply?: { token: string; kind: 'family' | 'care_worker' }
}

export interface NormalizedSignup {
  family_name: string
  given_name: string
  family_name_kana: string
  given_name_kana: string
  contact_kind: ContactKind
  email: string | null
  phone: string | null
  phone_display: string | null
}

export interface ResetInspection {
  account_name: string
  login_id: string
  login_kind: ContactKind
}

export interface ContactChangeResult {
  kind: ContactKind
  value: string
  display: string
}

export interface SessionInfo {
  id: number | string
  created_at: string
  last_seen_at: string
  user_agent: string
  ip: string
  current: boolean
}

/** Field name -> codes of every rule its value broke. */
export type FieldErrors = Record<string, string[]>
