import type { Db } from '../../db/connect.ts'
import type { Actor } from '../auth/roles.ts'
import { listSubtreeIds } from './queries.ts'

// Who manages whom, for what is private to a person and the people above them: relationships'
// private notes, the subjects of captured mail. Worked out once per request, then checked per row.

/** A set of user ids, or undefined for everyone (an admin). */
export type ManagedUsers = Set<string> | undefined

/**
 * Whose private things the actor sees: their own; a manager's whole reporting subtree; everyone's
 * for an admin (undefined = everyone).
 */
export async function managedUserIds(db: Db, actor: Pick<Actor, 'orgId' | 'userId' | 'role'>): Promise<ManagedUsers> {
  if (actor.role === 'admin') return undefined
  if (actor.role === 'manager') return new Set(await listSubtreeIds(db, actor.orgId, actor.userId))
  return new Set([actor.userId])
}

export const manages = (managed: ManagedUsers, userId: string) => managed === undefined || managed.has(userId)

/** Whether the actor manages at least one of these users. */
export const managesAny = (managed: ManagedUsers, userIds: readonly string[]) => managed === undefined || userIds.some((id) => managed.has(id))
