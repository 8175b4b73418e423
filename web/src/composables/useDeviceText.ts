// Devices and times as the account pages say them: 「Linux（Chrome）」 from a user agent, and
// 「2026年11月25日 9:15」 (the month spelled out reads more easily than 2026/11/25).
import { describeDevice } from '../lib/device'
import { useText } from './useText'

export function useDeviceText() {
  const { t, locale } = useText()

  function formatTime(iso: string): string {
    const d = new Date(iso)
    if (Number.isNaN(d.getTime())) return iso
    return new Intl.DateTimeFormat(locale.value === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(d)
  }

  function deviceName(userAgent: string): string {
    const d = describeDevice(userAgent)
    if (!d) return t('account.unknownDevice')
    if (d.system && d.browser) return t('account.device', { system: d.system, browser: d.browser })
    return d.system ?? d.browser ?? t('account.unknownDevice')
  }

  return { formatTime, deviceName }
}
