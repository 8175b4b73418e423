import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, type EffectScope } from 'vue'
import { onUnauthenticated } from '../api/client'
import {
  CLOSE_ACCESS_CHANGED,
  CLOSE_SESSION_ENDED,
  routeMessage,
  useCallSignaling,
  type MessageHandlers,
  type ServerMessage,
} from './useCallSignaling'

function recorder(): { handlers: MessageHandlers; seen: ServerMessage[] } {
  const seen: ServerMessage[] = []
  const record = (m: ServerMessage) => void seen.push(m)
  return { handlers: { presence: record, call: record, joined: record, signal: record, error: record }, seen }
}

describe('routeMessage', () => {
  it('hands each server message to the handler of its type', () => {
    const seen: string[] = []
    const handlers: MessageHandlers = {
      presence: (m) => void seen.push(`presence ${m.people.length}`),
      call: (m) => void seen.push(`call ${m.state}`),
      joined: (m) => void seen.push(`joined ${m.self}`),
      signal: (m) => void seen.push(`signal ${m.from}`),
      error: (m) => void seen.push(`error ${m.code} ${m.ref}`),
    }
    routeMessage('{"type":"presence","resident_id":1,"people":[{"account_id":2,"name":"a","kind":"family"}]}', handlers)
    routeMessage('{"type":"call","resident_id":1,"state":"ringing","call_id":5,"participants":[]}', handlers)
    routeMessage('{"type":"joined","resident_id":1,"call_id":5,"self":7,"peers":[]}', handlers)
    routeMessage('{"type":"signal","from":3,"data":{"candidate":null}}', handlers)
    routeMessage('{"type":"error","code":"no_call","ref":"join"}', handlers)
    expect(seen).toEqual(['presence 1', 'call ringing', 'joined 7', 'signal 3', 'error no_call join'])
  })

  it('drops frames that are not a message of a known type', () => {
    const { handlers, seen } = recorder()
    for (const text of ['not json', '[]', 'null', '42', '{}', '{"type":7}', '{"type":"hello"}', '{"type":"toString"}', '{"type":"constructor"}']) {
      routeMessage(text, handlers)
    }
    expect(seen).toEqual([])
  })

  it('keeps going when a handler throws', () => {
    const handlers = { ...recorder().handlers, error: () => { throw new Error('boom') } }
    expect(() => routeMessage('{"type":"error","code":"internal","ref":"start"}', handlers)).not.toThrow()
  })
})

describe('the socket closed by the server', () => {
  class FakeSocket {
    static made: FakeSocket[] = []
    static OPEN = 1
    readyState = 0
    onopen: (() => void) | null = null
    onmessage: ((e: { data: string }) => void) | null = null
    onclose: ((e: { code: number }) => void) | null = null
    constructor(public url: string) {
      FakeSocket.made.push(this)
    }
    send(): void {}
    close(): void {}
  }

  function signaling(): { scope: EffectScope; closed: number[] } {
    const closed: number[] = []
    const scope = effectScope()
    scope.run(() => useCallSignaling({ opened: () => undefined, closed: () => void closed.push(1), handlers: recorder().handlers }))
    return { scope, closed }
  }

  beforeEach(() => {
    FakeSocket.made = []
    vi.useFakeTimers()
    vi.stubGlobal('WebSocket', FakeSocket)
    vi.stubGlobal('location', { protocol: 'https:', host: 'live.test' })
    vi.stubGlobal('document', { visibilityState: 'visible', addEventListener: () => undefined, removeEventListener: () => undefined })
  })
  afterEach(() => {
    vi.runOnlyPendingTimers() // the shared socket closes after its last listener
    onUnauthenticated(null)
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('goes to the login page when the session ended, without reconnecting', () => {
    let ended = 0
    onUnauthenticated(() => void ended++)
    const { scope } = signaling()
    FakeSocket.made[0]!.onclose!({ code: CLOSE_SESSION_ENDED })
    vi.advanceTimersByTime(60_000)
    expect(ended).toBe(1)
    expect(FakeSocket.made).toHaveLength(1)
    scope.stop()
  })

  it('reconnects when access changed, as after a dropped connection', () => {
    let ended = 0
    onUnauthenticated(() => void ended++)
    const { scope } = signaling()
    FakeSocket.made[0]!.onclose!({ code: CLOSE_ACCESS_CHANGED })
    vi.advanceTimersByTime(1_000)
    expect(FakeSocket.made).toHaveLength(2)
    FakeSocket.made[1]!.onclose!({ code: 1006 })
    vi.advanceTimersByTime(2_000)
    expect(FakeSocket.made).toHaveLength(3)
    expect(ended).toBe(0)
    scope.stop()
  })

  it('is one socket for every listener of the open app, kept a moment after the last one stops', async () => {
    const seen: string[] = []
    const first = effectScope()
    first.run(() => useCallSignaling({ opened: () => void seen.push('first opened'), closed: () => undefined, handlers: { ring: (m) => void seen.push(`first ring ${m.state}`) } }))
    const socket = FakeSocket.made[0]! as FakeSocket & { close: () => void }
    let closes = 0
    socket.close = () => void closes++
    socket.readyState = FakeSocket.OPEN
    socket.onopen!()
    const second = effectScope()
    second.run(() => useCallSignaling({ opened: () => void seen.push('second opened'), closed: () => undefined, handlers: { call: (m) => void seen.push(`second call ${m.state}`) } }))
    await Promise.resolve()
    expect(FakeSocket.made).toHaveLength(1)
    socket.onmessage!({ data: '{"type":"ring","resident_id":1,"call_id":2,"state":"ringing","started_at":0,"answered":false,"resident_name":"","facility_name":""}' })
    socket.onmessage!({ data: '{"type":"call","resident_id":1,"state":"ringing","call_id":2,"participants":[]}' })
    expect(seen).toEqual(['first opened', 'second opened', 'first ring ringing', 'second call ringing'])

    first.stop()
    second.stop()
    vi.advanceTimersByTime(1_000)
    expect(closes).toBe(0) // the next screen may listen at once
    vi.advanceTimersByTime(1_500)
    expect(closes).toBe(1)
  })
})
