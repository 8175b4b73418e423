// Maps API error codes (docs/api.md) to the user's language. Unknown codes never show raw:
// they fall back to a friendly generic message.
import type { ApiError } from '../api/client'
import { waitTime } from './wait'

export interface Translator {
  t: (key: string, named?: Record<string, unknown>) => string
  te: (key: string) => boolean
}

/** How a form names a field in messages: i18n key of its label, and its length limit. */
export interface FieldLabel {
  label: string
  max?: number
  /** Picked from a list: an empty one is 「選択してください」, not 「入力してください」. */
  choice?: boolean
}

export function apiErrorMessage(err: ApiError, tr: Translator): string {
  if (err.code === 'login_throttled' && err.retryAfter !== null) {
    const wait = waitTime(err.retryAfter)
    return tr.t(wait.unit === 'seconds' ? 'errors.throttledSeconds' : 'errors.throttledMinutes', { count: wait.count })
  }
  const key = `errors.api.${err.code}`
  return tr.te(key) ? tr.t(key) : tr.t('errors.api.unknown')
}

export function fieldErrorMessage(code: string, field: FieldLabel, tr: Translator): string {
  const named = { field: tr.t(field.label), max: field.max }
  if (code === 'too_long' && field.max === undefined) return tr.t('errors.field.too_long_nomax', named)
  if (code === 'required' && field.choice) return tr.t('errors.field.required_choice', named)
  const key = `errors.field.${code}`
  return tr.te(key) ? tr.t(key, named) : tr.t('errors.field.unknown', named)
}

/** Codes of the call socket's `{"type":"error","code","ref"}` (docs/api.md "Calls"). */
export const CALL_ERROR_CODES = [
  'bad_message', 'forbidden', 'terms_required', 'already_in_call', 'call_in_progress', 'no_call', 'not_in_call',
  'rate_limited', 'internal',
] as const

/** Why the server refused a call message, in the user's language; an unknown code reads as a
 * refusal in general (never the code). */
export function callErrorMessage(code: string, tr: Translator): string {
  const key = `errors.call.${code}`
  return tr.te(key) ? tr.t(key) : tr.t('errors.call.unknown')
}
