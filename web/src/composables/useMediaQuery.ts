// Whether a CSS media query matches now, kept up to date while the calling scope lives.
import { onScopeDispose, ref } from 'vue'

export function useMediaQuery(query: string) {
  const list = typeof window.matchMedia === 'function' ? window.matchMedia(query) : null
  const matches = ref(list?.matches ?? false)
  const update = (e: MediaQueryListEvent) => (matches.value = e.matches)
  list?.addEventListener('change', update)
  onScopeDispose(() => list?.removeEventListener('change', update))
  return matches
}
