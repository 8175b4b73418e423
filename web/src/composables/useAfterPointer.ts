// Instant checks run when a field is left. With a mouse, leaving a field by pressing a button
// would insert the field's error between mousedown and mouseup, move the button away, and
// swallow the click (「次へ」 seemingly does nothing). So while a pointer is pressed, the
// check waits until the press (and its click) is over.
let pressed = false
const waiting: (() => void)[] = []

function release(): void {
  setTimeout(() => {
    pressed = false
    for (const fn of waiting.splice(0)) fn()
  })
}

if (typeof document !== 'undefined') {
  document.addEventListener('pointerdown', () => (pressed = true), true)
  document.addEventListener('pointerup', release, true)
  document.addEventListener('pointercancel', release, true)
}

export function afterPointer(fn: () => void): void {
  if (pressed) waiting.push(fn)
  else fn()
}
