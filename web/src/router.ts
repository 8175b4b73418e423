// Routes of the CareLive Pass screens. Every page is its own chunk, so the login page
// loads only what it needs. Links in messages point here (docs/api.md "Links in messages").
import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import { useSession } from './composables/useSession'
import { markNavigated } from './composables/useHeadingFocus'
import { safeRedirect } from './lib/redirect'
import type { SecondStep } from './api/types'

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
      beforeEnter: () => (useSession().state.account ? '/live' : '/login'),
    },
    {
      path: '/login',
      name: 'login',
      // Someone already logged in (a bookmark, the back button) goes on rather than making a
      // second session of the same browser.
      beforeEnter: (to) => (useSession().state.account ? safeRedirect(to.query.redirect, '/live') : true),
      component: () => import('./pages/LoginPage.vue'),
    },
    // The second step of a sign-in (SPEC 15): open only while the sign-in waits for it.
    {
      path: '/login/code',
      name: 'login-code',
      beforeEnter: (to) => stepPageEntry('second_factor', to.query.redirect),
      component: () => import('./pages/SecondStepPage.vue'),
    },
    {
      path: '/login/setup',
      name: 'login-setup',
      beforeEnter: (to) => stepPageEntry('setup', to.query.redirect),
      component: () => import('./pages/SecondFactorSetupPage.vue'),
      props: { signingIn: true },
    },
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
    // アカウント管理 (manual 4): the menu, and the devices signed in with the Pass.
    { path: '/account/menu', name: 'account-menu', meta: { requiresAuth: true }, component: () => import('./pages/AccountMenuPage.vue') },
    { path: '/account/devices', name: 'account-devices', meta: { requiresAuth: true }, component: () => import('./pages/AccountDevicesPage.vue') },
    { path: '/account/data', name: 'account-data', meta: { requiresAuth: true }, component: () => import('./pages/AccountDataPage.vue') },
    { path: '/account/delete', name: 'account-delete', meta: { requiresAuth: true }, component: () => import('./pages/AccountDeletePage.vue') },
    {
      path: '/account/second-factor',
      name: 'account-second-factor',
      meta: { requiresAuth: true },
      component: () => import('./pages/AccountSecondFactorPage.vue'),
    },
    {
      path: '/account/second-factor/setup',
      name: 'account-second-factor-setup',
      meta: { requiresAuth: true },
      component: () => import('./pages/SecondFactorSetupPage.vue'),
      props: { signingIn: false },
    },
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
    // Live, family / care-worker side (SPEC 1, 3, 4, 5, 8).
    { path: '/apply', name: 'apply', component: () => import('./pages/live/ApplyPage.vue') },
    { path: '/apply/done', name: 'apply-done', component: () => import('./pages/live/ApplyDonePage.vue') },
    { path: '/live', name: 'live', meta: { requiresAuth: true }, component: () => import('./pages/live/LiveStartPage.vue') },
    { path: '/live/terms', name: 'live-terms', meta: { requiresAuth: true }, component: () => import('./pages/live/TermsPage.vue') },
    {
      path: '/live/residents/:id(\\d+)',
      name: 'live-home',
      meta: { requiresAuth: true },
      component: () => import('./pages/live/HomePage.vue'),
    },
    {
      path: '/live/residents/:id(\\d+)/relationship',
      name: 'live-relationship',
      meta: { requiresAuth: true },
      component: () => import('./pages/live/RelationshipPage.vue'),
    },
    {
      path: '/live/residents/:id(\\d+)/call',
      name: 'live-call',
      meta: { requiresAuth: true },
      component: () => import('./pages/live/CallPage.vue'),
    },
    {
      path: '/live/announcements',
      name: 'live-announcements',
      meta: { requiresAuth: true },
      component: () => import('./pages/live/AnnouncementsPage.vue'),
    },
    {
      path: '/live/announcements/:id(\\d+)',
      name: 'live-announcement',
      meta: { requiresAuth: true },
      component: () => import('./pages/live/AnnouncementPage.vue'),
    },
    {
      path: '/account/relationships',
      name: 'account-relationships',
      meta: { requiresAuth: true },
      component: () => import('./pages/live/RelationshipsPage.vue'),
    },
    // Staff console (SPEC 10) and operator console (SPEC 11); the server checks every call.
    // The link of a staff invitation; works signed out (it offers the login, then comes back).
    {
      path: '/staff/invitation',
      name: 'staff-invitation',
      component: () => import('./pages/staff/StaffInvitationPage.vue'),
    },
    { path: '/staff', name: 'staff', meta: { requiresAuth: true }, component: () => import('./pages/staff/StaffHomePage.vue') },
    {
      path: '/staff/:fid(\\d+)/residents/:rid(\\d+)/print',
      name: 'staff-print',
      meta: { requiresAuth: true },
      component: () => import('./pages/staff/StaffPrintPage.vue'),
    },
    {
      path: '/staff/:fid(\\d+)',
      meta: { requiresAuth: true },
      component: () => import('./pages/staff/StaffLayout.vue'),
      children: [
        { path: '', redirect: (to) => `/staff/${String(to.params.fid)}/residents` },
        { path: 'residents', name: 'staff-residents', component: () => import('./pages/staff/StaffResidentsPage.vue') },
        { path: 'residents/:rid(\\d+)', name: 'staff-resident', component: () => import('./pages/staff/StaffResidentsPage.vue') },
        { path: 'applications', name: 'staff-applications', component: () => import('./pages/staff/StaffApplicationsPage.vue') },
        { path: 'calls', name: 'staff-calls', component: () => import('./pages/staff/StaffCallsPage.vue') },
        { path: 'call-schedule', name: 'staff-call-schedule', component: () => import('./pages/staff/StaffSchedulePage.vue') },
        { path: 'members', name: 'staff-members', component: () => import('./pages/staff/StaffMembersPage.vue') },
        { path: 'access-records', name: 'staff-access-records', component: () => import('./pages/staff/StaffAccessRecordsPage.vue') },
      ],
    },
    { path: '/operator', name: 'operator', meta: { requiresAuth: true }, component: () => import('./pages/operator/OperatorPage.vue') },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
  ],
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

const STEP_PAGES: Record<SecondStep, string> = { second_factor: '/login/code', setup: '/login/setup' }

/** A step page opens while the sign-in waits for that step; otherwise the login page (or, when
 * signed in already, where the sign-in was going). */
function stepPageEntry(step: SecondStep, redirect: unknown): true | RouteLocationRaw {
  const session = useSession()
  if (session.state.secondStep === step) return true
  if (session.state.account) return safeRedirect(redirect, '/live')
  const waiting = session.state.secondStep
  return waiting ? { path: STEP_PAGES[waiting], query: redirect ? { redirect: String(redirect) } : {} } : '/login'
}

/** Where to send a signed-out visitor of `fullPath`, to come back after login. */
export function loginRedirect(fullPath: string): RouteLocationRaw {
  return { path: '/login', query: { redirect: fullPath } }
}

router.beforeEach(async (to) => {
  const session = useSession()
  await session.ensureLoaded()
  // A sign-in waiting for its second step reaches nothing signed-in before it is done.
  const waiting = session.state.secondStep
  if (waiting && (to.meta.requiresAuth || to.name === 'login')) {
    const redirect = to.name === 'login' ? to.query.redirect : to.fullPath
    return { path: STEP_PAGES[waiting], query: typeof redirect === 'string' ? { redirect } : {} }
  }
  if (to.meta.requiresAuth && !session.state.account) return loginRedirect(to.fullPath)
  return true
})

router.afterEach((_to, from) => {
  if (from.matched.length > 0) markNavigated()
})
