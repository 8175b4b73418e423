// SPEC 3: after login, in this order and each only when there is a choice to make — role,
// facility, resident — then terms (SPEC 4), relationship (SPEC 5), home. Someone with no role
// yet whose application waits for the facility is told so (SPEC 14).
import type { ContextFacility, ContextResident, Contexts, LinkKind, OwnApplication, Role } from '../api/live'

export interface Choice {
  role?: string
  facility?: number
}

export type Step =
  | { kind: 'account' }
  | { kind: 'awaiting'; applications: OwnApplication[] }
  | { kind: 'staff' }
  | { kind: 'operator' }
  | { kind: 'chooseRole'; roles: Role[] }
  | { kind: 'chooseFacility'; role: LinkKind; facilities: ContextFacility[] }
  | { kind: 'chooseResident'; role: LinkKind; facility: ContextFacility }
  | { kind: 'resident'; role: LinkKind; resident: ContextResident }

export function nextStep(ctx: Contexts, choice: Choice = {}): Step {
  // Applied, not approved yet (or refused): say so rather than show an empty account (SPEC 14).
  if (ctx.roles.length === 0) return ctx.applications?.length ? { kind: 'awaiting', applications: ctx.applications } : { kind: 'account' }
  const chosen = ctx.roles.find((r) => r === choice.role)
  const role = chosen ?? (ctx.roles.length === 1 ? ctx.roles[0]! : undefined)
  if (!role) return { kind: 'chooseRole', roles: ctx.roles }
  if (role === 'staff') return { kind: 'staff' }
  if (role === 'operator') return { kind: 'operator' }
  const facilities = ctx[role]
  const facility = facilities.find((f) => f.id === choice.facility) ?? (facilities.length === 1 ? facilities[0] : undefined)
  if (!facility) return { kind: 'chooseFacility', role, facilities }
  if (facility.residents.length !== 1) return { kind: 'chooseResident', role, facility }
  return { kind: 'resident', role, resident: facility.residents[0]! }
}

/** Where a chosen resident leads: terms first, then the relationship, then home. */
export function residentPath(resident: ContextResident): string {
  if (resident.needs_terms) return `/live/terms?resident=${resident.id}`
  if (resident.needs_relationship) return `/live/residents/${resident.id}/relationship`
  return `/live/residents/${resident.id}`
}
