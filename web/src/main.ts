import { createApp } from 'vue'
import './styles.css'
import App from './App.vue'
import { i18n, setLocale, storedLocale } from './i18n'
import { loginRedirect, router } from './router'
import { onUnauthenticated } from './api/client'
import { useSession } from './composables/useSession'

// A 401 `unauthenticated` on a protected page means the session ended (logout elsewhere,
// password change, age): go to login, and come back here afterwards.
onUnauthenticated(() => {
  useSession().clear()
  const current = router.currentRoute.value
  if (current.meta.requiresAuth) void router.replace(loginRedirect(current.fullPath))
})

// A tap on a notice (public/push-sw.js) while CareLive is open: go to its page in the app.
navigator.serviceWorker?.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as { type?: string; path?: string } | null
  if (m?.type === 'carelive:open' && typeof m.path === 'string' && m.path.startsWith('/')) void router.push(m.path)
})

const app = createApp(App)
app.use(i18n)
app.use(router)

const locale = storedLocale()
void (locale === 'ja' ? Promise.resolve() : setLocale(locale).catch(() => undefined))
  .then(() => router.isReady())
  .finally(() => app.mount('#app'))
