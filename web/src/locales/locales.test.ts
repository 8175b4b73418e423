// Every user-facing string lives in ja.json and en.json: same keys in both, every API error
// code of docs/api.md translated, every message renders (vue-i18n syntax: a literal @ must be
// written {'@'}), and every key the source code names exists.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import ja from './ja.json'
import en from './en.json'
import { ApiError } from '../api/client'
import { CALL_ERROR_CODES, apiErrorMessage, callErrorMessage, fieldErrorMessage } from '../lib/errorMessages'
import { DEFAULT_BRAND, withBrand } from '../lib/brand'

type Tree = { [key: string]: string | Tree }

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix + k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of leaves(v, key + '.')) out.set(kk, vv)
  }
  return out
}

const jaKeys = leaves(ja)
const enKeys = leaves(en)
const here = dirname(fileURLToPath(import.meta.url))

// From docs/api.md (v1), plus the codes the server's error table adds.
const API_CODES = [
  'bad_json', 'unauthenticated', 'login_failed', 'csrf_failed', 'forbidden', 'not_found', 'token_invalid',
  'token_expired', 'token_used', 'payload_too_large', 'validation_failed', 'login_throttled', 'rate_limited', 'internal',
  'destination_limited', 'bad_request', 'method_not_allowed', 'unsupported_media_type', 'unavailable',
]
const FIELD_CODES = [
  'required', 'too_long', 'not_fullwidth', 'not_hiragana', 'email_invalid', 'email_mismatch', 'phone_invalid',
  'phone_not_mobile', 'contact_kind_invalid', 'contact_unchanged', 'password_too_short', 'password_missing_upper',
  'password_missing_lower', 'password_missing_digit', 'password_missing_symbol', 'password_invalid_char',
  'password_space', 'password_fullwidth',
  'password_mismatch', 'password_common', 'password_reused', 'password_wrong',
]

function codesInApiDoc(): { api: string[]; field: string[] } | null {
  const doc = join(here, '../../../docs/api.md')
  if (!existsSync(doc)) return null
  const text = readFileSync(doc, 'utf8')
  const api = [...text.matchAll(/^\|\s*\d{3}\s*\|([^|]*)\|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((c) => c[1]!))
  // "Field error codes (a note that may name fields in backticks): `code`, …" — only after the note.
  const fieldPara = /Field error codes(?:\s*\([^)]*\))?:([\s\S]*?)\n\n/.exec(text)?.[1] ?? ''
  const field = [...fieldPara.matchAll(/`([a-z_]+)`/g)].map((c) => c[1]!)
  return { api, field }
}

/** The codes docs/api.md lists for the call socket's `{"type":"error","code","ref"}`. */
function callCodesInApiDoc(): string[] | null {
  const doc = join(here, '../../../docs/api.md')
  if (!existsSync(doc)) return null
  const para = /\{"type":"error","code","ref"\}`[^.]*?; codes ([^.]*)\./.exec(readFileSync(doc, 'utf8'))
  return para ? [...para[1]!.matchAll(/`([a-z_]+)`/g)].map((c) => c[1]!) : []
}

function i18nFor(locale: 'ja' | 'en') {
  const warnings: string[] = []
  const i18n = createI18n({
    legacy: false,
    locale,
    messages: { ja, en },
    missingWarn: true,
    fallbackWarn: true,
    warnHtmlMessage: true,
    missing: (_locale, key) => {
      warnings.push(`missing ${key}`)
    },
  })
  const g = i18n.global
  return { t: (k: string, named?: Record<string, unknown>) => (named ? g.t(k, named) : g.t(k)), te: (k: string) => g.te(k), warnings }
}

describe('locale files', () => {
  it('ja and en have exactly the same keys', () => {
    expect([...enKeys.keys()].sort()).toEqual([...jaKeys.keys()].sort())
  })

  it('have no empty message', () => {
    for (const [k, v] of [...jaKeys, ...enKeys]) expect(v.trim(), k).not.toBe('')
  })

  it('translate every API error code and field code', () => {
    const doc = codesInApiDoc()
    const api = new Set([...API_CODES, ...(doc?.api ?? [])])
    const field = new Set([...FIELD_CODES, ...(doc?.field ?? [])])
    if (doc) {
      expect(doc.api.length).toBeGreaterThan(5)
      expect(doc.field.length).toBeGreaterThan(5)
    }
    for (const code of api) {
      expect(jaKeys.has(`errors.api.${code}`), `errors.api.${code}`).toBe(true)
    }
    for (const code of field) {
      expect(jaKeys.has(`errors.field.${code}`), `errors.field.${code}`).toBe(true)
    }
  })

  it('translate every code of the server\'s one error table (src/core/error_codes.hpp)', () => {
    const table = join(here, '../../../src/core/error_codes.hpp')
    if (!existsSync(table)) return
    const names = [...readFileSync(table, 'utf8').matchAll(/ErrorCode k[A-Za-z]+\{\s*"([a-z_]+)"/g)].map((m) => m[1]!)
    expect(names.length).toBeGreaterThan(20)
    for (const code of names) {
      const has = jaKeys.has(`errors.api.${code}`) || jaKeys.has(`errors.call.${code}`)
      expect(has, `errors.api.${code} or errors.call.${code}`).toBe(true)
    }
  })

  it('say each refusal of the call socket in words of its own, in both languages', () => {
    const doc = callCodesInApiDoc()
    if (doc) expect(doc.length).toBeGreaterThan(5)
    const codes = new Set([...CALL_ERROR_CODES, ...(doc ?? [])])
    for (const code of codes) {
      expect(jaKeys.get(`errors.call.${code}`), `ja errors.call.${code}`).toBeTruthy()
      expect(enKeys.get(`errors.call.${code}`), `en errors.call.${code}`).toBeTruthy()
    }
    for (const locale of ['ja', 'en'] as const) {
      const tr = i18nFor(locale)
      const texts = [...codes].map((code) => callErrorMessage(code, tr))
      expect(new Set(texts).size, `${locale}: one text per code`).toBe(codes.size)
      expect(texts).not.toContain(callErrorMessage('something_new', tr))
    }
    expect(callErrorMessage('call_in_progress', i18nFor('ja'))).toBe('この利用者様とは、ほかの職員がすでに通話中です。')
    expect(callErrorMessage('no_call', i18nFor('ja'))).toBe('通話はもう終わっています。')
    expect(callErrorMessage('something_new', i18nFor('ja'))).toBe('この操作はできませんでした。画面を読み込み直してください。')
  })

  it('render every message in both languages without a leftover placeholder', () => {
    for (const locale of ['ja', 'en'] as const) {
      const tr = i18nFor(locale)
      const named = {
        ...DEFAULT_BRAND,
        field: 'F', max: 20, count: 3, name: 'N', value: 'V', time: 'T', device: 'D', ip: 'I', link: 'L', page: 'P',
        system: 'S', browser: 'B',
      }
      for (const key of jaKeys.keys()) {
        const text = tr.t(key, named)
        expect(text, `${locale}:${key}`).not.toBe(key)
        expect(text, `${locale}:${key}`).not.toMatch(/[{}]/)
      }
      expect(tr.warnings).toEqual([])
    }
  })

  it('name the brand only through {live} and {pass}, never literally', () => {
    for (const [k, v] of [...jaKeys, ...enKeys]) {
      expect(v, k).not.toMatch(/CareLive|CAREKARTE/i)
    }
    const placeholders = new Set([...jaKeys.values(), ...enKeys.values()].flatMap((v) => [...v.matchAll(/\{(live|pass)\}/g)].map((m) => m[1])))
    expect([...placeholders].sort()).toEqual(['live', 'pass'])
  })

  it('read exactly as before with the built-in brand names', () => {
    const tr = i18nFor('ja')
    const t = (k: string, named?: Record<string, unknown>) => tr.t(k, withBrand(DEFAULT_BRAND, named))
    expect(t('login.title')).toBe('CareLive Passでログイン')
    expect(t('login.signup')).toBe('CareLive Passの新規作成')
    expect(t('signup.title')).toBe('CareLive Passの新規作成')
    expect(t('passConfirm.completedBody')).toBe('CareLive Passの登録が完了しました。')
    expect(t('passConfirm.alreadyBody')).toBe('CareLive Passの登録はすでに完了しています。')
    expect(t('account.passSection')).toBe('CareLive Pass（ログインアカウント情報）')
    expect(t('app.siteName')).toBe('CareLive')
    expect(t('app.documentTitle', { page: t('login.title') })).toBe('CareLive Passでログイン | CareLive')
    const en = i18nFor('en')
    expect(en.t('login.title', withBrand(DEFAULT_BRAND))).toBe('Sign in with CareLive Pass')
  })

  it('carry a configured brand into every message that names it', () => {
    const brand = { live: 'ふじLive', pass: 'ふじPass' }
    for (const locale of ['ja', 'en'] as const) {
      const tr = i18nFor(locale)
      for (const [key, raw] of jaKeys) {
        const source = locale === 'ja' ? raw : enKeys.get(key)!
        const text = tr.t(key, withBrand(brand, { page: 'P', field: 'F', count: 1 }))
        if (source.includes('{pass}')) expect(text, `${locale}:${key}`).toContain('ふじPass')
        if (source.includes('{live}')) expect(text, `${locale}:${key}`).toContain('ふじLive')
        expect(text, `${locale}:${key}`).not.toContain('CareLive')
      }
    }
    const tr = i18nFor('ja')
    expect(tr.t('signup.title', withBrand(brand))).toBe('ふじPassの新規作成')
  })

  it('show the allowed symbols literally', () => {
    const tr = i18nFor('ja')
    expect(tr.t('common.passwordRule3')).toBe('利用可能記号は @ # $ % & ? ! です。')
  })

  it('name every key the source code uses', () => {
    const src = join(here, '..')
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) walk(p)
        else if (/\.(vue|ts)$/.test(name) && !name.endsWith('.test.ts')) files.push(p)
      }
    }
    walk(src)
    const used = new Set<string>()
    const patterns = [/\bt\(\s*'([a-zA-Z_.]+)'/g, /label: '(fields\.[a-zA-Z_.]+)'/g, /keypath="([a-zA-Z_.]+)"/g, /(?:set|usePageTitle)\(\s*'([a-zA-Z_.]+)'/g, /'((?:account|passConfirm|reset|contactConfirm|signup|forgot|accountEdit|accountContact|common|login|notFound|app)\.[a-zA-Z_.]+)'/g]
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      for (const re of patterns) for (const m of text.matchAll(re)) used.add(m[1]!)
    }
    expect(used.size).toBeGreaterThan(50)
    for (const key of used) expect(jaKeys.has(key), `${key} is used but missing in ja.json`).toBe(true)
  })
})

describe('error messages', () => {
  const tr = i18nFor('ja')

  it('name the field and the broken rule', () => {
    expect(fieldErrorMessage('password_missing_symbol', { label: 'fields.password' }, tr)).toBe(
      'パスワードには半角記号（@ # $ % & ? !）を1つ以上使用してください。',
    )
    expect(fieldErrorMessage('required', { label: 'fields.family_name' }, tr)).toBe('姓を入力してください。')
    expect(fieldErrorMessage('too_long', { label: 'fields.given_name', max: 20 }, tr)).toBe('名は20文字以内で入力してください。')
    expect(fieldErrorMessage('password_wrong', { label: 'fields.current_password' }, tr)).toBe('現在のパスワードが正しくありません。')
    expect(fieldErrorMessage('password_reused', { label: 'fields.password' }, tr)).toContain(
      '過去に設定したことがあるパスワードは使用できません',
    )
  })

  it('fall back to a generic sentence for unknown codes, never the code', () => {
    const text = fieldErrorMessage('brand_new_rule', { label: 'fields.email' }, tr)
    expect(text).toBe('メールアドレスの入力内容を確認してください。')
    expect(apiErrorMessage(new ApiError(500, 'something_new'), tr)).toBe(tr.t('errors.api.unknown'))
    expect(apiErrorMessage(new ApiError(0, 'network'), tr)).toBe(tr.t('errors.api.network'))
  })

  it('give the neutral login message and when to try again', () => {
    expect(apiErrorMessage(new ApiError(401, 'login_failed'), tr)).toBe(
      'メールアドレス・携帯電話番号またはパスワードが正しくありません。',
    )
    expect(apiErrorMessage(new ApiError(429, 'login_throttled', {}, 8), tr)).toBe(
      'ログインの試行が続いたため、一時的にログインを制限しています。あと約8秒お待ちください。',
    )
    expect(apiErrorMessage(new ApiError(429, 'login_throttled', {}, 900), tr)).toBe(
      'ログインの試行が続いたため、一時的にログインを制限しています。あと約15分お待ちください。',
    )
  })
})
