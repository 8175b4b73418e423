// Japanese-text hints for the name fields (SPEC 2: 姓・名 全角, ふりがな ひらがな; カタカナ is
// converted by the server). Only hints: the server (ICU) decides.

const KATAKANA_START = 0x30a1 // ァ
const KATAKANA_END = 0x30f6 // ヶ
const KATA_TO_HIRA = 0x60

/** ァ..ヶ and ヽヾ become ぁ..ゖ and ゝゞ; everything else is kept (ー stays ー). */
export function katakanaToHiragana(text: string): string {
  let out = ''
  for (const ch of text.normalize('NFKC')) {
    const cp = ch.codePointAt(0) ?? 0
    if ((cp >= KATAKANA_START && cp <= KATAKANA_END) || cp === 0x30fd || cp === 0x30fe) {
      out += String.fromCodePoint(cp - KATA_TO_HIRA)
    } else {
      out += ch
    }
  }
  return out
}

const HIRAGANA_NAME = /^[\u3041-\u3096\u309d\u309e\u30fc]+$/u
const KATAKANA = /[\u30a1-\u30f6\u30fd\u30fe\uff66-\uff9d]/u

export type KanaHint = 'katakana_converted' | 'not_hiragana'

/**
 * For a ふりがな value: null when it is fine as typed, 'katakana_converted' when it holds
 * カタカナ that will be registered as ひらがな, 'not_hiragana' when it holds anything else
 * (漢字, ローマ字, 記号, spaces).
 */
export function kanaHint(value: string): KanaHint | null {
  const trimmed = value.trim()
  if (trimmed === '') return null
  if (!HIRAGANA_NAME.test(katakanaToHiragana(trimmed))) return 'not_hiragana'
  return KATAKANA.test(trimmed) ? 'katakana_converted' : null
}

// Half-width forms: printable ASCII and the half-width katakana / Hangul block.
const HALF_WIDTH = /[\u0020-\u007e\uff61-\uffdc\uffe8-\uffee]/u

/** True when every character is full-width (全角), as 姓 and 名 must be. */
export function isFullWidth(value: string): boolean {
  return !HALF_WIDTH.test(value)
}
