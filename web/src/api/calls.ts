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
  expires_at: number
}

export function getIceServers(): Promise<IceServers> {
  return request<IceServers>('GET', '/calls/ice-servers')
}
