import { describe, expect, it } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { useWakeLock, type Sentinel, type VisibilityHost, type WakeLockHost } from './useWakeLock'

/** A screen wake lock as the browser hands it out; `drop()` is the browser letting go. */
class FakeSentinel implements Sentinel {
  released = false
  private listeners: (() => void)[] = []
  addEventListener(_type: 'release', listener: () => void): void {
    this.listeners.push(listener)
  }
  async release(): Promise<void> {
    this.drop()
  }
  drop(): void {
    if (this.released) return
    this.released = true
    for (const l of this.listeners) l()
  }
}

class FakeNavigator implements WakeLockHost {
  granted: FakeSentinel[] = []
  refuse = false
  wakeLock = {
    request: async (_type: 'screen'): Promise<Sentinel> => {
      if (this.refuse) throw new DOMException('battery saver', 'NotAllowedError')
      const s = new FakeSentinel()
      this.granted.push(s)
      return s
    },
  }
}

class FakeDocument extends EventTarget implements VisibilityHost {
  visibilityState: DocumentVisibilityState = 'visible'
  show(): void {
    this.visibilityState = 'visible'
    this.dispatchEvent(new Event('visibilitychange'))
  }
}

/** Lets the watcher run and the fake's promises settle. */
async function settle(): Promise<void> {
  await nextTick()
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

function setUp(host: WakeLockHost = new FakeNavigator()) {
  const active = ref(false)
  const page = new FakeDocument()
  const scope = effectScope()
  const lock = scope.run(() => useWakeLock(active, host, page))!
  return { active, page, scope, state: lock.state }
}

describe('useWakeLock', () => {
  it('holds the lock while active and lets go at the end', async () => {
    const nav = new FakeNavigator()
    const { active, state } = setUp(nav)
    expect(state.value).toBe('off')
    active.value = true
    await settle()
    expect(state.value).toBe('on')
    expect(nav.granted.map((s) => s.released)).toEqual([false])
    active.value = false
    await settle()
    expect(state.value).toBe('off')
    expect(nav.granted.map((s) => s.released)).toEqual([true])
  })

  it('asks again when the page comes back after the browser let go', async () => {
    const nav = new FakeNavigator()
    const { active, page, state } = setUp(nav)
    active.value = true
    await settle()
    nav.granted[0]!.drop() // the page was hidden
    expect(state.value).toBe('off')
    page.show()
    await settle()
    expect(state.value).toBe('on')
    expect(nav.granted.map((s) => s.released)).toEqual([true, false])
  })

  it('does not ask twice while it holds the lock, nor when no call is on', async () => {
    const nav = new FakeNavigator()
    const { active, page } = setUp(nav)
    page.show()
    await settle()
    expect(nav.granted).toHaveLength(0)
    active.value = true
    await settle()
    page.show()
    await settle()
    expect(nav.granted).toHaveLength(1)
  })

  it('says unsupported without the Wake Lock API and off when refused; the call goes on', async () => {
    const none = setUp({})
    none.active.value = true
    await settle()
    expect(none.state.value).toBe('unsupported')

    const nav = new FakeNavigator()
    nav.refuse = true
    const refused = setUp(nav)
    refused.active.value = true
    await settle()
    expect(refused.state.value).toBe('off')
  })

  it('lets go when its page goes away', async () => {
    const nav = new FakeNavigator()
    const { active, page, scope } = setUp(nav)
    active.value = true
    await settle()
    scope.stop()
    expect(nav.granted.map((s) => s.released)).toEqual([true])
    page.show()
    await settle()
    expect(nav.granted).toHaveLength(1)
  })
})
