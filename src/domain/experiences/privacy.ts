import type { Db } from '../../db/connect.ts'
import type { Actor } from '../auth/roles.ts'
import { managedUserIds, managesAny, type ManagedUsers } from '../users/visibility.ts'
import type { Experience } from './schema.ts'

// The subject of captured mail is private to the people in the mail, the managers above them and
// admins (docs/decisions/0007-email-capture.md). An experience made from mail carries the
// subject as its title, so its title follows the same rule; everything else about it is shared.

type Titled = { source: string; title: string | null }

/** Whether the title is private to the people of the experience (the subject of mail). */
export const hasPrivateTitle = (row: Titled) => row.source === 'email' && row.title !== null

/** Whether the title of an experience with these users is withheld from someone who manages `managed`. */
export const isTitleHidden = (row: Titled, userIds: readonly string[], managed: ManagedUsers) => hasPrivateTitle(row) && !managesAny(managed, userIds)

/**
 * Whom the actor manages, read only when one of these rows has a private title (else undefined:
 * nothing to withhold). Once per request; the check per row is then a set lookup.
 */
export async function managedIfPrivate(db: Db, actor: Actor, rows: readonly Titled[]): Promise<ManagedUsers> {
  return rows.some(hasPrivateTitle) ? managedUserIds(db, actor) : undefined
}

/** The experience as this viewer may see it: without its title when that is private to others. */
export function forViewer(experience: Experience, managed: ManagedUsers): Experience {
  if (!isTitleHidden(experience, experience.userIds, managed)) return experience
  return { ...experience, title: null, titleHidden: true }
}
