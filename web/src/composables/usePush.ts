// 「通知を受け取る」 on this device (SPEC 13): whether the browser can receive notices, whether
// it does now, and turning it on (permission, PushManager.subscribe with the server's key, the
// subscription told to the server) or off. The state is said honestly: a browser without Web
// Push, an iPhone outside the home-screen app, a refused permission.
import { ref } from 'vue'
import { addPushSubscription, getPushKey, getPushSubscriptions, removePushSubscription } from '../api/push'

export type PushState =
  | 'checking'
  | 'on'
  | 'off'
  /** The person refused notifications for this site: only the browser's settings undo it. */
  | 'denied'
  /** iPhone/iPad in Safari: Web Push only from the app added to the home screen. */
  | 'ios-home-screen'
  | 'unsupported'
  /** Turning on failed for another reason (the push service unreachable, …). */
  | 'failed'

/** base64url → the bytes PushManager.subscribe takes as applicationServerKey. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=')
  const raw = atob(b64)
  const bytes = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  return bytes
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** What this browser is, as far as Web Push goes. */
export interface BrowserHost {
  navigator: Navigator
  matchMedia?: (query: string) => { matches: boolean }
  PushManager?: unknown
  Notification?: unknown
}
export function pushSupport(w: BrowserHost = window): 'ok' | 'ios-home-screen' | 'unsupported' {
  const ua = w.navigator.userAgent
  const ios = /iPhone|iPad|iPod/.test(ua) || (ua.includes('Macintosh') && w.navigator.maxTouchPoints > 1)
  const standalone = w.matchMedia?.('(display-mode: standalone)').matches || (w.navigator as { standalone?: boolean }).standalone === true
  if (ios && !standalone) return 'ios-home-screen'
  if (!('serviceWorker' in w.navigator) || !w.PushManager || !w.Notification) return 'unsupported'
  return 'ok'
}

export function usePush() {
  const state = ref<PushState>('checking')
  const busy = ref(false)

  async function registration(): Promise<ServiceWorkerRegistration> {
    return navigator.serviceWorker.ready
  }

  async function check(): Promise<void> {
    const support = pushSupport()
    if (support !== 'ok') {
      state.value = support
      return
    }
    if (Notification.permission === 'denied') {
      state.value = 'denied'
      return
    }
    try {
      const reg = await registration()
      let sub = await reg.pushManager.getSubscription()
      if (sub && Notification.permission === 'granted') sub = await keepCurrent(reg, sub)
      state.value = sub && Notification.permission === 'granted' ? 'on' : 'off'
    } catch {
      state.value = 'off'
    }
  }

  /** A subscription the server no longer has — made for a key that changed with the server
   * secret, or removed after the push service forgot it — is made again, quietly: the person
   * turned notifications on and expects them to keep coming. */
  async function keepCurrent(reg: ServiceWorkerRegistration, sub: PushSubscription): Promise<PushSubscription | null> {
    const [{ public_key }, { subscriptions }] = await Promise.all([getPushKey(), getPushSubscriptions()])
    const key = keyBytes(public_key)
    const own = sub.options.applicationServerKey
    const sameKey = own !== null && bytesEqual(new Uint8Array(own), key)
    if (sameKey && subscriptions.some((s) => s.endpoint === sub.endpoint)) return sub
    if (!sameKey) {
      await sub.unsubscribe()
      sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
    }
    await addPushSubscription(sub.toJSON())
    return sub
  }

  async function turnOn(): Promise<void> {
    busy.value = true
    try {
      const permission = await Notification.requestPermission()
      if (permission !== 'granted') {
        state.value = permission === 'denied' ? 'denied' : 'off'
        return
      }
      const { public_key } = await getPushKey()
      const reg = await registration()
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(public_key) })
      await addPushSubscription(sub.toJSON())
      state.value = 'on'
    } catch {
      state.value = 'failed'
    } finally {
      busy.value = false
    }
  }

  async function turnOff(): Promise<void> {
    busy.value = true
    try {
      const sub = await (await registration()).pushManager.getSubscription()
      if (sub) {
        await removePushSubscription(sub.endpoint)
        await sub.unsubscribe()
      }
      state.value = 'off'
    } catch {
      state.value = 'failed'
    } finally {
      busy.value = false
    }
  }

  void check()
  return { state, busy, turnOn, turnOff }
}
