import { computed, ref } from 'vue'

/** One show/hide switch for the password fields of a form. */
export function usePasswordToggle() {
  const shown = ref(false)
  const inputType = computed(() => (shown.value ? 'text' : 'password'))
  function toggle(): void {
    shown.value = !shown.value
  }
  return { shown, inputType, toggle }
}
