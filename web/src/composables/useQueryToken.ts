import { computed } from 'vue'
import { useRoute } from 'vue-router'

/** The `token` query parameter of a link from a message ('' when missing). */
export function useQueryToken() {
  const route = useRoute()
  return computed(() => {
    const v = route.query.token
    const token = Array.isArray(v) ? v[0] : v
    return typeof token === 'string' ? token.trim() : ''
  })
}
