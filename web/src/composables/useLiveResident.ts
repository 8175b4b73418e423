// The resident a Live page is about (route param `id`), and the one place that turns the
// server's refusals into where to go: terms first (403 terms_required), otherwise the start.
import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { isApiError } from '../api/client'

const LAST = 'carelive.live.resident'

/** The last home the user opened, so 案内 can lead back to it. Not sensitive: only an id. */
export function rememberResident(id: number): void {
  try {
    sessionStorage.setItem(LAST, String(id))
  } catch {
    // storage unavailable: the back link goes to /live instead
  }
}

export function lastResidentHome(): string {
  try {
    const id = Number(sessionStorage.getItem(LAST))
    if (Number.isInteger(id) && id > 0) return `/live/residents/${id}`
  } catch {
    // ignore
  }
  return '/live'
}

export function useLiveResident() {
  const route = useRoute()
  const router = useRouter()
  const residentId = computed(() => Number(route.params.id))

  /** True when the error was a refusal handled by going elsewhere. */
  async function redirectFor(e: unknown, residentId?: number): Promise<boolean> {
    if (!isApiError(e)) return false
    if (e.code === 'terms_required') {
      await router.replace(residentId ? { path: '/live/terms', query: { resident: residentId } } : '/live/terms')
      return true
    }
    if (e.code === 'forbidden' || e.code === 'not_found') {
      await router.replace('/live')
      return true
    }
    return e.code === 'unauthenticated'
  }

  return { residentId, redirectFor }
}
