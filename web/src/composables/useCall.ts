// A video call with one resident (SPEC 7): the signaling WebSocket (GET /api/v1/ws), the
// call state the server pushes, presence (staff), and the media — a mesh of RTCPeerConnections,
// one per other participant.
//
// Negotiation follows the W3C "perfect negotiation" pattern: every connection offers from its
// own `negotiationneeded` (the joiner's, because it adds its tracks first), and when both ends
// offer at once the polite end (the higher account id) rolls back and answers while the
// impolite end ignores the other's offer. That is what lets both sides restart ICE at the same
// moment after a network drop without tearing the call down.
//
// Recovery (issue 4): a call survives a dropped signaling socket (the server keeps the account
// in the call for a grace period; we reconnect with backoff and send `resume`) and a broken
// media path (ICE restart, repeated with backoff until media flows again). Meanwhile the screen
// says 「再接続中」.
import { computed, onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import { getIceServers } from '../api/calls'
import { classifyQuality, intervalLoss, type InboundTotals, type QualityLevel } from '../lib/callQuality'
import { useWakeLock } from './useWakeLock'

export type { WakeLockState } from './useWakeLock'

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
export interface RemoteMedia {
  account_id: number
  stream: MediaStream
}
/** denied: the browser refused camera/microphone; unavailable: no device or another failure. */
export type MediaProblem = '' | 'denied' | 'unavailable'

type Message =
  | { type: 'presence'; resident_id: number; people: PresencePerson[] }
  | { type: 'call'; resident_id: number; state: CallStateName; call_id: number | null; participants: CallPerson[] }
  | { type: 'joined'; resident_id: number; call_id: number; self: number; peers: number[]; resumed?: boolean }
  | { type: 'signal'; from: number; data: SignalData }
  | { type: 'error'; code: string; ref: string }

/** `data` of a signal (docs/api.md): relayed untouched by the server. */
interface SignalData {
  description?: RTCSessionDescriptionInit
  candidate?: RTCIceCandidateInit | null
  /** Random id of the sender's RTCPeerConnection: a different one means it started afresh. */
  pc?: string
  /** The sender's camera and microphone state: a switched-off camera is not taken for a bad
   * connection, and the others see who turned the camera or microphone off. `mic` is absent
   * from older clients: then nothing is known of it. */
  media?: { camera: boolean; mic?: boolean }
}

/** One other participant and our RTCPeerConnection to them. */
interface Peer {
  account: number
  pc: RTCPeerConnection
  pcId: string
  /** The `pc` id of their end, once known. */
  remotePcId: string | null
  makingOffer: boolean
  ignoreOffer: boolean
  restartTimer?: ReturnType<typeof setTimeout>
  restartDelay: number
  lossBefore: InboundTotals | null
}

const RESTART_FIRST_MS = 2000
const RESTART_MAX_MS = 10_000
const RECONNECT_FIRST_MS = 500
const RECONNECT_MAX_MS = 8000
const STATS_EVERY_MS = 2000

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function mediaFlows(pc: RTCPeerConnection): boolean {
  return pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed'
}

export function useCall(residentId: Ref<number | null>) {
  const connected = ref(false)
  const state = ref<CallStateName>('idle')
  const participants = ref<CallPerson[]>([])
  const presence = ref<PresencePerson[]>([])
  const inCall = ref(false)
  const errorCode = ref('')
  const mediaProblem = ref<MediaProblem>('')
  const localStream = shallowRef<MediaStream | null>(null)
  const remotes = shallowRef<RemoteMedia[]>([])
  const micOn = ref(true)
  const camOn = ref(true)
  /** Our socket is gone (or `resume` not yet answered) during a call. */
  const resuming = ref(false)
  /** Peers whose media path broke and is not back yet. */
  const broken = shallowRef<ReadonlySet<number>>(new Set())
  const quality = shallowRef<Record<number, QualityLevel>>({})
  const remoteCameraOff = shallowRef<Record<number, boolean>>({})
  /** Peers who told us their microphone is off. */
  const remoteMicOff = shallowRef<Record<number, boolean>>({})
  const canSwitchCamera = ref(false)
  /** Which way the camera faces ('' when the device does not say: desktop webcams face the user). */
  const facing = ref<'' | 'user' | 'environment'>('')
  const cameraProblem = ref(false)
  let selfId: number | null = null
  let callId: number | null = null

  /** 「再接続中」: our socket or a media path is down, or another participant's socket is. */
  const reconnecting = computed(
    () =>
      inCall.value &&
      (resuming.value ||
        broken.value.size > 0 ||
        participants.value.some((p) => p.account_id !== selfId && p.connected === false)),
  )

  let ws: WebSocket | null = null
  let disposed = false
  let watched: number | null = null
  let retry: ReturnType<typeof setTimeout> | undefined
  let reconnectDelay = RECONNECT_FIRST_MS
  const peers = new Map<number, Peer>()
  const queues = new Map<number, Promise<void>>()

  function send(msg: Record<string, unknown>): void {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg))
  }

  function sendSignal(peer: Peer, data: SignalData): void {
    send({ type: 'signal', to: peer.account, data: { ...data, pc: peer.pcId } })
  }

  function connect(): void {
    if (disposed) return
    clearTimeout(retry)
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws`)
    ws = socket
    socket.onopen = () => {
      connected.value = true
      reconnectDelay = RECONNECT_FIRST_MS
      watched = null
      sendWatch()
      if (inCall.value && residentId.value && callId !== null) {
        resuming.value = true
        send({ type: 'resume', resident_id: residentId.value, call_id: callId })
      }
    }
    socket.onmessage = (e) => {
      try {
        onMessage(JSON.parse(String(e.data)) as Message)
      } catch {
        // not ours
      }
    }
    socket.onclose = () => {
      if (ws !== socket) return
      connected.value = false
      ws = null
      // In a call the peer connections stay: media often still flows (only the signaling path
      // broke), and the server keeps us in the call for its grace period until we `resume`.
      if (inCall.value) resuming.value = true
      else hangUpLocal()
      if (disposed) return
      retry = setTimeout(connect, reconnectDelay)
      reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS)
    }
  }

  function sendWatch(): void {
    const id = residentId.value
    if (watched !== null && watched !== id) send({ type: 'unwatch', resident_id: watched })
    // Back after a dropped socket during a call: keep showing the call until the server's
    // answer to `watch` says how it stands.
    if (!inCall.value) {
      presence.value = []
      state.value = 'idle'
      participants.value = []
    }
    if (id) send({ type: 'watch', resident_id: id })
    watched = id
  }

  function onMessage(m: Message): void {
    switch (m.type) {
      case 'presence':
        if (m.resident_id === residentId.value) presence.value = m.people
        break
      case 'call':
        if (m.resident_id !== residentId.value) break
        if (inCall.value && (m.state === 'ended' || m.state === 'idle' || (callId !== null && m.call_id !== callId))) {
          // Our call is over (perhaps while we were away): say so rather than show idle.
          hangUpLocal()
          state.value = 'ended'
          participants.value = []
          break
        }
        state.value = m.state
        participants.value = m.participants
        if (m.state === 'ended' || m.state === 'idle') hangUpLocal()
        else for (const id of [...peers.keys()]) if (!m.participants.some((p) => p.account_id === id)) closePeer(id)
        break
      case 'joined':
        onJoined(m)
        break
      case 'signal':
        enqueue(m.from, () => onSignal(m.from, m.data))
        break
      case 'error':
        if (m.ref === 'resume') onResumeRefused(m.code)
        else {
          errorCode.value = m.code
          if (m.ref === 'join' || m.ref === 'start') stopLocal()
        }
        break
    }
  }

  function onJoined(m: Extract<Message, { type: 'joined' }>): void {
    selfId = m.self
    callId = m.call_id
    inCall.value = true
    resuming.value = false
    if (m.resumed) {
      // Same connections as before: drop those to people who left meanwhile, connect to
      // those who came, and restart ICE where media does not flow.
      for (const id of [...peers.keys()]) if (!m.peers.includes(id)) closePeer(id)
      for (const id of m.peers) {
        const peer = peers.get(id)
        if (!peer) openPeer(id)
        else if (!mediaFlows(peer.pc)) void restartIce(peer)
      }
      return
    }
    for (const id of [...peers.keys()]) closePeer(id)
    for (const id of m.peers) openPeer(id)
  }

  /** The server refused `resume`: the call ended (or we were dropped from it) while we were away;
   * a server without `resume` (older) answers bad_message, and then we join afresh. */
  function onResumeRefused(code: string): void {
    resuming.value = false
    if (!inCall.value) return // the answer to `watch` already told us the call is over
    if (code === 'no_call' || code === 'not_in_call' || code === 'forbidden' || code === 'terms_required') {
      hangUpLocal()
      state.value = 'ended'
      return
    }
    for (const id of [...peers.keys()]) closePeer(id)
    if (residentId.value) send({ type: 'join', resident_id: residentId.value })
  }

  function enqueue(peer: number, job: () => Promise<void>): void {
    const next = (queues.get(peer) ?? Promise.resolve()).then(job).catch(() => undefined)
    queues.set(peer, next)
  }

  function polite(account: number): boolean {
    return selfId !== null && selfId > account
  }

  function setBroken(account: number, isBroken: boolean): void {
    if (broken.value.has(account) === isBroken) return
    const next = new Set(broken.value)
    if (isBroken) next.add(account)
    else next.delete(account)
    broken.value = next
  }

  /** A new RTCPeerConnection to `account` with our tracks on it. */
  function createPeer(account: number): Peer {
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy })
    const peer: Peer = {
      account, pc, pcId: randomId(), remotePcId: null, makingOffer: false, ignoreOffer: false,
      restartDelay: RESTART_FIRST_MS, lossBefore: null,
    }
    peers.set(account, peer)
    const stream = localStream.value
    for (const track of stream?.getTracks() ?? []) pc.addTrack(track, stream!)
    pc.onicecandidate = (e) => {
      if (peers.get(account) === peer) sendSignal(peer, { candidate: e.candidate ? e.candidate.toJSON() : null })
    }
    pc.ontrack = (e) => {
      const remote = e.streams[0] ?? new MediaStream([e.track])
      const others = remotes.value.filter((r) => r.account_id !== account)
      remotes.value = [...others, { account_id: account, stream: remote }]
    }
    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true
        await pc.setLocalDescription()
        sendSignal(peer, { description: pc.localDescription!.toJSON() })
      } catch {
        // closed meanwhile, or a collision the remote's offer resolves
      } finally {
        peer.makingOffer = false
      }
    }
    pc.oniceconnectionstatechange = () => {
      if (peers.get(account) !== peer) return
      const s = pc.iceConnectionState
      if (s === 'connected' || s === 'completed') {
        clearTimeout(peer.restartTimer)
        peer.restartTimer = undefined
        peer.restartDelay = RESTART_FIRST_MS
        setBroken(account, false)
        sendSignal(peer, { media: mediaState() })
      } else if (s === 'disconnected' || s === 'failed') {
        // 'disconnected' often heals by itself within seconds; 'failed' never does.
        setBroken(account, true)
        // No media is flowing: whatever was measured before no longer holds.
        quality.value = { ...quality.value, [account]: 'poor' }
        scheduleRestart(peer, s === 'failed' ? 0 : RESTART_FIRST_MS)
      }
    }
    return peer
  }

  /** We joined (or met someone new after resuming): our tracks make the offer. */
  function openPeer(account: number): void {
    if (!peers.has(account)) createPeer(account)
  }

  /** Restart ICE on `peer` after `delay`, and again with growing pauses until media flows. */
  function scheduleRestart(peer: Peer, delay: number): void {
    if (peer.restartTimer !== undefined) return
    peer.restartTimer = setTimeout(() => {
      peer.restartTimer = undefined
      if (peers.get(peer.account) !== peer || mediaFlows(peer.pc)) return
      void restartIce(peer)
      peer.restartDelay = Math.min(peer.restartDelay * 2, RESTART_MAX_MS)
      scheduleRestart(peer, peer.restartDelay)
    }, delay)
  }

  async function restartIce(peer: Peer): Promise<void> {
    // Without a socket the offer would be lost; `resume` calls us again.
    if (!ws || ws.readyState !== WebSocket.OPEN || resuming.value) return
    await freshIceServers()
    const pc = peer.pc
    if (pc.signalingState === 'stable') {
      pc.restartIce() // → negotiationneeded → an offer with new ICE credentials
    } else if (pc.signalingState === 'have-local-offer') {
      // An earlier offer got no answer (lost while a socket was down): offer again.
      try {
        peer.makingOffer = true
        await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }))
        sendSignal(peer, { description: pc.localDescription!.toJSON() })
      } catch {
        // closed meanwhile
      } finally {
        peer.makingOffer = false
      }
    }
  }

  async function onSignal(from: number, data: SignalData): Promise<void> {
    if (!inCall.value) return
    let peer = peers.get(from)
    const theirPc = typeof data.pc === 'string' ? data.pc : null
    const description = data.description
    if (description?.type === 'offer') {
      // A new connection id from them: their page started afresh (reloaded) — answer on a new one.
      if (peer && theirPc && peer.remotePcId && theirPc !== peer.remotePcId) {
        closePeer(from)
        peer = undefined
      }
      peer ??= createPeer(from)
    } else {
      if (!peer) return
      // Something for a connection of theirs we already replaced.
      if (theirPc && peer.remotePcId && theirPc !== peer.remotePcId) return
    }
    if (data.media) {
      remoteCameraOff.value = { ...remoteCameraOff.value, [from]: !data.media.camera }
      if (typeof data.media.mic === 'boolean') remoteMicOff.value = { ...remoteMicOff.value, [from]: !data.media.mic }
      return
    }
    const pc = peer.pc
    if (description) {
      const collision = description.type === 'offer' && (peer.makingOffer || pc.signalingState !== 'stable')
      peer.ignoreOffer = !polite(from) && collision
      if (peer.ignoreOffer) {
        // The polite end offered, so it never got ours (perhaps dropped while its socket was
        // away): send ours again; it rolls its own back and answers.
        if (!peer.makingOffer && pc.signalingState === 'have-local-offer' && pc.localDescription) {
          sendSignal(peer, { description: pc.localDescription.toJSON() })
        }
        return
      }
      if (theirPc) peer.remotePcId = theirPc
      // Their ICE restart makes us gather anew too (relay candidates need valid credentials),
      // whichever end restarted first.
      if (description.type === 'offer' && pc.remoteDescription) await freshIceServers()
      await pc.setRemoteDescription(description) // the polite end rolls its own offer back here
      if (description.type === 'offer') {
        await pc.setLocalDescription()
        sendSignal(peer, { description: pc.localDescription!.toJSON() })
      }
    } else if (data.candidate) {
      try {
        await pc.addIceCandidate(data.candidate)
      } catch (e) {
        if (!peer.ignoreOffer) throw e
      }
    }
  }

  function closePeer(account: number): void {
    const peer = peers.get(account)
    if (peer) {
      clearTimeout(peer.restartTimer)
      peer.pc.close()
    }
    peers.delete(account)
    queues.delete(account)
    setBroken(account, false)
    remotes.value = remotes.value.filter((r) => r.account_id !== account)
    const { [account]: _quality, ...otherQuality } = quality.value
    quality.value = otherQuality
    const { [account]: _camera, ...otherCameras } = remoteCameraOff.value
    remoteCameraOff.value = otherCameras
    const { [account]: _mic, ...otherMics } = remoteMicOff.value
    remoteMicOff.value = otherMics
  }

  function stopLocal(): void {
    for (const track of localStream.value?.getTracks() ?? []) track.stop()
    localStream.value = null
  }

  function hangUpLocal(): void {
    for (const account of [...peers.keys()]) closePeer(account)
    remotes.value = []
    broken.value = new Set()
    quality.value = {}
    remoteCameraOff.value = {}
    remoteMicOff.value = {}
    inCall.value = false
    resuming.value = false
    callId = null
    stopLocal()
  }

  // STUN/TURN servers with fresh credentials, fetched before each call (SPEC 7: coturn relays
  // media when no direct path works).
  let iceServers: RTCIceServer[] = []
  let iceTransportPolicy: RTCIceTransportPolicy = 'all'
  let iceExpiresAt = 0
  async function loadIceServers(): Promise<void> {
    try {
      const answer = await getIceServers()
      iceServers = answer.ice_servers
      iceTransportPolicy = answer.ice_transport_policy === 'relay' ? 'relay' : 'all'
      iceExpiresAt = answer.expires_at
    } catch {
      iceServers = [] // direct paths still work; the call is not refused for this
      iceTransportPolicy = 'all'
      iceExpiresAt = 0
    }
  }

  /** An ICE restart gathers new TURN allocations: with a long call the credentials fetched at
   * its start may have expired by then, so fetch fresh ones first. */
  async function freshIceServers(): Promise<void> {
    if (iceExpiresAt === 0 || Date.now() / 1000 < iceExpiresAt - 60) return
    const before = { iceServers, iceTransportPolicy, iceExpiresAt }
    await loadIceServers()
    if (iceServers.length === 0) {
      // Not reachable right now: keep what we had; the next restart asks again.
      ;({ iceServers, iceTransportPolicy, iceExpiresAt } = before)
      return
    }
    for (const peer of peers.values()) {
      try {
        peer.pc.setConfiguration({ ...peer.pc.getConfiguration(), iceServers })
      } catch {
        // closed meanwhile
      }
    }
  }

  async function openMedia(): Promise<boolean> {
    mediaProblem.value = ''
    errorCode.value = ''
    cameraProblem.value = false
    try {
      localStream.value = await navigator.mediaDevices.getUserMedia({ audio: true, video: { facingMode: 'user' } })
    } catch (e) {
      const name = e instanceof DOMException ? e.name : ''
      mediaProblem.value = name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable'
      return false
    }
    micOn.value = true
    camOn.value = true
    await lookAtCameras()
    return true
  }

  // ---- front/back camera ----

  let cameraIds: string[] = []

  /** Whether there is another camera to switch to. enumerateDevices() lists every camera on
   * most phones once permission is granted; some (older iPhones in particular) list one
   * device but switch with facingMode, and those report which way the open camera faces in
   * getCapabilities(). A desktop webcam reports neither, so it shows no switch. */
  async function lookAtCameras(): Promise<void> {
    const track = localStream.value?.getVideoTracks()[0]
    if (!track) return
    try {
      cameraIds = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').map((d) => d.deviceId)
    } catch {
      cameraIds = []
    }
    const faces = track.getCapabilities?.().facingMode ?? []
    facing.value = (track.getSettings().facingMode as typeof facing.value | undefined) ?? ''
    canSwitchCamera.value = cameraIds.length >= 2 || faces.length > 0
  }

  /** 「カメラ切替」: open the next camera and send it instead of the current one. */
  async function switchCamera(): Promise<void> {
    const old = localStream.value?.getVideoTracks()[0]
    if (!old) return
    cameraProblem.value = false
    const was = old.getSettings()
    let wanted: MediaTrackConstraints
    if (cameraIds.length >= 2) {
      const at = cameraIds.indexOf(was.deviceId ?? '')
      wanted = { deviceId: { exact: cameraIds[(at + 1) % cameraIds.length]! } }
    } else {
      wanted = { facingMode: { exact: facing.value === 'environment' ? 'user' : 'environment' } }
    }
    // Many phones cannot open a second camera while the first is still open: close it first.
    old.stop()
    try {
      const next = (await navigator.mediaDevices.getUserMedia({ video: wanted })).getVideoTracks()[0]!
      await useVideoTrack(next)
    } catch {
      cameraProblem.value = true
      try {
        const back = was.deviceId ? { deviceId: { exact: was.deviceId } } : true
        await useVideoTrack((await navigator.mediaDevices.getUserMedia({ video: back })).getVideoTracks()[0]!)
      } catch {
        // no camera at all now; the microphone goes on
      }
    }
  }

  /** Send `track` as our video from now on, on every connection, without renegotiating
   * (RTCRtpSender.replaceTrack): the camera on/off state carries over, the preview follows,
   * and it is mirrored only for a camera that faces the user. */
  async function useVideoTrack(track: MediaStreamTrack, facingHint?: 'user' | 'environment'): Promise<void> {
    track.enabled = camOn.value
    const stream = localStream.value
    const old = stream?.getVideoTracks()[0]
    await Promise.all(
      [...peers.values()].map(async (peer) => {
        const sender = peer.pc.getSenders().find((s) => s.track?.kind === 'video')
        await sender?.replaceTrack(track)
      }),
    )
    localStream.value = new MediaStream([...(stream?.getAudioTracks() ?? []), track])
    if (old && old !== track) old.stop()
    facing.value = facingHint ?? ((track.getSettings().facingMode as typeof facing.value | undefined) ?? '')
  }

  // End-to-end tests drive useVideoTrack with a canvas.captureStream() track as the "other
  // camera": Chromium's fake capture device is a single camera, and faking a second device
  // would test the fake, not this code. The hook only does what the page's own script can do.
  // It exists while a call is on.
  const testHook = { useVideoTrack }
  watch(inCall, (on) => {
    const w = window as unknown as { __careliveCall?: typeof testHook }
    if (on) w.__careliveCall = testHook
    else if (w.__careliveCall === testHook) delete w.__careliveCall
  })

  // ---- keep the screen awake during the call ----

  const { state: wakeLock } = useWakeLock(inCall)

  function onVisibility(): void {
    if (document.visibilityState !== 'visible') return
    // A phone waking up often has a dead socket nobody noticed yet: reconnect now.
    if (!ws && !disposed) connect()
  }
  document.addEventListener('visibilitychange', onVisibility)

  // ---- connection quality ----

  async function sample(peer: Peer): Promise<void> {
    const stats = await peer.pc.getStats()
    let rtt: number | null = null
    let fps: number | null = null
    const totals: InboundTotals = { received: 0, lost: 0 }
    let pairId: string | undefined
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId
    })
    stats.forEach((s) => {
      if (s.type === 'candidate-pair' && (s.id === pairId || (!pairId && s.nominated && s.state === 'succeeded'))) {
        if (typeof s.currentRoundTripTime === 'number') rtt = s.currentRoundTripTime
      } else if (s.type === 'inbound-rtp') {
        totals.received += s.packetsReceived ?? 0
        totals.lost += s.packetsLost ?? 0
        if (s.kind === 'video' && typeof s.framesPerSecond === 'number') fps = s.framesPerSecond
      }
    })
    // A receiver that got no frame in the interval reports no framesPerSecond at all.
    if (fps === null && totals.received > 0) fps = 0
    const loss = intervalLoss(peer.lossBefore, totals)
    peer.lossBefore = totals
    if (peers.get(peer.account) !== peer || !mediaFlows(peer.pc)) return
    const level = classifyQuality({ rtt, loss, fps: remoteCameraOff.value[peer.account] ? null : fps })
    if (quality.value[peer.account] !== level) quality.value = { ...quality.value, [peer.account]: level }
  }
  const statsTimer = setInterval(() => {
    for (const peer of peers.values()) if (mediaFlows(peer.pc)) void sample(peer).catch(() => undefined)
  }, STATS_EVERY_MS)

  // ---- actions ----

  /** Staff: start the call with the resident. */
  async function start(): Promise<void> {
    if (!residentId.value) return
    await loadIceServers()
    if (await openMedia()) send({ type: 'start', resident_id: residentId.value })
  }

  /** 「開始する」: join the call that was started. */
  async function join(): Promise<void> {
    if (!residentId.value) return
    await loadIceServers()
    if (await openMedia()) send({ type: 'join', resident_id: residentId.value })
  }

  /** Leave the call (it ends when only one person would remain). */
  function leave(): void {
    if (residentId.value) send({ type: 'leave', resident_id: residentId.value })
    hangUpLocal()
  }

  /** Staff: end the call for everyone. */
  function end(): void {
    if (residentId.value) send({ type: 'end', resident_id: residentId.value })
    hangUpLocal()
  }

  function toggleMic(): void {
    micOn.value = !micOn.value
    for (const t of localStream.value?.getAudioTracks() ?? []) t.enabled = micOn.value
    sendMediaState()
  }

  function toggleCam(): void {
    camOn.value = !camOn.value
    for (const t of localStream.value?.getVideoTracks() ?? []) t.enabled = camOn.value
    sendMediaState()
  }

  /** What we tell the others of our camera and microphone (docs/api.md). */
  function mediaState(): NonNullable<SignalData['media']> {
    return { camera: camOn.value, mic: micOn.value }
  }

  function sendMediaState(): void {
    for (const peer of peers.values()) sendSignal(peer, { media: mediaState() })
  }

  watch(residentId, () => {
    if (inCall.value) leave()
    errorCode.value = ''
    sendWatch()
  })

  connect()

  onBeforeUnmount(() => {
    disposed = true
    clearTimeout(retry)
    clearInterval(statsTimer)
    document.removeEventListener('visibilitychange', onVisibility)
    if (inCall.value) leave()
    hangUpLocal()
    const socket = ws
    ws = null
    socket?.close()
  })

  return {
    connected, state, participants, presence, inCall, errorCode, mediaProblem, localStream, remotes, micOn, camOn,
    reconnecting, quality, remoteCameraOff, remoteMicOff, wakeLock, canSwitchCamera, facing, cameraProblem,
    start, join, leave, end, toggleMic, toggleCam, switchCamera,
  }
}

/** One call as its screens see it. */
export type CallSession = ReturnType<typeof useCall>
