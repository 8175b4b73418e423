/**
 * Where to go after login, from the `redirect` query: only paths of this app (no open
 * redirect to another site), never back to /login itself.
 */
export function safeRedirect(value: unknown, fallback = '/account'): string {
  const v = Array.isArray(value) ? value[0] : value
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return fallback
  if (v === '/login' || v.startsWith('/login?') || v.startsWith('/login#')) return fallback
  return v
}
