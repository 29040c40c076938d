import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { keyset } from '../../lib/keyset.ts'
import type { RelationshipRow } from '../../db/schema.ts'

export const RELATIONSHIP_COLUMNS = ['r.id', 'r.org_id', 'r.user_id', 'r.stakeholder_id', 'r.importance', 'r.cadence_days', 'r.target_strength', 'r.private_notes', 'r.created_at', 'r.updated_at', 'r.archived_at'] as const

export type RelationshipValues = { importance?: number; cadence_days?: number; target_strength?: number; private_notes?: string | null; archived_at?: Date | null }

/**
 * Relationships with the names a screen shows beside them (our person, their stakeholder and
 * account) and their stored trust score (null until first computed).
 */
function withScore(db: Db) {
  return db
    .selectFrom('relationships as r')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'r.org_id').onRef('u.id', '=', 'r.user_id'))
    .innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'r.org_id').onRef('s.id', '=', 'r.stakeholder_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 's.org_id').onRef('a.id', '=', 's.account_id'))
    .leftJoin('relationship_scores as rs', (j) => j.onRef('rs.org_id', '=', 'r.org_id').onRef('rs.relationship_id', '=', 'r.id'))
    .select(RELATIONSHIP_COLUMNS)
    .select(['u.name as user_name', 's.name as stakeholder_name', 's.account_id', 'a.name as account_name'])
    .select(['rs.score', 'rs.state', 'rs.last_meaningful_at', 'rs.computed_at as score_computed_at'])
}
export type RelationshipWithScoreRow = RelationshipRow & RelationshipNames & { score: number | null; state: string | null; last_meaningful_at: Date | null; score_computed_at: Date | null }
export type RelationshipNames = { user_name: string; stakeholder_name: string; account_id: string | null; account_name: string | null }

export function getRelationshipRow(db: Db, orgId: string, id: string) {
  return withScore(db).where('r.org_id', '=', orgId).where('r.id', '=', id).executeTakeFirst()
}

export async function insertRelationship(db: Db, orgId: string, values: RelationshipValues & { user_id: string; stakeholder_id: string }) {
  const { id } = await db.insertInto('relationships').values({ ...values, org_id: orgId }).returning('id').executeTakeFirstOrThrow()
  return (await getRelationshipRow(db, orgId, id))!
}

export async function updateRelationshipRow(db: Db, orgId: string, id: string, values: RelationshipValues) {
  const row = await db.updateTable('relationships').set({ ...values, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).returning('id').executeTakeFirst()
  return row ? getRelationshipRow(db, orgId, id) : undefined
}

const BY_CREATED = { expr: sql`r.created_at`, valueOf: (r: RelationshipRow) => r.created_at.toISOString() }

export type RelationshipFilter = { userIds?: string[] | undefined; stakeholderId?: string | undefined; accountId?: string | undefined; includeArchived?: boolean | undefined }

export function listRelationshipRows(db: Db, orgId: string, filter: RelationshipFilter, cursor: string | undefined, limit: number) {
  const page = keyset(BY_CREATED, false, cursor, 'r.id')
  let q = withScore(db).where('r.org_id', '=', orgId).where(page.where)
  if (!filter.includeArchived) q = q.where('r.archived_at', 'is', null)
  if (filter.userIds) q = filter.userIds.length ? q.where('r.user_id', 'in', filter.userIds) : q.where(sql<boolean>`false`)
  if (filter.stakeholderId) q = q.where('r.stakeholder_id', '=', filter.stakeholderId)
  if (filter.accountId) {
    const accountId = filter.accountId
    q = q.where('r.stakeholder_id', 'in', (eb) => eb.selectFrom('stakeholders').select('id').where('org_id', '=', orgId).where('account_id', '=', accountId))
  }
  return { rows: q.orderBy(page.orderBy).limit(limit + 1).execute(), cursorOf: page.cursorOf }
}
