/** Roles of a user in their organisation. */
export const ROLES = ['admin', 'manager', 'rep', 'analyst'] as const
export type Role = (typeof ROLES)[number]

/**
 * What each role may do, checked on the server for every route.
 * - records: read and write accounts, stakeholders, relationships and experiences
 * - aggregates: read organisation-level figures (KPIs, counts) without individual records
 * - users: manage users, invitations and organisation settings
 */
export const PERMISSIONS = ['records', 'aggregates', 'users'] as const
export type Permission = (typeof PERMISSIONS)[number]

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['records', 'aggregates', 'users'],
  manager: ['records', 'aggregates'],
  rep: ['records', 'aggregates'],
  analyst: ['aggregates'],
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission)
}

/** Who is calling: resolved once per request from a session cookie or an API token. */
export type Actor = {
  orgId: string
  userId: string
  role: Role
  name: string
  via: 'session' | 'token' | 'system'
  sessionId?: string
  csrfToken?: string
}
