import { toValue, watchEffect, type MaybeRefOrGetter } from 'vue'
import { useText } from './useText'

/** Sets document.title to "<page> | CareLive", following the language, the step and the brand. */
export function usePageTitle(key: MaybeRefOrGetter<string>): void {
  const { t } = useText()
  watchEffect(() => {
    document.title = t('app.documentTitle', { page: t(toValue(key)) })
  })
}
