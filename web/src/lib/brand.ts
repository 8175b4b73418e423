// Brand names are configuration (SPEC intro: brand.live, brand.pass). The server tells them in
// GET /session; until it answers, and for anything unusable it sends, the built-in names hold.
// Messages name the brand only through {live} and {pass} (locales/*.json).

export interface Brand {
  /** the service, e.g. "CareLive" (manual: CAREKARTE Live) */
  live: string
  /** the login account, e.g. "CareLive Pass" (manual: CAREKARTE Pass) */
  pass: string
}

export const DEFAULT_BRAND: Readonly<Brand> = Object.freeze({ live: 'CareLive', pass: 'CareLive Pass' })

/** A name longer than this is not a brand but a mistake; it would break every heading. */
const MAX_LENGTH = 40

function name(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback
  const trimmed = value.trim()
  return trimmed !== '' && trimmed.length <= MAX_LENGTH ? trimmed : fallback
}

/** The `brand` object of a session answer, each name falling back to its default on its own. */
export function parseBrand(raw: unknown): Brand {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
  return { live: name(o.live, DEFAULT_BRAND.live), pass: name(o.pass, DEFAULT_BRAND.pass) }
}

/** Named values for a message: the brand names, then the caller's own (which win). */
export function withBrand(brand: Brand, named?: Record<string, unknown>): Record<string, unknown> {
  return { live: brand.live, pass: brand.pass, ...named }
}
