/** How long to tell the user to wait, from `retry_after` seconds: seconds under a minute, else whole minutes rounded up. */
export function waitTime(retryAfter: number | null): { unit: 'seconds' | 'minutes'; count: number } {
  const s = retryAfter !== null && Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : 1
  if (s < 60) return { unit: 'seconds', count: s }
  return { unit: 'minutes', count: Math.ceil(s / 60) }
}
