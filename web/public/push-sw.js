// Web Push in the service worker (SPEC 13), imported by the generated one (vite.config.ts
// workbox.importScripts). A notice from CareLive's server is JSON: {title, body, url, tag}.
// `push` shows it — a call's notice stays until touched, and a later notice with the same tag
// (the call ended unanswered) replaces it; `notificationclick` brings an open CareLive window
// to the notice's page (the app moves there itself) or opens a new one there.
/* eslint-env serviceworker */
'use strict'

self.addEventListener('push', (event) => {
  let notice = {}
  try {
    notice = event.data ? event.data.json() : {}
  } catch {
    notice = { body: event.data ? event.data.text() : '' }
  }
  const tag = typeof notice.tag === 'string' && notice.tag ? notice.tag : undefined
  const call = Boolean(tag && tag.startsWith('call-') && notice.url && notice.url.endsWith('/call'))
  event.waitUntil(
    self.registration.showNotification(notice.title || 'CareLive', {
      body: notice.body || '',
      tag,
      renotify: Boolean(tag),
      requireInteraction: call,
      icon: '/pwa-192x192.png',
      badge: '/pwa-192x192.png',
      lang: 'ja',
      vibrate: call ? [400, 200, 400, 200, 400] : [200],
      data: { url: notice.url || '/' },
      actions: call ? [{ action: 'open', title: '通話画面を開く' }] : [],
    }),
  )
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const url = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin)
  if (url.origin !== self.location.origin) return
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin)
      if (open) {
        open.postMessage({ type: 'carelive:open', path: url.pathname + url.search })
        await open.focus()
        return
      }
      await self.clients.openWindow(url.href)
    })(),
  )
})
