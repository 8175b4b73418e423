/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The API server (carelive serve) listens here during development; `vite` and
// `vite preview` forward /api to it so cookies stay same-origin.
const apiProxy = { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } }

export default defineConfig({
  plugins: [vue()],
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
            { name: 'app', test: /\/src\/(api|components|composables|lib)\// },
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
