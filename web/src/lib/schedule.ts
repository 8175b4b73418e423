// Times of scheduled calls as people read them: always in the facility's time zone (the one the
// staff typed them in), never silently in the browser's.

function parts(date: Date, timeZone: string, options: Intl.DateTimeFormatOptions, locale = 'en-US'): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of new Intl.DateTimeFormat(locale, { timeZone, ...options }).formatToParts(date)) out[p.type] = p.value
  return out
}

/** 「12月1日（火）14:00」 (ja) or "Tue 1 Dec, 14:00" (en); the year is added when it is not this year's. */
export function formatCallTime(iso: string, timeZone: string, locale: string, now: Date = new Date()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const year = parts(d, timeZone, { year: 'numeric' }).year
  const showYear = year !== parts(now, timeZone, { year: 'numeric' }).year
  if (locale === 'ja') {
    const p = parts(d, timeZone, { month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }, 'ja-JP')
    return `${showYear ? `${year}年` : ''}${p.month}月${p.day}日（${p.weekday}）${p.hour}:${p.minute}`
  }
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: showYear ? 'numeric' : undefined,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d)
}

/** The zone's name as people say it: 「日本標準時」, "Japan Standard Time"; the IANA id when unknown. */
export function zoneName(timeZone: string, locale: string, at: Date = new Date()): string {
  try {
    return parts(at, timeZone, { timeZoneName: 'long' }, locale === 'ja' ? 'ja-JP' : 'en-GB').timeZoneName ?? timeZone
  } catch {
    return timeZone
  }
}

/** "2026-12-01": the zone's calendar date of `at` (for <input type="date"> min/max). */
export function zoneDate(timeZone: string, at: Date = new Date()): string {
  const p = parts(at, timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' })
  return `${p.year}-${p.month}-${p.day}`
}

/** Whether the browser's clock is in another zone than the facility's right now. */
export function browserZoneDiffers(timeZone: string, at: Date = new Date()): boolean {
  const fmt = (zone: string | undefined) =>
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: 'numeric', day: 'numeric', hourCycle: 'h23' }).format(at)
  return fmt(timeZone) !== fmt(undefined)
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}
