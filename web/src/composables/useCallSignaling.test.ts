import { describe, expect, it } from 'vitest'
import { routeMessage, type MessageHandlers, type ServerMessage } from './useCallSignaling'

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
