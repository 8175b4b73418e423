// Who is signed in, as the server says (GET /session), and the brand names of this
// installation. The session itself is only the HttpOnly cookie; this keeps the account for
// display and routing.
import { readonly, reactive } from 'vue'
import { getSession } from '../api/pass'
import type { Account, SecondStep } from '../api/types'
import { DEFAULT_BRAND, parseBrand, type Brand } from '../lib/brand'

// `secondStep`: the password was right and the sign-in waits for its second step (SPEC 15);
// nothing but that step's page is open until it is done.
// `passkeys`: this server's address allows passkeys (SPEC 15; not on a bare IP address).
const state = reactive<{ loaded: boolean; account: Account | null; secondStep: SecondStep | null; brand: Brand; passkeys: boolean }>({
  loaded: false,
  account: null,
  secondStep: null,
  brand: { ...DEFAULT_BRAND },
  passkeys: false,
})
let pending: Promise<void> | null = null

async function refresh(): Promise<void> {
  try {
    const answer = await getSession()
    state.account = answer.authenticated ? answer.account : null
    state.secondStep = answer.authenticated ? null : (answer.second_step ?? null)
    state.brand = parseBrand(answer.brand)
    state.passkeys = answer.passkeys === true
    state.loaded = true
  } catch {
    // Server unreachable: treat as signed out for now and ask again on the next navigation.
    // The brand names stay as they were (the built-in ones until an answer came).
    state.account = null
    state.secondStep = null
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
  state.secondStep = null
  state.loaded = true
}

/** The password was right; the sign-in waits for `step`. */
function setSecondStep(step: SecondStep): void {
  state.account = null
  state.secondStep = step
  state.loaded = true
}

function clear(): void {
  state.account = null
  state.secondStep = null
  state.loaded = true
}

export function useSession() {
  return { state: readonly(state), ensureLoaded, refresh, setAccount, setSecondStep, clear }
}
