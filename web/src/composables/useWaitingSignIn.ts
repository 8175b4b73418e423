// What the pages of a sign-in waiting for its second step share (SPEC 15): 「確認コードの入力」
// and the policy's 「2段階認証の設定」.
import { useRoute, useRouter } from 'vue-router'
import { logout } from '../api/pass'
import type { ApiError } from '../api/client'
import { useFlash } from './useFlash'
import { useSession } from './useSession'

interface CodeForm {
  clearAll(): void
  setFieldCodes(name: 'code', codes: string[]): void
  fail(err: null): void
}

export function useWaitingSignIn() {
  const route = useRoute()
  const router = useRouter()
  const session = useSession()
  const flash = useFlash()

  /** The waiting sign-in ended (its minutes passed, or it was ended elsewhere): back to the
   * login page, which says so. Takes such an error over (true) for useForm's submit. */
  function expired(e: ApiError): boolean {
    if (e.code !== 'unauthenticated' && e.code !== 'second_step_required') return false
    session.clear()
    flash.set('secondStep.expired')
    const redirect = route.query.redirect
    void router.replace({ path: '/login', query: typeof redirect === 'string' ? { redirect } : {} })
    return true
  }

  /** 「ログインをやめる」: the waiting sign-in ends. */
  async function cancel(): Promise<void> {
    try {
      await logout()
    } catch {
      // Ended already: the login page either way.
    }
    session.clear()
    await router.replace('/login')
  }

  /** An empty code is told at once, without a round trip that would count as a guess. */
  function codeGiven(form: CodeForm, code: string): boolean {
    if (code.trim() !== '') return true
    form.clearAll()
    form.setFieldCodes('code', ['required'])
    form.fail(null)
    return false
  }

  return { expired, cancel, codeGiven }
}
