import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect } from './fixtures'

/** The screen as it settled, kept as test-results/screens/NAME.png (looked at by people), and
 * checked with axe: no violation. */
export async function screenCheck(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true })
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([])
}

/** Signs the page's session out through the API (as 「ログアウト」 does), leaving the page where it is. */
export async function logoutFromPage(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const csrf = /(?:^|; )carelive_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? ''
    await fetch('/api/v1/logout', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) }, body: '{}' })
  })
}
