// The signaling WebSocket of calls (GET /api/v1/ws, docs/api.md): the messages both ways, and
// the socket itself — opened at once, opened again with growing pauses whenever it drops, and
// at once when a phone wakes up (its socket often died unnoticed while it slept). What the
// messages mean is up to the caller (useCall).
import { onScopeDispose, ref } from 'vue'
import { sessionEnded } from '../api/client'
import { Backoff } from '../lib/backoff'

/** Close codes the server uses (src/calls/protocol.hpp). */
export const CLOSE_SESSION_ENDED = 4401
export const CLOSE_ACCESS_CHANGED = 4403

export type CallStateName = 'idle' | 'ringing' | 'active' | 'ended'
export interface CallPerson {
  account_id: number
  name: string
  /** false while that person's connection is gone and the server waits for them to resume. */
  connected?: boolean
}
export interface PresencePerson extends CallPerson {
  kind: string
}

/** Our camera and microphone as the others are told. `mic` is absent from older clients: then
 * nothing is known of it. */
export interface MediaSignal {
  camera: boolean
  mic?: boolean
}

/** `data` of a signal (docs/api.md): relayed untouched by the server. */
export interface SignalData {
  description?: RTCSessionDescriptionInit
  candidate?: RTCIceCandidateInit | null
  /** Random id of the sender's RTCPeerConnection: a different one means it started afresh. */
  pc?: string
  /** The sender's camera and microphone state: a switched-off camera is not taken for a bad
   * connection, and the others see who turned the camera or microphone off. */
  media?: MediaSignal
}

/** What the server sends. */
export type ServerMessage =
  | { type: 'presence'; resident_id: number; people: PresencePerson[] }
  | { type: 'call'; resident_id: number; state: CallStateName; call_id: number | null; participants: CallPerson[] }
  | { type: 'joined'; resident_id: number; call_id: number; self: number; peers: number[]; resumed?: boolean }
  | { type: 'signal'; from: number; data: SignalData }
  | { type: 'error'; code: string; ref: string }

/** What we send. */
export type ClientMessage =
  | { type: 'watch' | 'unwatch' | 'start' | 'join' | 'leave' | 'end'; resident_id: number }
  | { type: 'resume'; resident_id: number; call_id: number }
  | { type: 'signal'; to: number; data: SignalData }

/** One handler per type of server message. */
export type MessageHandlers = { [K in ServerMessage['type']]: (m: Extract<ServerMessage, { type: K }>) => void }

/** Hands a frame from the server to the handler of its type. A frame that is not a JSON object
 * of a known type is not ours and is dropped; so is whatever a handler throws, as one bad
 * message must not stop the socket. */
export function routeMessage(text: string, handlers: MessageHandlers): void {
  try {
    const m: unknown = JSON.parse(text)
    if (typeof m !== 'object' || m === null || !('type' in m) || typeof m.type !== 'string') return
    if (!Object.hasOwn(handlers, m.type)) return
    const handle = handlers[m.type as ServerMessage['type']] as (m: ServerMessage) => void
    handle(m as ServerMessage)
  } catch {
    // not ours
  }
}

const RECONNECT_FIRST_MS = 500
const RECONNECT_MAX_MS = 8000

export interface SignalingEvents {
  /** The socket is (again) open: say what we watch, resume a call. */
  opened: () => void
  /** The socket is gone; another is on its way. */
  closed: () => void
  handlers: MessageHandlers
}

export function useCallSignaling(events: SignalingEvents) {
  const connected = ref(false)
  let ws: WebSocket | null = null
  let disposed = false
  let retry: ReturnType<typeof setTimeout> | undefined
  const backoff = new Backoff(RECONNECT_FIRST_MS, RECONNECT_MAX_MS)

  function isOpen(): boolean {
    return ws !== null && ws.readyState === WebSocket.OPEN
  }

  /** Sends `msg` if the socket is open; otherwise it is lost (resume and watch cover that). */
  function send(msg: ClientMessage): void {
    if (ws && isOpen()) ws.send(JSON.stringify(msg))
  }

  function connect(): void {
    if (disposed) return
    clearTimeout(retry)
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws`)
    ws = socket
    socket.onopen = () => {
      connected.value = true
      backoff.reset()
      events.opened()
    }
    socket.onmessage = (e) => routeMessage(String(e.data), events.handlers)
    socket.onclose = (e) => {
      if (ws !== socket) return
      connected.value = false
      ws = null
      events.closed()
      if (disposed) return
      // The session ended (logout elsewhere, password change, expiry): reconnecting is refused
      // anyway, so go to the login page as any request would.
      if (e.code === CLOSE_SESSION_ENDED) {
        disposed = true
        sessionEnded()
        return
      }
      // CLOSE_ACCESS_CHANGED and lost connections alike: reconnect; each screen is then
      // authorized again (a removed link answers `forbidden`).
      retry = setTimeout(connect, backoff.next())
    }
  }

  function onVisibility(): void {
    if (document.visibilityState === 'visible' && !ws && !disposed) connect()
  }
  document.addEventListener('visibilitychange', onVisibility)

  connect()

  onScopeDispose(() => {
    disposed = true
    clearTimeout(retry)
    document.removeEventListener('visibilitychange', onVisibility)
    const socket = ws
    ws = null
    socket?.close()
  })

  return { connected, send, isOpen }
}
