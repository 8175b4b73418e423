// A short, human name for a session's user agent: which device system and which browser
// ("iPhone" + "Safari"). The page joins them in the user's language. Product names are not
// translated; an agent with neither returns null and the page says 「不明な端末」.

export interface DeviceName {
  system: string | null
  browser: string | null
}

const SYSTEMS: [RegExp, string][] = [
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'Mac'],
  [/Linux/, 'Linux'],
]

// Order matters: most browsers also say "Chrome" or "Safari" in their agent string.
const BROWSERS: [RegExp, string][] = [
  [/Line\//, 'LINE'],
  [/SamsungBrowser/, 'Samsung Internet'],
  [/EdgA?\/|EdgiOS|Edg\//, 'Edge'],
  [/OPR\/|OPiOS/, 'Opera'],
  [/Firefox\/|FxiOS/, 'Firefox'],
  [/CriOS|Chrome\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
]

function first(list: [RegExp, string][], ua: string): string | null {
  for (const [re, name] of list) if (re.test(ua)) return name
  return null
}

export function describeDevice(userAgent: string): DeviceName | null {
  const system = first(SYSTEMS, userAgent)
  const browser = first(BROWSERS, userAgent)
  return system || browser ? { system, browser } : null
}
