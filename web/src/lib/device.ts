// A short, human name for a session's user agent ("iPhone・Safari"). Product names are not
// translated; unknown agents return null and the page says 「不明な端末」.

const SYSTEMS: [RegExp, string][] = [
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'Mac'],
  [/Linux/, 'Linux'],
]

const BROWSERS: [RegExp, string][] = [
  [/Line\//, 'LINE'],
  [/SamsungBrowser/, 'Samsung Internet'],
  [/EdgA?\/|Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\/|FxiOS/, 'Firefox'],
  [/CriOS|Chrome\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
]

function first(list: [RegExp, string][], ua: string): string | null {
  for (const [re, name] of list) if (re.test(ua)) return name
  return null
}

export function describeDevice(userAgent: string): string | null {
  const system = first(SYSTEMS, userAgent)
  const browser = first(BROWSERS, userAgent)
  if (system && browser) return `${system}・${browser}`
  return system ?? browser
}
