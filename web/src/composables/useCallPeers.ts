// The media of a call: a mesh of RTCPeerConnections, one per other participant, negotiated
// through the signaling socket.
//
// Negotiation follows the W3C "perfect negotiation" pattern: every connection offers from its
// own `negotiationneeded` (the joiner's, because it adds its tracks first), and when both ends
// offer at once the polite end (the higher account id) rolls back and answers while the
// impolite end ignores the other's offer. That is what lets both sides restart ICE at the same
// moment after a network drop without tearing the call down.
//
// A broken media path is mended by ICE restarts, repeated with growing pauses until media
// flows again (with fresh TURN credentials when those of the call's start are running out).
import { shallowRef } from 'vue'
import { Backoff } from '../lib/backoff'
import type { CallIceServers } from './useCallIceServers'
import type { MediaSignal, SignalData } from './useCallSignaling'

export interface RemoteMedia {
  account_id: number
  stream: MediaStream
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
  restarts: Backoff
}

const RESTART_FIRST_MS = 2000
const RESTART_MAX_MS = 10_000

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function mediaFlows(pc: RTCPeerConnection): boolean {
  return pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed'
}

export interface PeerMeshOptions {
  ice: CallIceServers
  /** Our account in the call: the higher account id is the polite end. */
  self: () => number | null
  /** Signals are taken only during a call. */
  inCall: () => boolean
  /** Whether an offer can go out now (the socket is up and the call resumed); else it would be lost. */
  canSignal: () => boolean
  send: (to: number, data: SignalData) => void
  /** The tracks each new connection sends. */
  localStream: () => MediaStream | null
  /** Our camera and microphone, told to each other end once media flows. */
  mediaState: () => MediaSignal
  /** A media path broke (no media flows to or from `account`). */
  onBroken: (account: number) => void
  /** The connection to `account` is closed. */
  onClosed: (account: number) => void
}

export function useCallPeers(o: PeerMeshOptions) {
  const remotes = shallowRef<RemoteMedia[]>([])
  /** Peers whose media path broke and is not back yet. */
  const broken = shallowRef<ReadonlySet<number>>(new Set())
  const remoteCameraOff = shallowRef<Record<number, boolean>>({})
  /** Peers who told us their microphone is off. */
  const remoteMicOff = shallowRef<Record<number, boolean>>({})
  const peers = new Map<number, Peer>()
  /** Signals of one peer are handled one after the other. */
  const queues = new Map<number, Promise<void>>()

  function sendSignal(peer: Peer, data: SignalData): void {
    o.send(peer.account, { ...data, pc: peer.pcId })
  }

  function setBroken(account: number, isBroken: boolean): void {
    if (broken.value.has(account) === isBroken) return
    const next = new Set(broken.value)
    if (isBroken) next.add(account)
    else next.delete(account)
    broken.value = next
  }

  /** A new RTCPeerConnection to `account` with our tracks on it; `offering`: we make the first
   * offer (we joined), else we answer theirs. */
  function createPeer(account: number, offering: boolean): Peer {
    const pc = new RTCPeerConnection(o.ice.configuration())
    const peer: Peer = {
      account, pc, pcId: randomId(), remotePcId: null, makingOffer: false, ignoreOffer: false,
      restarts: new Backoff(RESTART_FIRST_MS, RESTART_MAX_MS),
    }
    peers.set(account, peer)
    const stream = o.localStream()
    for (const track of stream?.getTracks() ?? []) pc.addTrack(track, stream!)
    // Without a camera (「音声のみで参加」) or a microphone of our own, our offer still asks for
    // theirs: else it would have no m-line for it (and with no track at all, there would be no
    // offer). An answer needs none: the offer's m-lines are theirs.
    if (offering) {
      for (const kind of ['audio', 'video'] as const) {
        if (!stream?.getTracks().some((t) => t.kind === kind)) pc.addTransceiver(kind, { direction: 'recvonly' })
      }
    }
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
        peer.restarts.reset()
        setBroken(account, false)
        sendSignal(peer, { media: o.mediaState() })
        // Someone who sends nothing (joined to see and hear only) has no track to bring a
        // picture: the call still shows them, with their camera and microphone off.
        if (!remotes.value.some((r) => r.account_id === account)) {
          remotes.value = [...remotes.value, { account_id: account, stream: new MediaStream() }]
        }
      } else if (s === 'disconnected' || s === 'failed') {
        setBroken(account, true)
        o.onBroken(account)
        // 'disconnected' often heals by itself within seconds; 'failed' never does.
        if (peer.restartTimer === undefined) {
          const pause = peer.restarts.next()
          scheduleRestart(peer, s === 'failed' ? 0 : pause)
        }
      }
    }
    return peer
  }

  /** Restart ICE on `peer` after `delay`, and again with growing pauses until media flows. */
  function scheduleRestart(peer: Peer, delay: number): void {
    peer.restartTimer = setTimeout(() => {
      peer.restartTimer = undefined
      if (peers.get(peer.account) !== peer || mediaFlows(peer.pc)) return
      void restartIce(peer)
      scheduleRestart(peer, peer.restarts.next())
    }, delay)
  }

  async function restartIce(peer: Peer): Promise<void> {
    // Without a socket the offer would be lost; `resume` calls us again.
    if (!o.canSignal()) return
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

  /** An ICE restart gathers new TURN allocations: give every connection fresh credentials first
   * when those it has are running out. */
  async function freshIceServers(): Promise<void> {
    const iceServers = await o.ice.refresh()
    if (!iceServers) return
    for (const peer of peers.values()) {
      try {
        peer.pc.setConfiguration({ ...peer.pc.getConfiguration(), iceServers })
      } catch {
        // closed meanwhile
      }
    }
  }

  /** A signal from `from`, after the ones before it. */
  function receive(from: number, data: SignalData): void {
    const next = (queues.get(from) ?? Promise.resolve()).then(() => onSignal(from, data)).catch(() => undefined)
    queues.set(from, next)
  }

  async function onSignal(from: number, data: SignalData): Promise<void> {
    if (!o.inCall()) return
    let peer = peers.get(from)
    const theirPc = typeof data.pc === 'string' ? data.pc : null
    const description = data.description
    if (description?.type === 'offer') {
      // A new connection id from them: their page started afresh (reloaded) — answer on a new one.
      if (peer && theirPc && peer.remotePcId && theirPc !== peer.remotePcId) {
        close(from)
        peer = undefined
      }
      peer ??= createPeer(from, false)
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
    if (description) await onDescription(peer, description, theirPc)
    else if (data.candidate) {
      try {
        await peer.pc.addIceCandidate(data.candidate)
      } catch (e) {
        if (!peer.ignoreOffer) throw e
      }
    }
  }

  async function onDescription(peer: Peer, description: RTCSessionDescriptionInit, theirPc: string | null): Promise<void> {
    const pc = peer.pc
    const polite = (o.self() ?? Number.NEGATIVE_INFINITY) > peer.account
    const collision = description.type === 'offer' && (peer.makingOffer || pc.signalingState !== 'stable')
    peer.ignoreOffer = !polite && collision
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
  }

  function forget<T>(map: Record<number, T>, account: number): Record<number, T> {
    const { [account]: _gone, ...rest } = map
    return rest
  }

  function close(account: number): void {
    const peer = peers.get(account)
    if (peer) {
      clearTimeout(peer.restartTimer)
      peer.pc.close()
    }
    peers.delete(account)
    queues.delete(account)
    setBroken(account, false)
    remotes.value = remotes.value.filter((r) => r.account_id !== account)
    remoteCameraOff.value = forget(remoteCameraOff.value, account)
    remoteMicOff.value = forget(remoteMicOff.value, account)
    o.onClosed(account)
  }

  function closeAll(): void {
    for (const account of [...peers.keys()]) close(account)
    remotes.value = []
    broken.value = new Set()
    remoteCameraOff.value = {}
    remoteMicOff.value = {}
  }

  /** The call's participants changed: close the connections to those who are gone. */
  function keepOnly(accounts: readonly number[]): void {
    for (const id of [...peers.keys()]) if (!accounts.includes(id)) close(id)
  }

  /** We joined the call with `accounts` in it: our tracks make the offers. */
  function connectTo(accounts: readonly number[]): void {
    for (const id of accounts) if (!peers.has(id)) createPeer(id, true)
  }

  /** We resumed the call after our socket was away, with `accounts` in it now: the same
   * connections as before, new ones to those who came, and ICE restarts where media does not flow. */
  function resume(accounts: readonly number[]): void {
    keepOnly(accounts)
    for (const id of accounts) {
      const peer = peers.get(id)
      if (!peer) createPeer(id, true)
      else if (!mediaFlows(peer.pc)) void restartIce(peer)
    }
  }

  /** Send `track` as our video on every connection without renegotiating (replaceTrack). */
  async function replaceVideoTrack(track: MediaStreamTrack): Promise<void> {
    await Promise.all(
      [...peers.values()].map(async (peer) => {
        const sender = peer.pc.getSenders().find((s) => s.track?.kind === 'video')
        await sender?.replaceTrack(track)
      }),
    )
  }

  /** Tell every other end (our camera and microphone state). */
  function tellAll(data: SignalData): void {
    for (const peer of peers.values()) sendSignal(peer, data)
  }

  /** The open connections, for their statistics. */
  function connections(): { account: number; pc: RTCPeerConnection }[] {
    return [...peers.values()].map((p) => ({ account: p.account, pc: p.pc }))
  }

  /** Whether `pc` is still our connection to `account`. */
  function isCurrent(account: number, pc: RTCPeerConnection): boolean {
    return peers.get(account)?.pc === pc
  }

  return {
    remotes, broken, remoteCameraOff, remoteMicOff,
    receive, connectTo, keepOnly, resume, close, closeAll, replaceVideoTrack, tellAll, connections, isCurrent,
  }
}
