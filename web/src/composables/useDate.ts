import { useText } from './useText'

/** 「2026年11月25日」 in Japanese, "25 November 2026" in English; the raw text if unreadable. */
export function useDate(): (iso: string) => string {
  const { locale } = useText()
  return (iso) => {
    const d = new Date(iso)
    if (Number.isNaN(d.getTime())) return iso
    return new Intl.DateTimeFormat(locale.value === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'long' }).format(d)
  }
}
