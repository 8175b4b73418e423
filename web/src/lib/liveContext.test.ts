import { describe, expect, it } from 'vitest'
import type { ContextFacility, Contexts } from '../api/live'
import { nextStep, residentPath } from './liveContext'

function facility(id: number, residents: number[]): ContextFacility {
  return {
    id,
    code: `f${id}`,
    name: `F${id}`,
    kind: 'K',
    residents: residents.map((r) => ({ id: r, name: `R${r}`, family_name: 'R', given_name: `${r}`, needs_terms: false, needs_relationship: false })),
  }
}

function ctx(over: Partial<Contexts>): Contexts {
  return { roles: [], staff: [], family: [], care_worker: [], applications: [], terms: { required: false, updated: false }, ...over }
}

describe('nextStep (SPEC 3: each screen only when needed)', () => {
  it('sends an account without links or staff role to the account page', () => {
    expect(nextStep(ctx({}))).toEqual({ kind: 'account' })
  })

  it('tells someone whose application waits for the facility (or was refused) so (SPEC 14)', () => {
    const applied = {
      id: 1, kind: 'family' as const, status: 'pending' as const, applied_at: '2026-12-01T00:00:00Z', decided_at: null,
      resident: { name: '駿河市子' }, facility: { id: 1, code: 'f1', name: 'ふじ園', kind: 'K' },
    }
    expect(nextStep(ctx({ applications: [applied] }))).toEqual({ kind: 'awaiting', applications: [applied] })
    // Once a link exists, the Live screens come first.
    const linked = ctx({ roles: ['family'], family: [facility(1, [7])], applications: [applied] })
    expect(nextStep(linked).kind).toBe('resident')
  })

  it('sends an operator to the operator console, after a role choice when there are several', () => {
    expect(nextStep(ctx({ roles: ['operator'] }))).toEqual({ kind: 'operator' })
    const both = ctx({ roles: ['staff', 'operator'], staff: [facility(1, [])] })
    expect(nextStep(both)).toEqual({ kind: 'chooseRole', roles: ['staff', 'operator'] })
    expect(nextStep(both, { role: 'operator' })).toEqual({ kind: 'operator' })
  })

  it('skips every choice with one role, one facility and one resident', () => {
    const step = nextStep(ctx({ roles: ['family'], family: [facility(1, [7])] }))
    expect(step).toMatchObject({ kind: 'resident', role: 'family', resident: { id: 7 } })
  })

  it('asks for the role only with several roles, and sends staff to the staff console', () => {
    const c = ctx({ roles: ['staff', 'family'], staff: [facility(1, [])], family: [facility(1, [7])] })
    expect(nextStep(c)).toEqual({ kind: 'chooseRole', roles: ['staff', 'family'] })
    expect(nextStep(c, { role: 'staff' })).toEqual({ kind: 'staff' })
    expect(nextStep(c, { role: 'family' })).toMatchObject({ kind: 'resident' })
    expect(nextStep(c, { role: 'care_worker' })).toMatchObject({ kind: 'chooseRole' })
  })

  it('asks for the facility, then the resident, when there are several', () => {
    const c = ctx({ roles: ['family'], family: [facility(1, [7, 8]), facility(2, [9])] })
    expect(nextStep(c)).toMatchObject({ kind: 'chooseFacility' })
    expect(nextStep(c, { facility: 1 })).toMatchObject({ kind: 'chooseResident', facility: { id: 1 } })
    expect(nextStep(c, { facility: 2 })).toMatchObject({ kind: 'resident', resident: { id: 9 } })
    expect(nextStep(c, { facility: 99 })).toMatchObject({ kind: 'chooseFacility' })
  })

  it('leads to terms, then relationship, then home', () => {
    const r = facility(1, [7]).residents[0]!
    expect(residentPath({ ...r, needs_terms: true, needs_relationship: true })).toBe('/live/terms?resident=7')
    expect(residentPath({ ...r, needs_relationship: true })).toBe('/live/residents/7/relationship')
    expect(residentPath(r)).toBe('/live/residents/7')
  })
})
