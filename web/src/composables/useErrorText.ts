import { useI18n } from 'vue-i18n'
import { isApiError } from '../api/client'
import { apiErrorMessage, type Translator } from '../lib/errorMessages'

/** The page's i18n as the small interface lib/errorMessages needs. */
export function useTranslator(): Translator {
  const i18n = useI18n()
  return {
    t: (key, named) => (named ? i18n.t(key, named) : i18n.t(key)),
    te: (key) => i18n.te(key),
  }
}

/** A friendly, translated sentence for any failure (never the raw error). */
export function useErrorText(): (e: unknown) => string {
  const tr = useTranslator()
  return (e) => (isApiError(e) ? apiErrorMessage(e, tr) : tr.t('errors.api.unknown'))
}
