import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { StakeholderRow } from '../../db/schema.ts'
import { keyset, type SortSpec } from '../../lib/keyset.ts'
import { escapeLike } from '../accounts/queries.ts'

export const STAKEHOLDER_COLUMNS = [
  's.id', 's.org_id', 's.account_id', 's.name', 's.emails', 's.phones', 's.title', 's.reports_to_id', 's.influence', 's.attitude',
  's.goals', 's.pains', 's.interests', 's.personal_notes', 's.has_consent', 's.consent_at', 's.search_text', 's.created_at', 's.updated_at', 's.archived_at',
] as const

export type StakeholderValues = {
  account_id?: string | null
  name?: string
  emails?: string[]
  phones?: string[]
  title?: string | null
  reports_to_id?: string | null
  influence?: number
  attitude?: string
  goals?: string | null
  pains?: string | null
  interests?: string | null
  personal_notes?: string | null
  has_consent?: boolean
  consent_at?: Date | null
  search_text?: string
  archived_at?: Date | null
}

const SORTS: Record<string, SortSpec<StakeholderRow>> = {
  name: { expr: sql`lower(s.name)`, valueOf: (r) => r.name.toLowerCase() },
  updatedAt: { expr: sql`s.updated_at`, valueOf: (r) => r.updated_at.toISOString() },
  createdAt: { expr: sql`s.created_at`, valueOf: (r) => r.created_at.toISOString() },
  influence: { expr: sql`s.influence`, valueOf: (r) => r.influence },
}

function withAccount(db: Db) {
  return db
    .selectFrom('stakeholders as s')
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 's.org_id').onRef('a.id', '=', 's.account_id'))
    .select([...STAKEHOLDER_COLUMNS, 'a.name as account_name'])
}

export function getStakeholderRow(db: Db, orgId: string, id: string) {
  return withAccount(db).where('s.org_id', '=', orgId).where('s.id', '=', id).executeTakeFirst()
}

export async function insertStakeholder(db: Db, orgId: string, values: StakeholderValues & { name: string }) {
  const { id } = await db.insertInto('stakeholders').values({ ...values, org_id: orgId }).returning('id').executeTakeFirstOrThrow()
  return (await getStakeholderRow(db, orgId, id))!
}

export async function updateStakeholderRow(db: Db, orgId: string, id: string, values: StakeholderValues) {
  const updated = await db.updateTable('stakeholders').set({ ...values, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).returning('id').executeTakeFirst()
  return updated ? getStakeholderRow(db, orgId, id) : undefined
}

export type StakeholderFilter = { q?: string | undefined; accountId?: string | undefined; attitude?: string | undefined; minInfluence?: number | undefined; email?: string | undefined; includeArchived?: boolean | undefined }

/**
 * Search matches name, emails and title (trigram index) or the company name (trigram index on
 * accounts). Written as `id IN (… UNION ALL …)` rather than an OR: with the OR, PostgreSQL
 * cannot combine the two trigram indexes and walks every stakeholder in name order instead
 * (25 ms at 30k stakeholders and growing; under a millisecond this way).
 */
function matchesSearch(orgId: string, term: string) {
  const pattern = `%${escapeLike(term.toLowerCase())}%`
  return sql<boolean>`s.id IN (
    SELECT id FROM stakeholders WHERE org_id = ${orgId} AND search_text LIKE ${pattern}
    UNION ALL
    SELECT x.id FROM stakeholders x JOIN accounts y ON y.org_id = x.org_id AND y.id = x.account_id WHERE y.org_id = ${orgId} AND lower(y.name) LIKE ${pattern})`
}

export function listStakeholderRows(db: Db, orgId: string, filter: StakeholderFilter, sort: { spec: string; desc: boolean }, cursor: string | undefined, limit: number) {
  const spec = SORTS[sort.spec] ?? SORTS.name!
  const page = keyset(spec, sort.desc, cursor, 's.id')
  let q = withAccount(db).where('s.org_id', '=', orgId).where(sql<boolean>`${page.where}`)
  if (!filter.includeArchived) q = q.where('s.archived_at', 'is', null)
  if (filter.accountId) q = q.where('s.account_id', '=', filter.accountId)
  if (filter.attitude) q = q.where('s.attitude', '=', filter.attitude)
  if (filter.minInfluence) q = q.where('s.influence', '>=', filter.minInfluence)
  if (filter.email) q = q.where(sql<boolean>`${filter.email.toLowerCase()} = any(s.emails)`)
  if (filter.q) q = q.where(matchesSearch(orgId, filter.q))
  return { rows: q.orderBy(page.orderBy).limit(limit + 1).execute(), cursorOf: page.cursorOf }
}

/** The chain of people a stakeholder reports to, nearest first (bounded, so a bad loop cannot hang). */
export async function listReportingChain(db: Db, orgId: string, id: string): Promise<string[]> {
  const rows = await db
    .withRecursive('chain(id, depth)', (qc) =>
      qc
        .selectFrom('stakeholders')
        .select(['reports_to_id as id', sql<number>`1`.as('depth')])
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('reports_to_id', 'is not', null)
        .unionAll((qb) =>
          qb
            .selectFrom('stakeholders as s')
            .innerJoin('chain as c', 'c.id', 's.id')
            .select(['s.reports_to_id as id', sql<number>`c.depth + 1`.as('depth')])
            .where('s.org_id', '=', orgId)
            .where('s.reports_to_id', 'is not', null)
            .where(sql<boolean>`c.depth < 50`),
        ),
    )
    .selectFrom('chain')
    .select('id')
    .execute()
  return rows.map((r) => r.id as string)
}
