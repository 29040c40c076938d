import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { AccountRow } from '../../db/schema.ts'
import { keyset, type SortSpec } from '../../lib/keyset.ts'

export const ACCOUNT_COLUMNS = ['a.id', 'a.org_id', 'a.name', 'a.domains', 'a.tier', 'a.industry', 'a.owner_id', 'a.status', 'a.notes', 'a.created_at', 'a.updated_at', 'a.archived_at'] as const

export type AccountWithScoreRow = AccountRow & { score: number | null; state: string | null }

/** Accounts with their stored trust score (null when no stakeholder has history yet). */
function withScore(db: Db) {
  return db
    .selectFrom('accounts as a')
    .leftJoin('account_scores as sc', (j) => j.onRef('sc.org_id', '=', 'a.org_id').onRef('sc.account_id', '=', 'a.id'))
    .select(ACCOUNT_COLUMNS)
    .select(['sc.score', 'sc.state'])
}

export type AccountValues = { name?: string; domains?: string[]; tier?: string; industry?: string | null; owner_id?: string | null; status?: string; notes?: string | null }

export const ACCOUNT_SORT_SPECS: Record<string, SortSpec<AccountWithScoreRow>> = {
  name: { expr: sql`lower(a.name)`, valueOf: (r) => r.name.toLowerCase() },
  updatedAt: { expr: sql`a.updated_at`, valueOf: (r) => r.updated_at.toISOString() },
  createdAt: { expr: sql`a.created_at`, valueOf: (r) => r.created_at.toISOString() },
  // Unscored accounts sort below every scored one.
  trust: { expr: sql`coalesce(sc.score, -1)`, valueOf: (r) => r.score ?? -1 },
}

export function getAccountRow(db: Db, orgId: string, id: string) {
  return withScore(db).where('a.org_id', '=', orgId).where('a.id', '=', id).executeTakeFirst()
}

export async function insertAccount(db: Db, orgId: string, values: AccountValues & { name: string }) {
  const { id } = await db.insertInto('accounts').values({ ...values, org_id: orgId }).returning('id').executeTakeFirstOrThrow()
  return (await getAccountRow(db, orgId, id))!
}

export async function updateAccountRow(db: Db, orgId: string, id: string, values: AccountValues & { archived_at?: Date | null }) {
  const row = await db.updateTable('accounts').set({ ...values, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).returning('id').executeTakeFirst()
  return row ? getAccountRow(db, orgId, id) : undefined
}

export type AccountFilter = { q?: string | undefined; tier?: string | undefined; status?: string | undefined; ownerId?: string | undefined; includeArchived?: boolean | undefined }

export function listAccountRows(db: Db, orgId: string, filter: AccountFilter, sort: { spec: string; desc: boolean }, cursor: string | undefined, limit: number) {
  const spec = ACCOUNT_SORT_SPECS[sort.spec] ?? ACCOUNT_SORT_SPECS.name!
  const page = keyset(spec, sort.desc, cursor, 'a.id')
  let q = withScore(db).where('a.org_id', '=', orgId).where(page.where)
  if (!filter.includeArchived) q = q.where('a.archived_at', 'is', null)
  if (filter.tier) q = q.where('a.tier', '=', filter.tier)
  if (filter.status) q = q.where('a.status', '=', filter.status)
  if (filter.ownerId) q = q.where('a.owner_id', '=', filter.ownerId)
  if (filter.q) {
    const term = filter.q.toLowerCase()
    q = q.where(sql<boolean>`(lower(a.name) like ${`%${escapeLike(term)}%`} or ${term} = any(a.domains))`)
  }
  return { rows: q.orderBy(page.orderBy).limit(limit + 1).execute(), cursorOf: page.cursorOf }
}

/** Accounts whose domains include one of these (for matching people to companies by email domain). */
export function findAccountsByDomain(db: Db, orgId: string, domains: string[]) {
  if (domains.length === 0) return Promise.resolve([])
  return withScore(db).where('a.org_id', '=', orgId).where(sql<boolean>`a.domains && ${sql.val(domains)}::text[]`).execute()
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}
