import { ref } from 'vue'

// A one-time message (an i18n key) carried to the next page, e.g. 「アカウント名を変更しました。」
// shown on the account page after an edit page succeeded.
const pendingKey = ref<string | null>(null)

export function useFlash() {
  function set(key: string): void {
    pendingKey.value = key
  }
  function take(): string | null {
    const key = pendingKey.value
    pendingKey.value = null
    return key
  }
  return { set, take }
}
