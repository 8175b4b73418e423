// Japanese is the default (the manual's wording); English loads on demand. Only the
// language choice is remembered in localStorage.
import { createI18n } from 'vue-i18n'
import ja from './locales/ja.json'

export type Locale = 'ja' | 'en'
export const LOCALES: readonly Locale[] = ['ja', 'en']
const STORAGE_KEY = 'carelive_lang'

type Messages = typeof ja
const initialMessages: { [L in Locale]?: Messages } = { ja }

export const i18n = createI18n({
  legacy: false,
  locale: 'ja' as Locale,
  fallbackLocale: 'ja',
  messages: initialMessages,
  missingWarn: import.meta.env.DEV,
  fallbackWarn: false,
})

export function storedLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY)
    return v === 'en' ? 'en' : 'ja'
  } catch {
    return 'ja'
  }
}

export async function setLocale(locale: Locale): Promise<void> {
  const g = i18n.global
  if (!g.availableLocales.includes(locale)) {
    const messages = await import('./locales/en.json')
    g.setLocaleMessage(locale, messages.default satisfies Messages)
  }
  g.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Private mode: the choice just is not remembered.
  }
}
