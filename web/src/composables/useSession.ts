// Who is signed in, as the server says (GET /session), and the brand names of this
// installation. The session itself is only the HttpOnly cookie; this keeps the account for
// display and routing.
import { readonly, reactive } from 'vue'
import { getSession } from '../api/pass'
import type { Account } from '../api/types'
import { DEFAULT_BRAND, parseBrand, type Brand } from '../lib/brand'

const state = reactive<{ loaded: boolean; account: Account | null; brand: Brand }>({
  loaded: false,
  account: null,
  brand: { ...DEFAULT_BRAND },
})
let pending: Promise<void> | null = null

async function refresh(): Promise<void> {
  try {
    const answer = await getSession()
    state.account = answer.authenticated ? answer.account : null
    state.brand = parseBrand(answer.brand)
    state.loaded = true
  } catch {
    // Server unreachable: treat as signed out for now and ask again on the next navigation.
    // The brand names stay as they were (the built-in ones until an answer came).
    state.account = null
    state.loaded = false
  }
}

function ensureLoaded(): Promise<void> {
  if (state.loaded) return Promise.resolve()
  pending ??= refresh().finally(() => {
    pending = null
  })
  return pending
}

function setAccount(account: Account): void {
  state.account = account
  state.loaded = true
}

function clear(): void {
  state.account = null
  state.loaded = true
}

export function useSession() {
  return { state: readonly(state), ensureLoaded, refresh, setAccount, clear }
}
