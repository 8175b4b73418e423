// Client mirror of the server's password policy (SPEC 2 "Password policy"), for instant
// feedback only: the server stays the judge. Codes are the API's field error codes.

export const PASSWORD_SYMBOLS = '@#$%&?!'
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 64

export type PasswordProblem =
  | 'required'
  | 'too_long'
  | 'password_too_short'
  | 'password_missing_upper'
  | 'password_missing_lower'
  | 'password_missing_digit'
  | 'password_missing_symbol'
  | 'password_invalid_char'
  | 'password_space'
  | 'password_fullwidth'

const ALLOWED = /^[A-Za-z0-9@#$%&?!]$/

/** Every rule the password breaks, in the order the page lists the rules. A space (half- or
 * full-width) or a full-width character is named alone, in one plain message (SPEC 14): such a
 * password also seems to break most rules, and five messages would hide the one that matters. */
export function passwordProblems(password: string): PasswordProblem[] {
  if (password.length === 0) return ['required']
  if (/[\s\u3000]/u.test(password)) return ['password_space']
  if (/[^\x00-\x7f]/u.test(password)) return ['password_fullwidth']
  const chars = Array.from(password)
  const problems: PasswordProblem[] = []
  if (chars.length < PASSWORD_MIN) problems.push('password_too_short')
  if (chars.length > PASSWORD_MAX) problems.push('too_long')
  if (!/[A-Z]/.test(password)) problems.push('password_missing_upper')
  if (!/[a-z]/.test(password)) problems.push('password_missing_lower')
  if (!/[0-9]/.test(password)) problems.push('password_missing_digit')
  if (!chars.some((c) => PASSWORD_SYMBOLS.includes(c))) problems.push('password_missing_symbol')
  if (chars.some((c) => !ALLOWED.test(c))) problems.push('password_invalid_char')
  return problems
}

/** The confirmation field's problem, if any (only judged once both are typed). */
export function passwordConfirmProblem(password: string, confirm: string): 'password_mismatch' | null {
  if (password === '' || confirm === '') return null
  return password === confirm ? null : 'password_mismatch'
}
