// STUN/TURN servers for a call's RTCPeerConnections (SPEC 7: coturn relays media when no direct
// path works), with short-lived TURN credentials: fetched before each call, and again before an
// ICE restart late in a long call, when those of its start may have expired.
import { getIceServers, type IceServers } from '../api/calls'

/** Fetch anew this long before the credentials expire. */
const REFRESH_BEFORE_S = 60

export function useCallIceServers(fetchServers: () => Promise<IceServers> = getIceServers, now: () => number = Date.now) {
  let iceServers: RTCIceServer[] = []
  let iceTransportPolicy: RTCIceTransportPolicy = 'all'
  let expiresAt = 0

  /** Before a call. Without an answer, direct paths still work: the call is not refused for it. */
  async function load(): Promise<void> {
    try {
      const answer = await fetchServers()
      iceServers = answer.ice_servers
      iceTransportPolicy = answer.ice_transport_policy === 'relay' ? 'relay' : 'all'
      expiresAt = answer.expires_at
    } catch {
      iceServers = []
      iceTransportPolicy = 'all'
      expiresAt = 0
    }
  }

  /** Before an ICE restart: the new servers when the credentials were about to expire and fresh
   * ones came, otherwise null (keep what we have; the next restart asks again). */
  async function refresh(): Promise<RTCIceServer[] | null> {
    if (expiresAt === 0 || now() / 1000 < expiresAt - REFRESH_BEFORE_S) return null
    const before = { iceServers, iceTransportPolicy, expiresAt }
    await load()
    if (iceServers.length === 0) {
      ;({ iceServers, iceTransportPolicy, expiresAt } = before)
      return null
    }
    return iceServers
  }

  /** For a new RTCPeerConnection. */
  function configuration(): RTCConfiguration {
    return { iceServers, iceTransportPolicy }
  }

  return { load, refresh, configuration }
}

export type CallIceServers = ReturnType<typeof useCallIceServers>
