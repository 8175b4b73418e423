// A video call with one resident (SPEC 7): the call state the server pushes over the signaling
// socket, presence (staff), and what we do with it — composed of one piece per concern:
//   useCallSignaling  the WebSocket (GET /api/v1/ws): messages, reconnect with backoff
//   useCallPeers      one RTCPeerConnection per other participant, perfect negotiation, ICE
//                     restarts (useCallIceServers: STUN/TURN with fresh credentials)
//   useCallMedia      our camera and microphone, camera switch
//   useWakeLock       the screen stays on while the call screen is open
//   useCallQuality    良好 / やや不安定 / 不安定 per other participant
//
// Recovery (issue 4): a call survives a dropped signaling socket (the server keeps the account
// in the call for a grace period; we reconnect with backoff and send `resume`) and a broken
// media path (ICE restart, repeated with backoff until media flows again). Meanwhile the screen
// says 「再接続中」.
import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue'
import {
  useCallSignaling, type CallPerson, type CallStateName, type PresencePerson, type ServerMessage,
} from './useCallSignaling'
import { useCallIceServers } from './useCallIceServers'
import { useCallPeers } from './useCallPeers'
import { useCallMedia, type MediaMode } from './useCallMedia'
import { useWakeLock } from './useWakeLock'
import { useCallQuality } from './useCallQuality'

export type { CallPerson, CallStateName, PresencePerson } from './useCallSignaling'
export type { RemoteMedia } from './useCallPeers'
export type { MediaMode, MediaProblem } from './useCallMedia'
export type { WakeLockState } from './useWakeLock'

/** A `resume` refused with one of these: the call ended (or we were dropped from it) while we were away. */
const RESUME_GONE = ['no_call', 'not_in_call', 'forbidden', 'terms_required']

export function useCall(residentId: Ref<number | null>) {
  const state = ref<CallStateName>('idle')
  const participants = ref<CallPerson[]>([])
  const presence = ref<PresencePerson[]>([])
  const inCall = ref(false)
  /** The code of the server's last refusal (docs/api.md "Calls"), '' when none. */
  const errorCode = ref('')
  /** Our socket is gone (or `resume` not yet answered) during a call. */
  const resuming = ref(false)
  let selfId: number | null = null
  let callId: number | null = null
  let watched: number | null = null
  /** The ringing or active call the server last told us of, null when none. */
  let shownCallId: number | null = null

  const signaling = useCallSignaling({
    opened: onOpened,
    closed: onClosed,
    handlers: { presence: onPresence, call: onCall, joined: onJoined, signal: (m) => peers.receive(m.from, m.data), error: onError },
  })
  const ice = useCallIceServers()
  const media = useCallMedia({
    sendVideo: (track) => peers.replaceVideoTrack(track),
    changed: () => peers.tellAll({ media: media.mediaState() }),
  })
  const peers = useCallPeers({
    ice,
    self: () => selfId,
    inCall: () => inCall.value,
    canSignal: () => signaling.isOpen() && !resuming.value,
    send: (to, data) => signaling.send({ type: 'signal', to, data }),
    localStream: () => media.localStream.value,
    mediaState: media.mediaState,
    onBroken: (account) => quality.markPoor(account),
    onClosed: (account) => quality.forget(account),
  })
  const quality = useCallQuality({
    connections: peers.connections,
    isCurrent: peers.isCurrent,
    cameraOff: (account) => peers.remoteCameraOff.value[account] === true,
  })
  // The screen stays on from the waiting screen on: a phone that locks while the family waits
  // would miss the call (SPEC 13), and one that dims in the middle of it ends the picture.
  const wakeLock = useWakeLock(computed(() => residentId.value !== null))

  /** 「再接続中」: our socket or a media path is down, or another participant's socket is. */
  const reconnecting = computed(
    () =>
      inCall.value &&
      (resuming.value ||
        peers.broken.value.size > 0 ||
        participants.value.some((p) => p.account_id !== selfId && p.connected === false)),
  )

  // ---- the server's messages ----

  function onOpened(): void {
    watched = null
    sendWatch()
    if (inCall.value && residentId.value && callId !== null) {
      resuming.value = true
      signaling.send({ type: 'resume', resident_id: residentId.value, call_id: callId })
    }
  }

  function onClosed(): void {
    // In a call the peer connections stay: media often still flows (only the signaling path
    // broke), and the server keeps us in the call for its grace period until we `resume`.
    if (inCall.value) resuming.value = true
    else hangUpLocal()
  }

  function sendWatch(): void {
    const id = residentId.value
    if (watched !== null && watched !== id) signaling.send({ type: 'unwatch', resident_id: watched })
    // Back after a dropped socket during a call: keep showing the call until the server's
    // answer to `watch` says how it stands.
    if (!inCall.value) {
      presence.value = []
      state.value = 'idle'
      participants.value = []
    }
    if (id) signaling.send({ type: 'watch', resident_id: id })
    watched = id
    if (id && media.mediaProblem.value) signaling.send({ type: 'media', resident_id: id, problem: media.mediaProblem.value })
  }

  function onPresence(m: Extract<ServerMessage, { type: 'presence' }>): void {
    if (m.resident_id === residentId.value) presence.value = m.people
  }

  function onCall(m: Extract<ServerMessage, { type: 'call' }>): void {
    if (m.resident_id !== residentId.value) return
    forgetMediaProblemAfter(m)
    if (inCall.value && (m.state === 'ended' || m.state === 'idle' || (callId !== null && m.call_id !== callId))) {
      // Our call is over (perhaps while we were away): say so rather than show idle.
      hangUpLocal()
      state.value = 'ended'
      participants.value = []
      return
    }
    state.value = m.state
    participants.value = m.participants
    if (m.state === 'ended' || m.state === 'idle') hangUpLocal()
    else peers.keepOnly(m.participants.map((p) => p.account_id))
  }

  /** A refused camera or microphone is explained until the call it kept us from ends, or
   * another call begins: that one asks the browser anew. */
  function forgetMediaProblemAfter(m: Extract<ServerMessage, { type: 'call' }>): void {
    const live = m.state === 'ringing' || m.state === 'active'
    if (shownCallId !== null && (!live || m.call_id !== shownCallId)) media.clearProblem()
    shownCallId = live ? m.call_id : null
  }

  function onJoined(m: Extract<ServerMessage, { type: 'joined' }>): void {
    selfId = m.self
    callId = m.call_id
    inCall.value = true
    resuming.value = false
    if (m.resumed) {
      peers.resume(m.peers)
      return
    }
    peers.keepOnly([])
    peers.connectTo(m.peers)
  }

  function onError(m: Extract<ServerMessage, { type: 'error' }>): void {
    if (m.ref === 'resume') return onResumeRefused(m.code)
    errorCode.value = m.code
    if (m.ref === 'join' || m.ref === 'start') media.stop()
  }

  /** The server refused `resume`: the call ended (or we were dropped from it) while we were away;
   * a server without `resume` (older) answers bad_message, and then we join afresh. */
  function onResumeRefused(code: string): void {
    resuming.value = false
    if (!inCall.value) return // the answer to `watch` already told us the call is over
    if (RESUME_GONE.includes(code)) {
      hangUpLocal()
      state.value = 'ended'
      return
    }
    peers.keepOnly([])
    if (residentId.value) signaling.send({ type: 'join', resident_id: residentId.value })
  }

  function hangUpLocal(): void {
    peers.closeAll()
    quality.clear()
    inCall.value = false
    resuming.value = false
    callId = null
    media.stop()
  }

  // ---- actions ----

  /** Camera and microphone (or what `mode` asks for) and ICE servers for a call; false when
   * the camera or microphone was refused. */
  async function prepare(mode: MediaMode): Promise<boolean> {
    await ice.load()
    errorCode.value = ''
    return media.open(mode)
  }

  /** Staff: start the call with the resident (`mode` audio: 「音声のみで参加」). */
  async function start(mode: MediaMode = 'full'): Promise<void> {
    if (!residentId.value) return
    if (await prepare(mode)) signaling.send({ type: 'start', resident_id: residentId.value })
  }

  /** 「開始する」: join the call that was started (`mode` audio: 「音声のみで参加」, none: only
   * see and hear the others). */
  async function join(mode: MediaMode = 'full'): Promise<void> {
    if (!residentId.value) return
    if (await prepare(mode)) signaling.send({ type: 'join', resident_id: residentId.value })
  }

  /** Leave the call (it ends when only one person would remain). */
  function leave(): void {
    if (residentId.value) signaling.send({ type: 'leave', resident_id: residentId.value })
    hangUpLocal()
  }

  /** Staff: end the call for everyone. */
  function end(): void {
    if (residentId.value) signaling.send({ type: 'end', resident_id: residentId.value })
    hangUpLocal()
  }

  // Staff see why we do not join yet (SPEC 13): a refused camera, and when it is solved.
  watch(media.mediaProblem, (problem) => {
    if (watched !== null) signaling.send({ type: 'media', resident_id: watched, problem })
  })

  watch(residentId, () => {
    if (inCall.value) leave()
    errorCode.value = ''
    media.clearProblem()
    shownCallId = null
    sendWatch()
  })

  // End-to-end tests drive useVideoTrack with a canvas.captureStream() track as the "other
  // camera": Chromium's fake capture device is a single camera, and faking a second device
  // would test the fake, not this code. The hook only does what the page's own script can do.
  // It exists while a call is on.
  const testHook = { useVideoTrack: media.useVideoTrack }
  watch(inCall, (on) => {
    const w = window as unknown as { __careliveCall?: typeof testHook }
    if (on) w.__careliveCall = testHook
    else if (w.__careliveCall === testHook) delete w.__careliveCall
  })

  // Runs before the pieces let go of their resources, so `leave` still goes out. The app's socket
  // stays for its other screens: this screen is no longer watched.
  onBeforeUnmount(() => {
    if (inCall.value) leave()
    hangUpLocal()
    if (watched !== null) signaling.send({ type: 'unwatch', resident_id: watched })
    watched = null
  })

  return {
    connected: signaling.connected, state, participants, presence, inCall, errorCode,
    mediaProblem: media.mediaProblem, localStream: media.localStream, remotes: peers.remotes,
    micOn: media.micOn, camOn: media.camOn, hasMic: media.hasMic, hasCamera: media.hasCamera, reconnecting, quality: quality.quality,
    remoteCameraOff: peers.remoteCameraOff, remoteMicOff: peers.remoteMicOff, wakeLock: wakeLock.state,
    canSwitchCamera: media.canSwitchCamera, facing: media.facing, cameraProblem: media.cameraProblem,
    start, join, leave, end, toggleMic: media.toggleMic, toggleCam: media.toggleCam, switchCamera: media.switchCamera,
  }
}

/** One call as its screens see it. */
export type CallSession = ReturnType<typeof useCall>
