import { toValue, watchEffect, type MaybeRefOrGetter } from 'vue'
import { useI18n } from 'vue-i18n'

/** Sets document.title to "<page> | CareLive Pass", following the language and the step. */
export function usePageTitle(key: MaybeRefOrGetter<string>): void {
  const { t } = useI18n()
  watchEffect(() => {
    document.title = `${t(toValue(key))} | ${t('app.brandPass')}`
  })
}
