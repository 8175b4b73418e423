// Errors of one form: per-field codes (from the server's `fields`, or instant client checks),
// a page-level failure, the submitting flag, and the summary shown with role="alert".
import { computed, reactive, ref, shallowRef } from 'vue'
import { ApiError, isApiError } from '../api/client'
import type { FieldErrors } from '../api/types'
import { apiErrorMessage, fieldErrorMessage, type FieldLabel } from '../lib/errorMessages'
import { useTranslator } from './useErrorText'

export interface FieldDef extends FieldLabel {
  /** id of the input (or of the first radio) the summary links to */
  id: string
}

export interface SummaryItem {
  id: string | null
  message: string
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name)
  return i < 0 ? order.length : i
}

export function useForm<K extends string>(defs: Record<K, FieldDef>, aliases: Record<string, NoInfer<K>> = {}) {
  const tr = useTranslator()

  const codes = reactive<Record<string, string[]>>({})
  const failure = shallowRef<ApiError | null>(null)
  const submitting = ref(false)
  const summaryShown = ref(false)
  /** Counts how often the summary was shown, so it takes focus again on each failed try. */
  const attempt = ref(0)

  function nameOf(serverName: string): string {
    return aliases[serverName] ?? serverName
  }

  function defOf(name: string): FieldDef | null {
    return Object.prototype.hasOwnProperty.call(defs, name) ? defs[name as K] : null
  }

  function clearAll(): void {
    for (const k of Object.keys(codes)) delete codes[k]
    failure.value = null
    summaryShown.value = false
  }

  function setServerErrors(fields: FieldErrors): void {
    for (const [serverName, list] of Object.entries(fields)) {
      const name = nameOf(serverName)
      codes[name] = [...(codes[name] ?? []), ...list.filter((c) => !(codes[name] ?? []).includes(c))]
    }
  }

  /** Instant checks when a field is left: replaces that field's codes. */
  function setFieldCodes(name: K, list: string[]): void {
    if (list.length > 0) codes[name] = list
    else delete codes[name]
  }

  function messagesFor(name: K): string[] {
    const def = defs[name]
    return (codes[name] ?? []).map((c) => fieldErrorMessage(c, def, tr))
  }

  const summaryItems = computed<SummaryItem[]>(() => {
    const items: SummaryItem[] = []
    // In the order of the form's fields, then anything the form does not show.
    const order = Object.keys(defs)
    const names = Object.keys(codes).sort((a, b) => rank(order, a) - rank(order, b))
    for (const name of names) {
      const list = codes[name] ?? []
      const def = defOf(name)
      for (const code of list) {
        items.push({ id: def?.id ?? null, message: fieldErrorMessage(code, def ?? { label: 'fields.other' }, tr) })
      }
    }
    return items
  })

  const summaryTitle = computed(() => {
    if (failure.value && failure.value.code !== 'validation_failed') return apiErrorMessage(failure.value, tr)
    // With a list below, the title leads into it; without one it must say where to look.
    return summaryItems.value.length > 0 ? tr.t('errors.summary') : tr.t('errors.api.validation_failed')
  })

  const summaryVisible = computed(() => summaryShown.value && (failure.value !== null || summaryItems.value.length > 0))

  function showSummary(): void {
    summaryShown.value = true
    attempt.value += 1
  }

  /** Shows a failure that did not come from submit() (e.g. a client check before sending). */
  function fail(err: ApiError | null): void {
    failure.value = err
    showSummary()
  }

  /**
   * Runs `action` once at a time. API failures become field errors and the summary;
   * `handle` may take an error over (return true) — e.g. a token error that changes the page.
   * Resolves with the result, or undefined when it failed.
   */
  async function submit<T>(action: () => Promise<T>, handle?: (e: ApiError) => boolean): Promise<T | undefined> {
    if (submitting.value) return undefined
    clearAll()
    submitting.value = true
    try {
      return await action()
    } catch (e) {
      const err = isApiError(e) ? e : new ApiError(0, 'unknown')
      if (handle?.(err)) return undefined
      // The global handler already sends a signed-out user to the login page.
      if (err.code === 'unauthenticated') return undefined
      if (err.code === 'validation_failed') setServerErrors(err.fields)
      failure.value = err
      showSummary()
      return undefined
    } finally {
      submitting.value = false
    }
  }

  // reactive(): templates read form.submitting, form.summaryItems … without .value
  return reactive({
    codes,
    failure,
    submitting,
    attempt,
    summaryItems,
    summaryTitle,
    summaryVisible,
    setServerErrors,
    setFieldCodes,
    messagesFor,
    clearAll,
    fail,
    submit,
  })
}
