// A passkey ceremony on a page (SPEC 15): the server's options, the browser's dialog, the
// server's check — with one message when any of them ends without a passkey (closed dialog,
// time out, a passkey the server refuses), and `busy` while the dialog is open.
import { ref } from 'vue'
import { isApiError } from '../api/client'
import { passkeyFailure, passkeysSupported } from '../lib/webauthn'
import { useErrorText } from './useErrorText'
import { useSession } from './useSession'
import { useText } from './useText'

export function usePasskey() {
  const { t } = useText()
  const errorText = useErrorText()
  const session = useSession()
  const error = ref('')
  const busy = ref(false)

  /** This browser has passkeys and the server's address allows them. */
  const usable = () => passkeysSupported() && session.state.passkeys

  /** Runs the ceremony; its result, or null with `error` set. `handled`: an API error the page
   * takes over itself (e.g. a waiting sign-in that ran out of time). */
  async function run<T>(ceremony: () => Promise<T>, handled?: (e: unknown) => boolean): Promise<T | null> {
    error.value = ''
    busy.value = true
    try {
      return await ceremony()
    } catch (e) {
      if (handled?.(e)) return null
      error.value = isApiError(e) ? errorText(e) : t(passkeyFailure(e))
      return null
    } finally {
      busy.value = false
    }
  }

  return { error, busy, usable, run }
}
