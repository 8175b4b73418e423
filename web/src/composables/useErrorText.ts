import { isApiError } from '../api/client'
import { apiErrorMessage, callErrorMessage, type Translator } from '../lib/errorMessages'
import { useText } from './useText'

/** The page's i18n as the small interface lib/errorMessages needs. */
export function useTranslator(): Translator {
  const { t, te } = useText()
  return { t: (key, named) => t(key, named), te }
}

/** A friendly, translated sentence for any failure (never the raw error). */
export function useErrorText(): (e: unknown) => string {
  const tr = useTranslator()
  return (e) => (isApiError(e) ? apiErrorMessage(e, tr) : tr.t('errors.api.unknown'))
}

/** A friendly, translated sentence for a code of the call socket's `error` messages. */
export function useCallErrorText(): (code: string) => string {
  const tr = useTranslator()
  return (code) => callErrorMessage(code, tr)
}
