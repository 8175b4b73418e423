// A video call with one resident (SPEC 7): the signaling WebSocket (GET /api/v1/ws), the
// call state the server pushes, presence (staff), and the media — a mesh of RTCPeerConnections,
// one per other participant; whoever joins sends the offers to those already in.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import { getIceServers } from '../api/calls'

export type CallStateName = 'idle' | 'ringing' | 'active' | 'ended'
export interface CallPerson {
  account_id: number
  name: string
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
  | { type: 'joined'; resident_id: number; call_id: number; self: number; peers: number[] }
  | { type: 'signal'; from: number; data: SignalData }
  | { type: 'error'; code: string; ref: string }

interface SignalData {
  description?: RTCSessionDescriptionInit
  candidate?: RTCIceCandidateInit | null
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

  let ws: WebSocket | null = null
  let disposed = false
  let watched: number | null = null
  let retry: ReturnType<typeof setTimeout> | undefined
  const pcs = new Map<number, RTCPeerConnection>()
  const queues = new Map<number, Promise<void>>()

  function send(msg: Record<string, unknown>): void {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg))
  }

  function connect(): void {
    if (disposed) return
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws`)
    ws = socket
    socket.onopen = () => {
      connected.value = true
      watched = null
      sendWatch()
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
      hangUpLocal()
      if (!disposed) retry = setTimeout(connect, 2000)
    }
  }

  function sendWatch(): void {
    const id = residentId.value
    if (watched !== null && watched !== id) send({ type: 'unwatch', resident_id: watched })
    presence.value = []
    state.value = 'idle'
    participants.value = []
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
        state.value = m.state
        participants.value = m.participants
        if (m.state === 'ended' || m.state === 'idle') hangUpLocal()
        else for (const id of pcs.keys()) if (!m.participants.some((p) => p.account_id === id)) closePeer(id)
        break
      case 'joined':
        inCall.value = true
        for (const peer of m.peers) void connectPeer(peer)
        break
      case 'signal':
        enqueue(m.from, () => onSignal(m.from, m.data))
        break
      case 'error':
        errorCode.value = m.code
        if (m.ref === 'join' || m.ref === 'start') stopLocal()
        break
    }
  }

  function enqueue(peer: number, job: () => Promise<void>): void {
    const next = (queues.get(peer) ?? Promise.resolve()).then(job).catch(() => undefined)
    queues.set(peer, next)
  }

  function peerConnection(peer: number): RTCPeerConnection {
    let pc = pcs.get(peer)
    if (pc) return pc
    pc = new RTCPeerConnection({ iceServers, iceTransportPolicy })
    pcs.set(peer, pc)
    for (const track of localStream.value?.getTracks() ?? []) pc.addTrack(track, localStream.value!)
    pc.onicecandidate = (e) => send({ type: 'signal', to: peer, data: { candidate: e.candidate ? e.candidate.toJSON() : null } })
    pc.ontrack = (e) => {
      const stream = e.streams[0] ?? new MediaStream([e.track])
      const others = remotes.value.filter((r) => r.account_id !== peer)
      remotes.value = [...others, { account_id: peer, stream }]
    }
    return pc
  }

  async function connectPeer(peer: number): Promise<void> {
    enqueue(peer, async () => {
      const pc = peerConnection(peer)
      const offer = await pc.createOffer()
      await pc.setLocalDescription(offer)
      send({ type: 'signal', to: peer, data: { description: pc.localDescription!.toJSON() } })
    })
  }

  async function onSignal(from: number, data: SignalData): Promise<void> {
    if (!inCall.value) return
    const pc = peerConnection(from)
    if (data.description) {
      await pc.setRemoteDescription(data.description)
      if (data.description.type === 'offer') {
        await pc.setLocalDescription(await pc.createAnswer())
        send({ type: 'signal', to: from, data: { description: pc.localDescription!.toJSON() } })
      }
    } else if (data.candidate) {
      await pc.addIceCandidate(data.candidate)
    }
  }

  function closePeer(peer: number): void {
    pcs.get(peer)?.close()
    pcs.delete(peer)
    queues.delete(peer)
    remotes.value = remotes.value.filter((r) => r.account_id !== peer)
  }

  function stopLocal(): void {
    for (const track of localStream.value?.getTracks() ?? []) track.stop()
    localStream.value = null
  }

  function hangUpLocal(): void {
    for (const peer of [...pcs.keys()]) closePeer(peer)
    remotes.value = []
    inCall.value = false
    stopLocal()
  }

  // STUN/TURN servers with fresh credentials, fetched before each call (SPEC 7: coturn relays
  // media when no direct path works).
  let iceServers: RTCIceServer[] = []
  let iceTransportPolicy: RTCIceTransportPolicy = 'all'
  async function loadIceServers(): Promise<void> {
    try {
      const answer = await getIceServers()
      iceServers = answer.ice_servers
      iceTransportPolicy = answer.ice_transport_policy === 'relay' ? 'relay' : 'all'
    } catch {
      iceServers = [] // direct paths still work; the call is not refused for this
      iceTransportPolicy = 'all'
    }
  }

  async function openMedia(): Promise<boolean> {
    mediaProblem.value = ''
    errorCode.value = ''
    try {
      localStream.value = await navigator.mediaDevices.getUserMedia({ audio: true, video: { facingMode: 'user' } })
    } catch (e) {
      const name = e instanceof DOMException ? e.name : ''
      mediaProblem.value = name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable'
      return false
    }
    micOn.value = true
    camOn.value = true
    return true
  }

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
  }

  function toggleCam(): void {
    camOn.value = !camOn.value
    for (const t of localStream.value?.getVideoTracks() ?? []) t.enabled = camOn.value
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
    if (inCall.value) leave()
    hangUpLocal()
    const socket = ws
    ws = null
    socket?.close()
  })

  return {
    connected, state, participants, presence, inCall, errorCode, mediaProblem, localStream, remotes, micOn, camOn,
    start, join, leave, end, toggleMic, toggleCam,
  }
}
