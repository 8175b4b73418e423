// The app's one WebSocket (GET /api/v1/ws, docs/api.md): the messages both ways, and the socket
// itself — shared by every part of the open app that listens (the call screen, the ringing
// banner), opened when the first one starts listening, opened again with growing pauses whenever
// it drops, at once when a phone wakes up (its socket often died unnoticed while it slept), and
// closed a moment after the last one stops. What the messages mean is up to each listener.
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
  /** Why their camera or microphone could not be opened on the call screen (a MediaProblem of
   * lib/callMedia.ts), '' or absent when nothing went wrong. */
  media?: string
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
  /** Staff watching a facility: who waits on a call screen, per resident; `full`: the whole list,
   * else only the residents that changed (an empty list: nobody waits there any more). */
  | { type: 'waiting'; facility_id: number; full: boolean; residents: { resident_id: number; people: PresencePerson[] }[] }
  | { type: 'call'; resident_id: number; state: CallStateName; call_id: number | null; participants: CallPerson[] }
  | { type: 'joined'; resident_id: number; call_id: number; self: number; peers: number[]; resumed?: boolean }
  | { type: 'signal'; from: number; data: SignalData }
  | { type: 'error'; code: string; ref: string }
  | {
      type: 'ring'
      resident_id: number
      call_id: number
      state: CallStateName
      started_at: number
      /** We are in the call on one of our devices: nothing rings any more. */
      answered: boolean
      resident_name: string
      facility_name: string
    }

/** What we send. */
export type ClientMessage =
  | { type: 'watch' | 'unwatch' | 'start' | 'join' | 'leave' | 'end'; resident_id: number }
  | { type: 'resume'; resident_id: number; call_id: number }
  | { type: 'signal'; to: number; data: SignalData }
  /** Our call screen's camera and microphone problem, for staff to see ('' once solved). */
  | { type: 'media'; resident_id: number; problem: string }
  | { type: 'watch_facility' | 'unwatch_facility'; facility_id: number }

/** A handler per type of server message a listener cares about. */
export type MessageHandlers = { [K in ServerMessage['type']]?: (m: Extract<ServerMessage, { type: K }>) => void }

/** Hands a frame from the server to the handler of its type. A frame that is not a JSON object
 * of a known type is not ours and is dropped; so is whatever a handler throws, as one bad
 * message must not stop the socket. */
export function routeMessage(text: string, handlers: MessageHandlers): void {
  try {
    const m: unknown = JSON.parse(text)
    if (typeof m !== 'object' || m === null || !('type' in m) || typeof m.type !== 'string') return
    if (!Object.hasOwn(handlers, m.type)) return
    const handle = handlers[m.type as ServerMessage['type']] as ((m: ServerMessage) => void) | undefined
    handle?.(m as ServerMessage)
  } catch {
    // not ours
  }
}

const RECONNECT_FIRST_MS = 500
const RECONNECT_MAX_MS = 8000
/** The socket outlives its last listener this long, so moving between screens keeps it. */
const LINGER_MS = 2000

export interface SignalingEvents {
  /** The socket is (again) open: say what we watch, resume a call. Called at once for a
   * listener that starts while the socket is open. */
  opened: () => void
  /** The socket is gone; another is on its way. */
  closed: () => void
  handlers: MessageHandlers
}

/** The one socket of the open app and its listeners. */
class AppSocket {
  readonly connected = ref(false)
  private ws: WebSocket | null = null
  private retry: ReturnType<typeof setTimeout> | undefined
  private linger: ReturnType<typeof setTimeout> | undefined
  private readonly listeners = new Set<SignalingEvents>()
  private readonly backoff = new Backoff(RECONNECT_FIRST_MS, RECONNECT_MAX_MS)
  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible' && !this.ws && this.listeners.size > 0) this.connect()
  }

  listen(events: SignalingEvents): () => void {
    clearTimeout(this.linger)
    if (this.listeners.size === 0) document.addEventListener('visibilitychange', this.onVisibility)
    this.listeners.add(events)
    if (this.isOpen()) queueMicrotask(() => this.listeners.has(events) && events.opened())
    else if (!this.ws && this.retry === undefined) this.connect()
    return () => {
      if (!this.listeners.delete(events) || this.listeners.size > 0) return
      clearTimeout(this.linger)
      this.linger = setTimeout(() => this.shut(), LINGER_MS)
    }
  }

  isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN
  }

  /** Sends `msg` if the socket is open; otherwise it is lost (resume and watch cover that). */
  send(msg: ClientMessage): void {
    if (this.ws && this.isOpen()) this.ws.send(JSON.stringify(msg))
  }

  private connect(): void {
    clearTimeout(this.retry)
    this.retry = undefined
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws`)
    this.ws = socket
    socket.onopen = () => {
      this.connected.value = true
      this.backoff.reset()
      for (const l of [...this.listeners]) l.opened()
    }
    socket.onmessage = (e) => {
      const text = String(e.data)
      for (const l of [...this.listeners]) routeMessage(text, l.handlers)
    }
    socket.onclose = (e) => {
      if (this.ws !== socket) return
      this.connected.value = false
      this.ws = null
      for (const l of [...this.listeners]) l.closed()
      if (this.listeners.size === 0) return
      // The session ended (logout elsewhere, password change, expiry): reconnecting is refused
      // anyway, so go to the login page as any request would. The next listener (after a new
      // login) opens a new socket.
      if (e.code === CLOSE_SESSION_ENDED) {
        sessionEnded()
        return
      }
      // CLOSE_ACCESS_CHANGED and lost connections alike: reconnect; each screen is then
      // authorized again (a removed link answers `forbidden`).
      this.retry = setTimeout(() => {
        this.retry = undefined
        if (this.listeners.size > 0) this.connect()
      }, this.backoff.next())
    }
  }

  private shut(): void {
    if (this.listeners.size > 0) return
    document.removeEventListener('visibilitychange', this.onVisibility)
    clearTimeout(this.retry)
    this.retry = undefined
    const socket = this.ws
    this.ws = null
    this.connected.value = false
    socket?.close()
  }
}

let shared: AppSocket | null = null

/** Listens on the app's socket for as long as the calling scope lives. */
export function useCallSignaling(events: SignalingEvents) {
  shared ??= new AppSocket()
  const socket = shared
  const stop = socket.listen(events)
  onScopeDispose(stop)
  return { connected: socket.connected, send: (msg: ClientMessage) => socket.send(msg), isOpen: () => socket.isOpen() }
}
