/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'

// The API server (carelive serve) listens here during development; `vite` and
// `vite preview` forward /api to it so cookies stay same-origin.
const apiProxy = { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } }

export default defineConfig({
  plugins: [
    vue(),
    // SPEC 12: installable, opens full-screen from the home screen, app shell usable offline.
    VitePWA({
      registerType: 'autoUpdate',
      // A script file, not an inline snippet: the CSP allows no inline script.
      injectRegister: 'script',
      includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
      manifest: {
        name: 'CareLive',
        short_name: 'CareLive',
        description: 'ご家族・ケア担当者と事業所をつなぐCareLive',
        lang: 'ja',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#0b5394',
        icons: [
          { src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png' },
          { src: '/pwa-512x512.png', sizes: '512x512', type: 'image/png' },
          { src: '/maskable-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell (HTML, JS, CSS, icons) is precached; every /api answer goes to the
        // network only: no account data is ever kept on the phone by the service worker.
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        globIgnores: ['push-sw.js'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/healthz/, /^\/metrics/],
        runtimeCaching: [],
        // Web Push: the notice and a tap on it (public/push-sw.js, SPEC 13).
        importScripts: ['/push-sw.js'],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  define: {
    // vue-i18n feature flags: Composition API only, no devtools hooks in production.
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_OPTIONS_API__: false,
  },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // CSP is `default-src 'self'`: data: URIs would be blocked, so never inline assets.
    assetsInlineLimit: 0,
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Vue, the router and i18n change rarely: one long-cached chunk of their own.
            { name: 'vendor', test: /node_modules/ },
            // Shared app code in one chunk rather than many tiny requests on a slow phone line.
            // (The video call — WebRTC, signaling, its screen — stays with the two call pages.)
            { name: 'app', test: /\/src\/(?!components\/call\/|composables\/(useCall|useWakeLock)|lib\/(callQuality|backoff)\.|api\/calls\.)(api|components|composables|lib)\// },
          ],
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})
