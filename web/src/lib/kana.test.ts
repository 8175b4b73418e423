import { describe, expect, it } from 'vitest'
import { isFullWidth, kanaHint, katakanaToHiragana } from './kana'

describe('katakanaToHiragana', () => {
  it('converts カタカナ and keeps ひらがな and ー', () => {
    expect(katakanaToHiragana('フジタ')).toBe('ふじた')
    expect(katakanaToHiragana('くまキチ')).toBe('くまきち')
    expect(katakanaToHiragana('ルーシー')).toBe('るーしー')
    expect(katakanaToHiragana('ヴァ')).toBe('ゔぁ')
  })
  it('converts half-width katakana via NFKC', () => {
    expect(katakanaToHiragana('ﾌｼﾞﾀ')).toBe('ふじた')
  })
})

describe('kanaHint', () => {
  it('is null for empty input and for ひらがな', () => {
    expect(kanaHint('')).toBeNull()
    expect(kanaHint('  ')).toBeNull()
    expect(kanaHint('ふじた')).toBeNull()
    expect(kanaHint('るーしー')).toBeNull()
  })
  it('tells that カタカナ will be registered as ひらがな', () => {
    expect(kanaHint('フジタ')).toBe('katakana_converted')
    expect(kanaHint('ふじタ')).toBe('katakana_converted')
    expect(kanaHint('ﾌｼﾞﾀ')).toBe('katakana_converted')
  })
  it('flags 漢字, romaji, digits and inner spaces as not ひらがな', () => {
    expect(kanaHint('富士田')).toBe('not_hiragana')
    expect(kanaHint('fujita')).toBe('not_hiragana')
    expect(kanaHint('ふじた1')).toBe('not_hiragana')
    expect(kanaHint('ふじ た')).toBe('not_hiragana')
  })
})

describe('isFullWidth', () => {
  it('accepts 漢字, かな and full-width letters', () => {
    expect(isFullWidth('富士田')).toBe(true)
    expect(isFullWidth('くまきち')).toBe(true)
    expect(isFullWidth('ＡＢＣ')).toBe(true)
  })
  it('rejects ASCII, half-width katakana and half-width spaces', () => {
    expect(isFullWidth('Fujita')).toBe(false)
    expect(isFullWidth('ﾌｼﾞﾀ')).toBe(false)
    expect(isFullWidth('富士 田')).toBe(false)
  })
})
