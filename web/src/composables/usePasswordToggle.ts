import { computed, ref } from 'vue'

/** One show/hide switch for the password fields of a form (ShowPasswordCheckbox). */
export function usePasswordToggle() {
  const shown = ref(false)
  const inputType = computed(() => (shown.value ? 'text' : 'password'))
  return { shown, inputType }
}
