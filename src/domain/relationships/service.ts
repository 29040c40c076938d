import type { Db } from '../../db/connect.ts'
import { forbidden, invalidReference, notFound } from '../../lib/errors.ts'
import { toPage } from '../../lib/pagination.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { getStakeholderRow } from '../stakeholders/queries.ts'
import { refreshTrustAfterWrite } from '../trust/refresh.ts'
import { getUserRow, listSubtreeIds } from '../users/queries.ts'
import { managedUserIds, manages } from '../users/visibility.ts'
import * as q from './queries.ts'
import { toRelationship, type CreateRelationshipBody, type ListRelationshipsQuery, type Relationship, type UpdateRelationshipBody } from './schema.ts'

async function loadManaged(db: Db, actor: Actor, id: string) {
  const row = await q.getRelationshipRow(db, actor.orgId, id)
  if (!row) throw notFound('Relationship')
  const managed = await managedUserIds(db, actor)
  if (!manages(managed, row.user_id)) throw forbidden('Only the relationship\'s owner, their managers and admins can change it')
  return row
}

export async function getRelationship(db: Db, actor: Actor, id: string): Promise<Relationship> {
  const row = await q.getRelationshipRow(db, actor.orgId, id)
  if (!row) throw notFound('Relationship')
  return toRelationship(row, manages(await managedUserIds(db, actor), row.user_id))
}

export async function listRelationships(db: Db, actor: Actor, query: ListRelationshipsQuery) {
  const limit = query.limit ?? 200
  const root = query.subtreeOf === 'me' ? actor.userId : query.subtreeOf
  const userIds = root ? await listSubtreeIds(db, actor.orgId, root) : query.userId ? [query.userId] : undefined
  const { rows, cursorOf } = q.listRelationshipRows(db, actor.orgId, { userIds, stakeholderId: query.stakeholderId, accountId: query.accountId, includeArchived: query.includeArchived }, query.cursor, limit)
  const managed = await managedUserIds(db, actor)
  return toPage(await rows, limit, (r) => toRelationship(r, manages(managed, r.user_id)), cursorOf)
}

export async function createRelationship(db: Db, actor: Actor, body: CreateRelationshipBody): Promise<Relationship> {
  const userId = body.userId ?? actor.userId
  return db.transaction().execute(async (trx) => {
    const user = await getUserRow(trx, actor.orgId, userId)
    if (!user) throw invalidReference('#/userId', 'is not a user of this organisation')
    if (!manages(await managedUserIds(trx, actor), userId)) throw forbidden('You can only create relationships for yourself or, as a manager, your team')
    // A new relationship is a plan for the future: not with someone who has left either side.
    if (user.archived_at) throw invalidReference('#/userId', 'is archived; restore the user first')
    const stakeholder = await getStakeholderRow(trx, actor.orgId, body.stakeholderId)
    if (!stakeholder) throw invalidReference('#/stakeholderId', 'is not a stakeholder of this organisation')
    if (stakeholder.archived_at) throw invalidReference('#/stakeholderId', 'is archived; restore the stakeholder first')
    const row = await q.insertRelationship(trx, actor.orgId, {
      user_id: userId,
      stakeholder_id: body.stakeholderId,
      importance: body.importance,
      cadence_days: body.cadenceDays,
      target_strength: body.targetStrength,
      private_notes: body.privateNotes,
    })
    await refreshTrustAfterWrite(trx, actor.orgId, [row.stakeholder_id], [row.user_id])
    const relationship = toRelationship(row, true)
    await recordAudit(trx, actor, 'relationship.created', 'relationship', row.id, null, relationship)
    return relationship
  })
}

export async function updateRelationship(db: Db, actor: Actor, id: string, body: UpdateRelationshipBody): Promise<Relationship> {
  return db.transaction().execute(async (trx) => {
    const before = await loadManaged(trx, actor, id)
    const row = await q.updateRelationshipRow(trx, actor.orgId, id, { importance: body.importance, cadence_days: body.cadenceDays, target_strength: body.targetStrength, private_notes: body.privateNotes })
    if (!row) throw notFound('Relationship')
    // Cadence and importance change the score, the cold line and the account's weights.
    await refreshTrustAfterWrite(trx, actor.orgId, [row.stakeholder_id], [row.user_id])
    const relationship = toRelationship(row, true)
    await recordAudit(trx, actor, 'relationship.updated', 'relationship', id, toRelationship(before, true), relationship)
    return relationship
  })
}

export async function setRelationshipArchived(db: Db, actor: Actor, id: string, isArchived: boolean): Promise<Relationship> {
  return db.transaction().execute(async (trx) => {
    const before = await loadManaged(trx, actor, id)
    const row = await q.updateRelationshipRow(trx, actor.orgId, id, { archived_at: isArchived ? (before.archived_at ?? new Date()) : null })
    if (!row) throw notFound('Relationship')
    await refreshTrustAfterWrite(trx, actor.orgId, [row.stakeholder_id], [row.user_id])
    const relationship = toRelationship(row, true)
    await recordAudit(trx, actor, isArchived ? 'relationship.archived' : 'relationship.restored', 'relationship', id, toRelationship(before, true), relationship)
    return relationship
  })
}
