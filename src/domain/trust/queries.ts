import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'

/** The columns the trust model reads, plus what an explanation shows. */
const EXPERIENCE_FIELDS = ['e.id', 'e.occurred_at', 'e.kind', 'e.valence', 'e.direction', 'e.initiator', 'e.depth', 'e.source', 'e.title'] as const

export type TrustExperienceRow = {
  id: string
  occurred_at: Date
  kind: string
  valence: number | null
  direction: string
  initiator: string
  depth: string
  source: string
  title: string | null
}

/** Every active experience shared by each relationship's user and stakeholder, tagged with the relationship. */
export function listRelationshipExperienceRows(db: Db, orgId: string, relationshipIds: string[], asOf: Date) {
  if (relationshipIds.length === 0) return Promise.resolve([] as (TrustExperienceRow & { relationship_id: string })[])
  return db
    .selectFrom('relationships as r')
    .innerJoin('experience_stakeholders as es', (j) => j.onRef('es.org_id', '=', 'r.org_id').onRef('es.stakeholder_id', '=', 'r.stakeholder_id'))
    .innerJoin('experience_users as eu', (j) => j.onRef('eu.org_id', '=', 'r.org_id').onRef('eu.experience_id', '=', 'es.experience_id').onRef('eu.user_id', '=', 'r.user_id'))
    .innerJoin('experiences as e', (j) => j.onRef('e.org_id', '=', 'r.org_id').onRef('e.id', '=', 'es.experience_id'))
    .select(['r.id as relationship_id', ...EXPERIENCE_FIELDS])
    .where('r.org_id', '=', orgId)
    .where('r.id', 'in', relationshipIds)
    .where('e.archived_at', 'is', null)
    .where('e.occurred_at', '<=', asOf)
    .execute()
}

/** Every active experience of each stakeholder, with any of our people. */
export function listStakeholderExperienceRows(db: Db, orgId: string, stakeholderIds: string[], asOf: Date) {
  if (stakeholderIds.length === 0) return Promise.resolve([] as (TrustExperienceRow & { stakeholder_id: string })[])
  return db
    .selectFrom('experience_stakeholders as es')
    .innerJoin('experiences as e', (j) => j.onRef('e.org_id', '=', 'es.org_id').onRef('e.id', '=', 'es.experience_id'))
    .select(['es.stakeholder_id', ...EXPERIENCE_FIELDS])
    .where('es.org_id', '=', orgId)
    .where('es.stakeholder_id', 'in', stakeholderIds)
    .where('e.archived_at', 'is', null)
    .where('e.occurred_at', '<=', asOf)
    .execute()
}

export function listRelationshipParams(db: Db, orgId: string, relationshipIds: string[]) {
  if (relationshipIds.length === 0) return Promise.resolve([])
  return db.selectFrom('relationships').select(['id', 'user_id', 'stakeholder_id', 'cadence_days', 'importance']).where('org_id', '=', orgId).where('id', 'in', relationshipIds).execute()
}

/** The relationships between any of these users and any of these stakeholders. */
export async function listRelationshipIdsForPairs(db: Db, orgId: string, userIds: string[], stakeholderIds: string[]): Promise<string[]> {
  if (userIds.length === 0 || stakeholderIds.length === 0) return []
  const rows = await db.selectFrom('relationships').select('id').where('org_id', '=', orgId).where('user_id', 'in', userIds).where('stakeholder_id', 'in', stakeholderIds).execute()
  return rows.map((r) => r.id)
}

/** Per stakeholder: the shortest cadence and highest importance among its active relationships, and its influence and account. */
export function listStakeholderParams(db: Db, orgId: string, stakeholderIds: string[]) {
  if (stakeholderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('stakeholders as s')
    .leftJoin('relationships as r', (j) => j.onRef('r.org_id', '=', 's.org_id').onRef('r.stakeholder_id', '=', 's.id').on('r.archived_at', 'is', null))
    .select(['s.id', 's.account_id', 's.influence', sql<number | null>`min(r.cadence_days)`.as('cadence_days'), sql<number | null>`max(r.importance)`.as('importance')])
    .where('s.org_id', '=', orgId)
    .where('s.id', 'in', stakeholderIds)
    .groupBy(['s.id', 's.account_id', 's.influence'])
    .execute()
}

export async function listAccountIdsOfStakeholders(db: Db, orgId: string, stakeholderIds: string[]): Promise<string[]> {
  if (stakeholderIds.length === 0) return []
  const rows = await db.selectFrom('stakeholders').select('account_id').distinct().where('org_id', '=', orgId).where('id', 'in', stakeholderIds).where('account_id', 'is not', null).execute()
  return rows.map((r) => r.account_id!)
}

/** Scored, active stakeholders of each account with their weight inputs. */
export function listAccountStakeholderScores(db: Db, orgId: string, accountIds: string[]) {
  if (accountIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('stakeholders as s')
    .innerJoin('stakeholder_scores as ss', (j) => j.onRef('ss.org_id', '=', 's.org_id').onRef('ss.stakeholder_id', '=', 's.id'))
    .leftJoin('relationships as r', (j) => j.onRef('r.org_id', '=', 's.org_id').onRef('r.stakeholder_id', '=', 's.id').on('r.archived_at', 'is', null))
    .select(['s.id', 's.account_id', 's.influence', 'ss.score', 'ss.score_28d', 'ss.state', 'ss.experience_count', sql<number | null>`max(r.importance)`.as('importance')])
    .where('s.org_id', '=', orgId)
    .where('s.account_id', 'in', accountIds)
    .where('s.archived_at', 'is', null)
    .where('ss.experience_count', '>', 0)
    .groupBy(['s.id', 's.account_id', 's.influence', 'ss.score', 'ss.score_28d', 'ss.state', 'ss.experience_count'])
    .execute()
}

export type RelationshipScoreValues = { relationship_id: string; score: number; score_28d: number; state: string; last_meaningful_at: Date | null; experience_count: number; computed_at: Date }
export type StakeholderScoreValues = { stakeholder_id: string; score: number; score_28d: number; state: string; last_meaningful_at: Date | null; cadence_days: number; experience_count: number; computed_at: Date }
export type AccountScoreValues = { account_id: string; score: number; score_28d: number; state: string; stakeholder_count: number; computed_at: Date }

export async function upsertRelationshipScores(db: Db, orgId: string, rows: RelationshipScoreValues[]) {
  if (rows.length === 0) return
  await db
    .insertInto('relationship_scores')
    .values(rows.map((r) => ({ ...r, org_id: orgId })))
    .onConflict((oc) =>
      oc.columns(['org_id', 'relationship_id']).doUpdateSet((eb) => ({
        score: eb.ref('excluded.score'), score_28d: eb.ref('excluded.score_28d'), state: eb.ref('excluded.state'),
        last_meaningful_at: eb.ref('excluded.last_meaningful_at'), experience_count: eb.ref('excluded.experience_count'), computed_at: eb.ref('excluded.computed_at'),
      })),
    )
    .execute()
}

export async function upsertStakeholderScores(db: Db, orgId: string, rows: StakeholderScoreValues[]) {
  if (rows.length === 0) return
  await db
    .insertInto('stakeholder_scores')
    .values(rows.map((r) => ({ ...r, org_id: orgId })))
    .onConflict((oc) =>
      oc.columns(['org_id', 'stakeholder_id']).doUpdateSet((eb) => ({
        score: eb.ref('excluded.score'), score_28d: eb.ref('excluded.score_28d'), state: eb.ref('excluded.state'), last_meaningful_at: eb.ref('excluded.last_meaningful_at'),
        cadence_days: eb.ref('excluded.cadence_days'), experience_count: eb.ref('excluded.experience_count'), computed_at: eb.ref('excluded.computed_at'),
      })),
    )
    .execute()
}

export async function upsertAccountScores(db: Db, orgId: string, rows: AccountScoreValues[]) {
  if (rows.length === 0) return
  await db
    .insertInto('account_scores')
    .values(rows.map((r) => ({ ...r, org_id: orgId })))
    .onConflict((oc) =>
      oc.columns(['org_id', 'account_id']).doUpdateSet((eb) => ({
        score: eb.ref('excluded.score'), score_28d: eb.ref('excluded.score_28d'), state: eb.ref('excluded.state'),
        stakeholder_count: eb.ref('excluded.stakeholder_count'), computed_at: eb.ref('excluded.computed_at'),
      })),
    )
    .execute()
}

export async function deleteAccountScores(db: Db, orgId: string, accountIds: string[]) {
  if (accountIds.length === 0) return
  await db.deleteFrom('account_scores').where('org_id', '=', orgId).where('account_id', 'in', accountIds).execute()
}

/** Ids in pages, for a full recompute: relationships, stakeholders or accounts after `afterId`. */
export async function listIdsPage(db: Db, orgId: string, table: 'relationships' | 'stakeholders' | 'accounts', afterId: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom(table).select('id').where('org_id', '=', orgId)
  if (afterId) q = q.where('id', '>', afterId)
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id)
}

export async function countRows(db: Db, orgId: string, table: 'relationships' | 'stakeholders' | 'accounts'): Promise<number> {
  const row = await db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Relationships whose stored score is older than `before` (or missing), oldest first. */
export async function listStaleRelationships(db: Db, before: Date, limit: number) {
  return db
    .selectFrom('relationships as r')
    .leftJoin('relationship_scores as rs', (j) => j.onRef('rs.org_id', '=', 'r.org_id').onRef('rs.relationship_id', '=', 'r.id'))
    .select(['r.org_id', 'r.id', 'r.stakeholder_id'])
    .where((eb) => eb.or([eb('rs.computed_at', 'is', null), eb('rs.computed_at', '<', before)]))
    .orderBy(sql`rs.computed_at nulls first`)
    .limit(limit)
    .execute()
}

export async function listStaleStakeholders(db: Db, before: Date, limit: number) {
  return db
    .selectFrom('stakeholder_scores')
    .select(['org_id', 'stakeholder_id'])
    .where('computed_at', '<', before)
    .orderBy('computed_at')
    .limit(limit)
    .execute()
}
