import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { ExperienceRow } from '../../db/schema.ts'
import { keyset } from '../../lib/keyset.ts'

export const EXPERIENCE_COLUMNS = [
  'e.id', 'e.org_id', 'e.occurred_at', 'e.kind', 'e.valence', 'e.direction', 'e.initiator', 'e.depth', 'e.title', 'e.notes',
  'e.source', 'e.external_id', 'e.account_id', 'e.created_by', 'e.created_at', 'e.updated_at', 'e.archived_at',
] as const

export type ExperienceValues = {
  occurred_at?: Date
  kind?: string
  valence?: number | null
  direction?: string
  initiator?: string
  depth?: string
  title?: string | null
  notes?: string | null
  source?: string
  external_id?: string | null
  account_id?: string | null
  created_by?: string | null
  archived_at?: Date | null
}

/** Experiences with their participants, aggregated in the same query (no N+1). */
function withParticipants(db: Db, orgId: string) {
  return db
    .selectFrom('experiences as e')
    .select(EXPERIENCE_COLUMNS)
    .select([
      sql<string[]>`coalesce((select array_agg(es.stakeholder_id order by es.stakeholder_id) from experience_stakeholders es where es.org_id = e.org_id and es.experience_id = e.id), '{}')`.as('stakeholder_ids'),
      sql<string[]>`coalesce((select array_agg(eu.user_id order by eu.user_id) from experience_users eu where eu.org_id = e.org_id and eu.experience_id = e.id), '{}')`.as('user_ids'),
    ])
    .where('e.org_id', '=', orgId)
}

export function getExperienceRow(db: Db, orgId: string, id: string) {
  return withParticipants(db, orgId).where('e.id', '=', id).executeTakeFirst()
}

export function findExperienceByExternalId(db: Db, orgId: string, source: string, externalId: string) {
  return db.selectFrom('experiences').select('id').where('org_id', '=', orgId).where('source', '=', source).where('external_id', '=', externalId).executeTakeFirst()
}

/**
 * Insert an experience and its participants in one statement, and return it as getExperienceRow
 * would read it back (participants ordered by id).
 */
export async function insertExperienceWithParticipants(db: Db, orgId: string, values: ExperienceValues & { occurred_at: Date; kind: string }, stakeholderIds: readonly string[], userIds: readonly string[]) {
  const inserted = db.insertInto('experiences').values({ ...values, org_id: orgId }).returningAll()
  const { rows } = await sql<ExperienceRow & { stakeholder_ids: string[]; user_ids: string[] }>`WITH e AS (${inserted}),
      s AS (INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id) SELECT e.org_id, e.id, x FROM e, unnest(${stakeholderIds}::uuid[]) AS x RETURNING stakeholder_id),
      u AS (INSERT INTO experience_users (org_id, experience_id, user_id) SELECT e.org_id, e.id, x FROM e, unnest(${userIds}::uuid[]) AS x RETURNING user_id)
    SELECT e.*, coalesce((SELECT array_agg(stakeholder_id ORDER BY stakeholder_id) FROM s), '{}') AS stakeholder_ids,
      coalesce((SELECT array_agg(user_id ORDER BY user_id) FROM u), '{}') AS user_ids
    FROM e`.execute(db)
  return rows[0]!
}

export async function lockExperienceRow(db: Db, orgId: string, id: string): Promise<void> {
  await db.selectFrom('experiences').select('id').where('org_id', '=', orgId).where('id', '=', id).forUpdate().execute()
}

export function updateExperienceRow(db: Db, orgId: string, id: string, values: ExperienceValues) {
  return db.updateTable('experiences').set({ ...values, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).returning('id').executeTakeFirst()
}

/** Replace the participants of an experience. */
export async function setParticipants(db: Db, orgId: string, experienceId: string, stakeholderIds: string[] | undefined, userIds: string[] | undefined) {
  if (stakeholderIds) {
    await db.deleteFrom('experience_stakeholders').where('org_id', '=', orgId).where('experience_id', '=', experienceId).execute()
    if (stakeholderIds.length) await db.insertInto('experience_stakeholders').values(stakeholderIds.map((s) => ({ org_id: orgId, experience_id: experienceId, stakeholder_id: s }))).execute()
  }
  if (userIds) {
    await db.deleteFrom('experience_users').where('org_id', '=', orgId).where('experience_id', '=', experienceId).execute()
    if (userIds.length) await db.insertInto('experience_users').values(userIds.map((u) => ({ org_id: orgId, experience_id: experienceId, user_id: u }))).execute()
  }
}

export type ExperienceFilter = {
  stakeholderId?: string | undefined
  accountId?: string | undefined
  userId?: string | undefined
  kind?: string | undefined
  source?: string | undefined
  from?: string | undefined
  to?: string | undefined
  includeArchived?: boolean | undefined
}

const BY_OCCURRED = { expr: sql`e.occurred_at`, valueOf: (r: ExperienceRow) => r.occurred_at.toISOString() }

export function listExperienceRows(db: Db, orgId: string, filter: ExperienceFilter, desc: boolean, cursor: string | undefined, limit: number) {
  const page = keyset(BY_OCCURRED, desc, cursor, 'e.id')
  let q = withParticipants(db, orgId).where(page.where)
  if (!filter.includeArchived) q = q.where('e.archived_at', 'is', null)
  if (filter.accountId) q = q.where('e.account_id', '=', filter.accountId)
  if (filter.kind) q = q.where('e.kind', '=', filter.kind)
  if (filter.source) q = q.where('e.source', '=', filter.source)
  if (filter.from) q = q.where('e.occurred_at', '>=', new Date(filter.from))
  if (filter.to) q = q.where('e.occurred_at', '<', new Date(filter.to))
  if (filter.stakeholderId) {
    const id = filter.stakeholderId
    q = q.where('e.id', 'in', (eb) => eb.selectFrom('experience_stakeholders').select('experience_id').where('org_id', '=', orgId).where('stakeholder_id', '=', id))
  }
  if (filter.userId) {
    const id = filter.userId
    q = q.where('e.id', 'in', (eb) => eb.selectFrom('experience_users').select('experience_id').where('org_id', '=', orgId).where('user_id', '=', id))
  }
  return { rows: q.orderBy(page.orderBy).limit(limit + 1).execute(), cursorOf: page.cursorOf }
}

/** Which of these stakeholders (with their account) and users belong to the organisation, in one query. */
export async function findParticipants(db: Db, orgId: string, stakeholderIds: readonly string[], userIds: readonly string[]) {
  const found = { stakeholders: new Map<string, string | null>(), users: new Set<string>() }
  if (stakeholderIds.length + userIds.length === 0) return found
  const { rows } = await sql<{ is_user: boolean; id: string; account_id: string | null }>`
    SELECT false AS is_user, id, account_id FROM stakeholders WHERE org_id = ${orgId} AND id = ANY(${stakeholderIds}::uuid[])
    UNION ALL SELECT true, id, NULL FROM users WHERE org_id = ${orgId} AND id = ANY(${userIds}::uuid[])`.execute(db)
  for (const r of rows) {
    if (r.is_user) found.users.add(r.id)
    else found.stakeholders.set(r.id, r.account_id)
  }
  return found
}
