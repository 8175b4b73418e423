// Instant, client-side checks run when a field loses focus. They return the same field
// codes as the API (docs/api.md), so one table of messages serves both.
import { isFullWidth, kanaHint } from './kana'
import { passwordConfirmProblem, passwordProblems } from './password'

export const LIMITS = { name: 20, kana: 40, email: 254, password: 64 } as const

export function checkName(value: string): string[] {
  if (value === '') return []
  const codes: string[] = []
  if (!isFullWidth(value)) codes.push('not_fullwidth')
  if (Array.from(value).length > LIMITS.name) codes.push('too_long')
  return codes
}

export function checkKana(value: string): string[] {
  if (value === '') return []
  const codes: string[] = []
  if (kanaHint(value) === 'not_hiragana') codes.push('not_hiragana')
  if (Array.from(value).length > LIMITS.kana) codes.push('too_long')
  return codes
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u

export function checkEmail(value: string): string[] {
  const v = value.trim()
  if (v === '') return []
  if (v.length > LIMITS.email) return ['too_long']
  return EMAIL.test(v) ? [] : ['email_invalid']
}

export function checkEmailConfirm(email: string, confirm: string): string[] {
  if (email.trim() === '' || confirm.trim() === '') return []
  return email.trim() === confirm.trim() ? [] : ['email_mismatch']
}

/** Only the obvious: a Japanese mobile number has 10–11 digits (or +81 and 9–10). */
export function checkPhone(value: string): string[] {
  const v = value.normalize('NFKC').replace(/[\s\-‐－ー―()（）.]/gu, '')
  if (v === '') return []
  const digits = v.startsWith('+81') ? '0' + v.slice(3) : v
  return /^0\d{9,10}$/.test(digits) ? [] : ['phone_invalid']
}

export function checkPassword(value: string): string[] {
  if (value === '') return []
  return passwordProblems(value)
}

export function checkPasswordConfirm(password: string, confirm: string): string[] {
  const problem = passwordConfirmProblem(password, confirm)
  return problem ? [problem] : []
}
