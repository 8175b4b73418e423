// The page's translator with the brand names built in: every message may say {live} or
// {pass} (locales/*.json) and gets this installation's names (GET /session), or the built-in
// ones until the server has answered. Reading the names here makes a template re-render when
// they arrive.
import { useI18n } from 'vue-i18n'
import { withBrand } from '../lib/brand'
import { useSession } from './useSession'

export type Named = Record<string, unknown>

export function useText() {
  const i18n = useI18n()
  const session = useSession()

  function t(key: string, named?: Named, plural?: number): string {
    const values = withBrand(session.state.brand, named)
    return plural === undefined ? i18n.t(key, values) : i18n.t(key, values, plural)
  }

  return { t, te: (key: string) => i18n.te(key), locale: i18n.locale }
}
