// Keeps the screen on while `active` (a call): a phone that dims and locks in the middle of a
// call would end the picture for someone who is only listening. The browser lets go of the lock
// when the page is hidden; coming back asks again. Refusals (battery saver, a hidden page) are
// fine: the call goes on regardless.
import { onScopeDispose, ref, watch, type Ref } from 'vue'

/** The screen wake lock: held, not held, or the browser has no Wake Lock API. */
export type WakeLockState = 'on' | 'off' | 'unsupported'

/** What we use of a WakeLockSentinel. */
export interface Sentinel {
  readonly released: boolean
  release(): Promise<void>
  addEventListener(type: 'release', listener: () => void): void
}
/** What we use of `navigator`. */
export interface WakeLockHost {
  wakeLock?: { request(type: 'screen'): Promise<Sentinel> }
}
/** What we use of `document`. */
export interface VisibilityHost {
  readonly visibilityState: DocumentVisibilityState
  addEventListener(type: 'visibilitychange', listener: () => void): void
  removeEventListener(type: 'visibilitychange', listener: () => void): void
}

export function useWakeLock(active: Ref<boolean>, host: WakeLockHost = navigator, page: VisibilityHost = document) {
  const state = ref<WakeLockState>('off')
  let sentinel: Sentinel | null = null

  async function hold(): Promise<void> {
    const wakeLock = host.wakeLock
    if (!wakeLock) {
      state.value = 'unsupported'
      return
    }
    if (sentinel && !sentinel.released) return
    try {
      const s = await wakeLock.request('screen')
      if (!active.value) {
        await s.release()
        return
      }
      sentinel = s
      state.value = 'on'
      s.addEventListener('release', () => {
        if (sentinel === s) {
          sentinel = null
          state.value = 'off'
        }
      })
    } catch {
      state.value = 'off'
    }
  }

  function release(): void {
    const s = sentinel
    sentinel = null
    if (state.value === 'on') state.value = 'off'
    void s?.release().catch(() => undefined)
  }

  function onVisibility(): void {
    if (page.visibilityState === 'visible' && active.value) void hold()
  }

  watch(active, (on) => (on ? void hold() : release()), { immediate: true })
  page.addEventListener('visibilitychange', onVisibility)
  onScopeDispose(() => {
    page.removeEventListener('visibilitychange', onVisibility)
    release()
  })

  return { state }
}
