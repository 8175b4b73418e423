import { describe, expect, it } from 'vitest'
import { passwordConfirmProblem, passwordProblems } from './password'

describe('passwordProblems', () => {
  it('accepts a password that meets every rule', () => {
    expect(passwordProblems('Fujita#2024')).toEqual([])
    expect(passwordProblems('aA1@aA1@')).toEqual([])
  })

  it('says required for an empty password and nothing else', () => {
    expect(passwordProblems('')).toEqual(['required'])
  })

  it('reports each broken rule on its own', () => {
    expect(passwordProblems('Ab1!')).toEqual(['password_too_short'])
    expect(passwordProblems('abcdef1!')).toEqual(['password_missing_upper'])
    expect(passwordProblems('ABCDEF1!')).toEqual(['password_missing_lower'])
    expect(passwordProblems('Abcdefg!')).toEqual(['password_missing_digit'])
    expect(passwordProblems('Abcdefg1')).toEqual(['password_missing_symbol'])
    expect(passwordProblems('abc')).toEqual([
      'password_too_short',
      'password_missing_upper',
      'password_missing_digit',
      'password_missing_symbol',
    ])
  })

  it('accepts exactly the symbols @ # $ % & ? !', () => {
    for (const s of '@#$%&?!') expect(passwordProblems(`Abcdef1${s}`)).toEqual([])
  })

  it('rejects symbols outside the allowed set', () => {
    expect(passwordProblems('Abcdef1!-')).toEqual(['password_invalid_char'])
    expect(passwordProblems('abc_')).toContain('password_invalid_char')
  })

  it('names a space or a full-width character alone (SPEC 14: one plain message)', () => {
    expect(passwordProblems('Abcdef1! ')).toEqual(['password_space'])
    expect(passwordProblems('ふじた　くま')).toEqual(['password_space'])
    expect(passwordProblems('Abcdef1!＃')).toEqual(['password_fullwidth'])
    expect(passwordProblems('Ａbcdef1＠')).toEqual(['password_fullwidth'])
    expect(passwordProblems('ｆｕｊｉｔａ')).toEqual(['password_fullwidth'])
  })

  it('reports too_long past 64 characters', () => {
    expect(passwordProblems('Aa1!' + 'a'.repeat(60))).toEqual([])
    expect(passwordProblems('Aa1!' + 'a'.repeat(61))).toEqual(['too_long'])
  })
})

describe('passwordConfirmProblem', () => {
  it('is null until both are typed, then compares exactly', () => {
    expect(passwordConfirmProblem('', 'x')).toBeNull()
    expect(passwordConfirmProblem('Abcdef1!', '')).toBeNull()
    expect(passwordConfirmProblem('Abcdef1!', 'Abcdef1!')).toBeNull()
    expect(passwordConfirmProblem('Abcdef1!', 'abcdef1!')).toBe('password_mismatch')
  })
})
