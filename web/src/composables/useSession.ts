// Who is signed in, as the server says (GET /session). The session itself is only the
// HttpOnly cookie; this keeps the account for display and routing.
import { readonly, reactive } from 'vue'
import { getSession } from '../api/pass'
import type { Account } from '../api/types'

const state = reactive<{ loaded: boolean; account: Account | null }>({ loaded: false, account: null })
let pending: Promise<void> | null = null

async function refresh(): Promise<void> {
  try {
    const answer = await getSession()
    state.account = answer.authenticated ? answer.account : null
    state.loaded = true
  } catch {
    // Server unreachable: treat as signed out for now and ask again on the next navigation.
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
