// After an in-app navigation or a step change, move focus to the page's h1 so screen
// readers announce the new screen (the first page load keeps the browser's own focus).
let firstPage = true

export function markNavigated(): void {
  firstPage = false
}

export function isFirstPage(): boolean {
  return firstPage
}

export function focusHeading(root: ParentNode | null = document): void {
  const h1 = root?.querySelector<HTMLElement>('h1')
  if (!h1) return
  h1.setAttribute('tabindex', '-1')
  h1.focus()
}
