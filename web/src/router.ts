// Routes of the CareLive Pass screens. Every page is its own chunk, so the login page
// loads only what it needs. Links in messages point here (docs/api.md "Links in messages").
import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { useSession } from './composables/useSession'
import { markNavigated } from './composables/useHeadingFocus'

declare module 'vue-router' {
  interface RouteMeta {
    requiresAuth?: boolean
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    {
      path: '/',
      component: { render: () => null },
      beforeEnter: () => (useSession().state.account ? '/account' : '/login'),
    },
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue') },
    { path: '/signup', name: 'signup', component: () => import('./pages/SignupPage.vue') },
    { path: '/pass/confirm', name: 'pass-confirm', component: () => import('./pages/PassConfirmPage.vue') },
    { path: '/password/forgot', name: 'password-forgot', component: () => import('./pages/ForgotPasswordPage.vue') },
    { path: '/password/reset', name: 'password-reset', component: () => import('./pages/ResetPasswordPage.vue') },
    {
      path: '/account/contact/confirm',
      name: 'contact-confirm',
      component: () => import('./pages/ContactConfirmPage.vue'),
    },
    { path: '/account', name: 'account', meta: { requiresAuth: true }, component: () => import('./pages/AccountPage.vue') },
    {
      path: '/account/name',
      name: 'account-name',
      meta: { requiresAuth: true },
      component: () => import('./pages/AccountNamePage.vue'),
    },
    {
      path: '/account/kana',
      name: 'account-kana',
      meta: { requiresAuth: true },
      component: () => import('./pages/AccountKanaPage.vue'),
    },
    {
      path: '/account/email',
      name: 'account-email',
      meta: { requiresAuth: true },
      component: () => import('./pages/AccountContactPage.vue'),
      props: { kind: 'email' },
    },
    {
      path: '/account/phone',
      name: 'account-phone',
      meta: { requiresAuth: true },
      component: () => import('./pages/AccountContactPage.vue'),
      props: { kind: 'phone' },
    },
    {
      path: '/account/password',
      name: 'account-password',
      meta: { requiresAuth: true },
      component: () => import('./pages/AccountPasswordPage.vue'),
    },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
  ],
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

/** Where to send a signed-out visitor of `fullPath`, to come back after login. */
export function loginRedirect(fullPath: string): RouteLocationRaw {
  return { path: '/login', query: { redirect: fullPath } }
}

router.beforeEach(async (to) => {
  const session = useSession()
  await session.ensureLoaded()
  if (to.meta.requiresAuth && !session.state.account) return loginRedirect(to.fullPath)
  return true
})

router.afterEach((_to, from) => {
  if (from.matched.length > 0) markNavigated()
})
