import { describe, expect, it } from 'vitest'
import { checkEmail, checkEmailConfirm, checkKana, checkName, checkPhone } from './validation'
import { waitTime } from './wait'

describe('instant field checks', () => {
  it('names: full-width, at most 20 characters, empty left to the server', () => {
    expect(checkName('')).toEqual([])
    expect(checkName('富士田')).toEqual([])
    expect(checkName('Fujita')).toEqual(['not_fullwidth'])
    expect(checkName('あ'.repeat(21))).toEqual(['too_long'])
  })
  it('kana: ひらがな or カタカナ, at most 40', () => {
    expect(checkKana('フジタ')).toEqual([])
    expect(checkKana('富士田')).toEqual(['not_hiragana'])
    expect(checkKana('あ'.repeat(41))).toEqual(['too_long'])
  })
  it('email: shape and confirmation', () => {
    expect(checkEmail('kuma@example.jp')).toEqual([])
    expect(checkEmail('kuma@example')).toEqual(['email_invalid'])
    expect(checkEmail('kuma.example.jp')).toEqual(['email_invalid'])
    expect(checkEmailConfirm('kuma@example.jp', 'kuma@example.jp ')).toEqual([])
    expect(checkEmailConfirm('kuma@example.jp', 'kuma@example.com')).toEqual(['email_mismatch'])
  })
  it('phone: common Japanese formats pass, junk does not', () => {
    for (const ok of ['090-1234-5678', '09012345678', '０９０ １２３４ ５６７８', '+81 90 1234 5678', '(090)1234-5678']) {
      expect(checkPhone(ok), ok).toEqual([])
    }
    for (const bad of ['1234', '090-1234-567a', 'abc']) expect(checkPhone(bad), bad).toEqual(['phone_invalid'])
  })
})

describe('waitTime', () => {
  it('says seconds under a minute and whole minutes (rounded up) after', () => {
    expect(waitTime(8)).toEqual({ unit: 'seconds', count: 8 })
    expect(waitTime(59.2)).toEqual({ unit: 'minutes', count: 1 })
    expect(waitTime(60)).toEqual({ unit: 'minutes', count: 1 })
    expect(waitTime(61)).toEqual({ unit: 'minutes', count: 2 })
    expect(waitTime(900)).toEqual({ unit: 'minutes', count: 15 })
  })
  it('never says zero', () => {
    expect(waitTime(0)).toEqual({ unit: 'seconds', count: 1 })
    expect(waitTime(null)).toEqual({ unit: 'seconds', count: 1 })
  })
})
