// Pages opened from a link in a message (?token=…) first send the token to the server.
// This runs that call once on mount and turns the token errors into page states.
import { onMounted, ref, shallowRef } from 'vue'
import { isApiError } from '../api/client'
import { useErrorText } from './useErrorText'
import { useQueryToken } from './useQueryToken'
import { focusHeading } from './useHeadingFocus'

export type TokenState = 'checking' | 'ok' | 'token_invalid' | 'token_expired' | 'token_used' | 'error'
const TOKEN_ERRORS = ['token_invalid', 'token_expired', 'token_used'] as const

export function useTokenCheck<T>(action: (token: string) => Promise<T>) {
  const token = useQueryToken()
  const errorText = useErrorText()
  const state = ref<TokenState>('checking')
  const result = shallowRef<T | null>(null)
  const error = ref('')

  function tokenState(e: unknown): TokenState | null {
    if (!isApiError(e)) return null
    return (TOKEN_ERRORS as readonly string[]).includes(e.code) ? (e.code as TokenState) : null
  }

  async function run(): Promise<void> {
    state.value = 'checking'
    if (token.value === '') {
      state.value = 'token_invalid'
    } else {
      try {
        result.value = await action(token.value)
        state.value = 'ok'
      } catch (e) {
        state.value = tokenState(e) ?? 'error'
        error.value = errorText(e)
      }
    }
    focusHeading()
  }

  onMounted(run)
  return { token, state, result, error, run, tokenState }
}
