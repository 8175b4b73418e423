import { describe, expect, it } from 'vitest'
import type { IceServers } from '../api/calls'
import { useCallIceServers } from './useCallIceServers'

const turn = (user: string, expires: number): IceServers => ({
  ice_servers: [{ urls: ['turn:turn.example.jp:3478'], username: user, credential: 'secret' }],
  ice_transport_policy: 'relay',
  expires_at: expires,
})

function setUp(answers: (IceServers | Error)[]) {
  let now = 1_000_000 * 1000
  let asked = 0
  const ice = useCallIceServers(
    async () => {
      const next = answers[Math.min(asked++, answers.length - 1)]!
      if (next instanceof Error) throw next
      return next
    },
    () => now,
  )
  return { ice, advance: (s: number) => (now += s * 1000), asked: () => asked }
}

describe('useCallIceServers', () => {
  it('uses the servers fetched before the call', async () => {
    const { ice } = setUp([turn('a', 1_000_000 + 3600)])
    await ice.load()
    expect(ice.configuration()).toEqual({ iceServers: turn('a', 0).ice_servers, iceTransportPolicy: 'relay' })
  })

  it('goes without when they cannot be fetched: direct paths still work', async () => {
    const { ice } = setUp([new Error('offline')])
    await ice.load()
    expect(ice.configuration()).toEqual({ iceServers: [], iceTransportPolicy: 'all' })
  })

  it('fetches fresh credentials for a restart only when those it has are running out', async () => {
    const { ice, advance, asked } = setUp([turn('a', 1_000_000 + 3600), turn('b', 1_000_000 + 7200)])
    await ice.load()
    expect(await ice.refresh()).toBeNull()
    expect(asked()).toBe(1)
    advance(3600 - 60)
    expect(await ice.refresh()).toEqual(turn('b', 0).ice_servers)
    expect(ice.configuration().iceServers).toEqual(turn('b', 0).ice_servers)
  })

  it('keeps the old credentials when fresh ones cannot be fetched', async () => {
    const { ice, advance } = setUp([turn('a', 1_000_000 + 3600), new Error('offline')])
    await ice.load()
    advance(3600)
    expect(await ice.refresh()).toBeNull()
    expect(ice.configuration()).toEqual({ iceServers: turn('a', 0).ice_servers, iceTransportPolicy: 'relay' })
  })
})
