import { describe, expect, it } from 'vitest'
import { takeWaiting, type WaitingMessage } from './useFacilityWaiting'
import { problemSeen } from '../lib/callMedia'

const hanako = { account_id: 11, name: '駿河 花子', kind: 'family' }
const jiro = { account_id: 12, name: '別所 次郎', kind: 'family', media: 'denied' }

function waiting(full: boolean, residents: WaitingMessage['residents']): WaitingMessage {
  return { type: 'waiting', facility_id: 3, full, residents }
}

describe('the facility waiting list', () => {
  it('takes the whole list, then the residents that changed', () => {
    let list = takeWaiting({ 9: [hanako] }, waiting(true, [{ resident_id: 5, people: [hanako] }]))
    expect(list).toEqual({ 5: [hanako] }) // a full list replaces what was known
    list = takeWaiting(list, waiting(false, [{ resident_id: 6, people: [jiro] }]))
    expect(list).toEqual({ 5: [hanako], 6: [jiro] })
    list = takeWaiting(list, waiting(false, [{ resident_id: 5, people: [] }]))
    expect(list).toEqual({ 6: [jiro] }) // nobody waits there any more
  })
})

describe('a family member’s camera problem as staff see it', () => {
  it('names the known problems and nothing else', () => {
    expect(problemSeen('denied')).toBe('refused')
    expect(problemSeen('unavailable')).toBe('unavailable')
    expect(problemSeen('micDenied')).toBe('micRefused')
    expect(problemSeen('micUnavailable')).toBe('micUnavailable')
    expect(problemSeen('')).toBeNull()
    expect(problemSeen(undefined)).toBeNull()
    expect(problemSeen('toString')).toBeNull()
  })
})
