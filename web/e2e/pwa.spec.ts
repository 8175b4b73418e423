import { expect, test } from './fixtures'

// SPEC 12: an installable PWA — manifest with name and icons, standalone display, a service
// worker that keeps the app shell usable offline and never answers API calls from a cache.

test('the app is installable in Chromium', async ({ page, request }) => {
  await page.goto('/login')
  const href = await page.locator('link[rel="manifest"]').getAttribute('href')
  expect(href).toBeTruthy()
  const manifest = await (await request.get(href!)).json()
  expect(manifest.name).toBe('CareLive')
  expect(manifest.display).toBe('standalone')
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes)
  expect(sizes).toContain('192x192')
  expect(sizes).toContain('512x512')
  for (const icon of manifest.icons) {
    const res = await request.get(icon.src)
    expect(res.status()).toBe(200)
    expect(res.headers()['content-type']).toBe('image/png')
  }
  await page.evaluate(() => navigator.serviceWorker.ready)
  const cdp = await page.context().newCDPSession(page)
  // Playwright's contexts are off-the-record, which Chromium reports as `in-incognito`; every
  // other installability check (manifest, icons, service worker, secure origin) must pass.
  await expect
    .poll(async () =>
      (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors
        .map((e) => e.errorId)
        .filter((id) => id !== 'in-incognito'),
    )
    .toEqual([])
})

test('offline, the app shell still opens and API answers are never cached', async ({ page, context }) => {
  await page.goto('/login')
  await page.evaluate(() => navigator.serviceWorker.ready)
  await page.reload()
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)
  expect(await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status))).toBe(200)

  await context.setOffline(true)
  await page.goto('/signup')
  await expect(page.getByRole('heading', { name: 'CareLive Passの新規作成' })).toBeVisible()
  const offlineApi = await page.evaluate(() =>
    fetch('/api/v1/session').then((r) => `status ${r.status}`, () => 'network error'),
  )
  expect(offlineApi).toBe('network error')
  await context.setOffline(false)
})
