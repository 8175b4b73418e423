// The brand names of GET /session reach every message that names them ({live}, {pass}), and
// until the server answers the built-in names show — the same text as ever.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createI18n } from 'vue-i18n'
import ja from '../locales/ja.json'
import en from '../locales/en.json'
import type { SessionAnswer } from '../api/types'

const answer = vi.hoisted(() => ({ value: null as unknown }))
vi.mock('../api/pass', () => ({
  getSession: vi.fn(async () => {
    if (answer.value instanceof Error) throw answer.value
    return answer.value
  }),
}))

// Fresh module state (the session store is a module singleton) for each test.
async function load() {
  vi.resetModules()
  const { useSession } = await import('./useSession')
  const { useText } = await import('./useText')
  return { useSession, useText }
}

async function render(useText: () => { t: (k: string, n?: Record<string, unknown>) => string }, locale: 'ja' | 'en' = 'ja') {
  const Page = defineComponent({
    setup() {
      const { t } = useText()
      return () => [
        h('header', t('app.siteName')),
        h('h1', t('signup.title')),
        h('p', t('errors.field.required', { field: t('fields.family_name') })),
      ]
    },
  })
  const app = createSSRApp(Page)
  app.use(createI18n({ legacy: false, locale, messages: { ja, en } }))
  return renderToString(app)
}

describe('useText', () => {
  beforeEach(() => {
    answer.value = null
  })

  it('shows the built-in names before the session answer arrives', async () => {
    const { useText } = await load()
    expect(await render(useText)).toBe('<!--[--><header>CareLive</header><h1>CareLive Passの新規作成</h1><p>姓を入力してください。</p><!--]-->')
  })

  it('shows the configured names once GET /session told them', async () => {
    answer.value = { authenticated: false, brand: { live: 'ふじLive', pass: 'ふじPass' } } satisfies SessionAnswer
    const { useSession, useText } = await load()
    await useSession().ensureLoaded()
    expect(useSession().state.brand).toEqual({ live: 'ふじLive', pass: 'ふじPass' })
    const html = await render(useText)
    expect(html).toContain('<header>ふじLive</header>')
    expect(html).toContain('<h1>ふじPassの新規作成</h1>')
    expect(html).not.toContain('CareLive')
    expect(await render(useText, 'en')).toContain('<h1>Create a ふじPass</h1>')
  })

  it('keeps the built-in names when the server sends none or cannot be reached', async () => {
    answer.value = { authenticated: false } satisfies SessionAnswer
    let m = await load()
    await m.useSession().ensureLoaded()
    expect(await render(m.useText)).toContain('<h1>CareLive Passの新規作成</h1>')

    answer.value = new Error('offline')
    m = await load()
    await m.useSession().ensureLoaded()
    expect(m.useSession().state.loaded).toBe(false)
    expect(await render(m.useText)).toContain('<h1>CareLive Passの新規作成</h1>')
  })

  it('keeps the names across sign-in and sign-out', async () => {
    answer.value = { authenticated: false, brand: { live: 'ふじLive', pass: 'ふじPass' } } satisfies SessionAnswer
    const { useSession } = await load()
    const session = useSession()
    await session.ensureLoaded()
    session.setAccount({
      id: 1, family_name: '富士田', given_name: '熊吉', family_name_kana: 'ふじた', given_name_kana: 'くまきち',
      email: 'a@example.jp', phone: null, phone_display: null,
    })
    session.clear()
    expect(session.state.brand.pass).toBe('ふじPass')
  })
})
