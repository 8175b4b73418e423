// Calls (docs/api.md "Calls"): ICE servers for RTCPeerConnection, with short-lived TURN
// credentials derived on the server from the shared coturn secret.
import { request } from './client'

export interface IceServerEntry {
  urls: string[]
  username?: string
  credential?: string
}

export interface IceServers {
  ice_servers: IceServerEntry[]
  /** RTCPeerConnection iceTransportPolicy from config `[turn] policy` ("relay": TURN only). */
  ice_transport_policy: RTCIceTransportPolicy
  expires_at: number
}

export function getIceServers(): Promise<IceServers> {
  return request<IceServers>('GET', '/calls/ice-servers')
}

export interface CallLogEntry {
  id: number
  resident_id: number
  resident_name: string
  started_by: { account_id: number; name: string }
  started_at: number
  ended_at: number | null
  /** null while the call goes on */
  duration_seconds: number | null
  participants: { account_id: number; name: string; joined_at: number; left_at: number | null }[]
}

/** The facility's call log, newest first (staff of the facility). */
export function listFacilityCalls(fid: number): Promise<{ calls: CallLogEntry[] }> {
  return request<{ calls: CallLogEntry[] }>('GET', `/staff/facilities/${fid}/calls`)
}

/** How far a resident's open call reached each of their people (staff of the facility). */
export interface Reach {
  call: { call_id: number; state: 'ringing' | 'active'; started_at: number; participants: number[] } | null
  people: {
    account_id: number
    name: string
    kind: 'family' | 'care_worker'
    /** Devices that receive notices now (「通知を受け取る」 turned on). */
    devices: number
    /** The open call's notice: devices it went to, delivered to the push service, given up. */
    notified: number
    delivered: number
    failed: number
  }[]
}

export function getReach(fid: number, rid: number): Promise<Reach> {
  return request<Reach>('GET', `/staff/facilities/${fid}/residents/${rid}/reach`)
}
