import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { addFailure } from './report.ts'
import { anyRef, recordRef, requiredUserRef, rewriteUuids, userRef, type Mapper } from './ids.ts'
import { countInserted, type Item, type Local, type Row } from './jsonl-records.ts'

// Everything else an organisation owns, exported table by table as stored (snake_case columns
// without org_id), in foreign-key order, after the API-shaped records (users … experiences) and
// before the audit log. The record type is the table's name. Left out: secrets and what is
// transient or derived (sessions, api_tokens, invitations, calendar_feeds, survey_links, jobs,
// import_jobs, the trust score tables, kpi_snapshots, revenue_monthly, revenue_totals), see
// docs/decisions/0009.

/** How a column is rewritten: a record id, a user that must exist, or a user that may be null. */
type Ref = 'record' | 'user' | 'user?'
export type TableSpec = {
  table: string
  /** The primary key without org_id: export order, and the conflict target of upserts. */
  key: string[]
  refs: Record<string, Ref>
  /**
   * Kept by a trigger from the first insert of its entity (the row for its creation time is
   * written by the import itself): upserted by key, so the file's history wins. `ownUser`: only
   * for users the import created, not users matched by e-mail or not imported (skipped: their
   * history in the target is the target's).
   */
  history?: { ownUser?: string }
}

const ID = ['id']
export const TABLE_SPECS: TableSpec[] = [
  { table: 'account_history', key: ['account_id', 'valid_from'], refs: { account_id: 'record', owner_id: 'user?' }, history: {} },
  { table: 'reporting_lines', key: ['user_id', 'valid_from'], refs: { user_id: 'user', manager_id: 'user?' }, history: { ownUser: 'user_id' } },
  { table: 'email_messages', key: ID, refs: { experience_id: 'record' } },
  { table: 'relationship_plans', key: ID, refs: { account_id: 'record', stakeholder_id: 'record', owner_id: 'user' } },
  { table: 'plan_activities', key: ID, refs: { plan_id: 'record', owner_id: 'user', experience_id: 'record' } },
  { table: 'self_check_questions', key: ID, refs: {} },
  { table: 'self_checks', key: ID, refs: { account_id: 'record', user_id: 'user' } },
  { table: 'close_people', key: ID, refs: { stakeholder_id: 'record' } },
  { table: 'moments', key: ID, refs: { stakeholder_id: 'record', close_person_id: 'record', created_by: 'user?' } },
  { table: 'moment_actions', key: ID, refs: { moment_id: 'record', user_id: 'user', experience_id: 'record' } },
  { table: 'surveys', key: ID, refs: { created_by: 'user?' } },
  { table: 'survey_recipients', key: ID, refs: { survey_id: 'record', stakeholder_id: 'record', user_id: 'user?', account_id: 'record' } },
  { table: 'survey_responses', key: ID, refs: { survey_id: 'record', recipient_id: 'record', stakeholder_id: 'record', account_id: 'record', owner_id: 'user?', team_manager_id: 'user?', experience_id: 'record' } },
  { table: 'follow_ups', key: ID, refs: { response_id: 'record', owner_id: 'user', closed_by: 'user?' } },
  { table: 'escalations', key: ID, refs: { account_id: 'record', stakeholder_id: 'record', owner_id: 'user?', experience_id: 'record', created_by: 'user?' } },
  { table: 'referrals', key: ID, refs: { referrer_id: 'record', referred_account_id: 'record', referred_stakeholder_id: 'record', experience_id: 'record', created_by: 'user?' } },
  { table: 'revenue_entries', key: ID, refs: { account_id: 'record' } },
  { table: 'opportunities', key: ID, refs: { account_id: 'record' } },
  { table: 'reviews', key: ID, refs: { manager_id: 'user', report_id: 'user' } },
  { table: 'review_commitments', key: ID, refs: { review_id: 'record', owner_id: 'user' } },
  { table: 'programmes', key: ID, refs: {} },
  { table: 'programme_members', key: ['programme_id', 'user_id'], refs: { programme_id: 'record', user_id: 'user' } },
]
export const TABLE_TYPES = TABLE_SPECS.map((s) => s.table)
/** Tables of the API-shaped records (src/cli/export.ts) and their participant tables. */
export const API_TABLES = ['users', 'accounts', 'stakeholders', 'relationships', 'experiences', 'experience_stakeholders', 'experience_users', 'audit_log']
/** Tenant tables deliberately not exported: secrets, transient work, and what is derived and rebuilt after an import. */
export const NOT_EXPORTED = ['sessions', 'api_tokens', 'invitations', 'calendar_feeds', 'survey_links', 'jobs', 'import_jobs',
  'relationship_scores', 'stakeholder_scores', 'stakeholder_histories', 'account_scores', 'account_score_queue', 'kpi_snapshots', 'revenue_monthly', 'revenue_totals']
const SPECS = new Map(TABLE_SPECS.map((s) => [s.table, s]))

type Column = { name: string; json: boolean }
const columnCache = new WeakMap<Db, Map<string, Promise<Column[]>>>()

/** A table's stored columns (not org_id, not generated ones), as the database has them. */
function columnsOf(db: Db, table: string): Promise<Column[]> {
  let cache = columnCache.get(db)
  if (!cache) columnCache.set(db, (cache = new Map()))
  let columns = cache.get(table)
  if (!columns) {
    columns = sql<{ column_name: string; data_type: string }>`SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ${table} AND is_generated = 'NEVER' AND column_name <> 'org_id' ORDER BY ordinal_position`
      .execute(db).then((r) => r.rows.map((c) => ({ name: c.column_name, json: c.data_type === 'jsonb' || c.data_type === 'json' })))
    cache.set(table, columns)
  }
  return columns
}

/** A table's rows of one organisation, a page at a time in key order (keyset pages on id, else offset). */
export async function* readTableRows(db: Db, orgId: string, spec: TableSpec, pageSize = 500): AsyncGenerator<Row[]> {
  const columns = (await columnsOf(db, spec.table)).map((c) => sql.ref(c.name))
  const order = sql.join(spec.key.map((k) => sql.ref(k)))
  const keyset = spec.key.length === 1 && spec.key[0] === 'id'
  let after: string | null = null
  for (let offset = 0; ; offset += pageSize) {
    const where: RawBuilder<unknown> = keyset && after ? sql`AND id > ${after}` : sql``
    const page: RawBuilder<unknown> = keyset ? sql`` : sql`OFFSET ${offset}`
    const { rows }: { rows: Row[] } = await sql<Row>`SELECT ${sql.join(columns)} FROM ${sql.table(spec.table)} WHERE org_id = ${orgId} ${where} ORDER BY ${order} LIMIT ${pageSize} ${page}`.execute(db)
    if (rows.length) yield rows
    if (rows.length < pageSize) return
    after = String(rows[rows.length - 1]!.id)
  }
}

export async function countTableRows(db: Db, orgId: string, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE org_id = ${orgId}`.execute(db)
  return Number(rows[0]?.n ?? 0)
}

type Rewritten = { values: unknown[] } | { failure: string } | { skip: true }

/** One stored row with its references rewritten; or why it cannot be imported; or skip (another user's history). */
function rewriteRow(m: Mapper, spec: TableSpec, columns: Column[], data: Row): Rewritten {
  const values: unknown[] = []
  for (const c of columns) {
    const v = data[c.name] ?? null
    const ref = c.name === 'id' ? 'record' : spec.refs[c.name]
    if (spec.history?.ownUser === c.name && (typeof v !== 'string' || userRef(m, v) !== m.record(v))) return { skip: true }
    if (ref === 'record') values.push(recordRef(m, v))
    else if (ref === 'user?') values.push(userRef(m, v))
    else if (ref === 'user') {
      const user = v === null ? null : requiredUserRef(m, v)
      if (user === undefined) return { failure: `its ${c.name} ${String(v)} is a user that was not imported, and the import runs without a user to take it over (--as)` }
      values.push(user)
    } else if (c.json) values.push(v === null ? null : JSON.stringify(rewriteUuids(v, anyRef(m))))
    else values.push(v)
  }
  return { values }
}

/** Insert a batch of one table's records; existing ones (same id or unique key) are skipped, history rows upserted. */
export async function insertTableRows(trx: Db, m: Mapper, table: string, items: Item[], local: Local): Promise<void> {
  const spec = SPECS.get(table)!
  const columns = (await columnsOf(trx, table)).filter((c) => c.name in items[0]!.data)
  const tuples: unknown[][] = []
  for (const item of items) {
    const row = rewriteRow(m, spec, columns, item.data)
    if ('values' in row) tuples.push(row.values)
    else if ('failure' in row) addFailure(local.report, item.where, row.failure)
    else local.report.skippedDuplicate++
  }
  if (!tuples.length) return
  const names = sql.join(['org_id', ...columns.map((c) => c.name)].map((n) => sql.ref(n)))
  const rows = sql.join(tuples.map((t) => sql`(${sql.join([m.orgId, ...t.map((v, i) => (columns[i]!.json && v !== null ? sql`${v}::jsonb` : v))])})`))
  // History: the file's row replaces the one the import's own insert trigger wrote for the same
  // time; counted only when something changed, so a second run counts nothing.
  const rest = columns.filter((c) => !spec.key.includes(c.name)).map((c) => c.name)
  const conflict = spec.history
    ? sql`ON CONFLICT (org_id, ${sql.join(spec.key.map((k) => sql.ref(k)))}) DO UPDATE SET ${sql.join(rest.map((c) => sql`${sql.ref(c)} = EXCLUDED.${sql.ref(c)}`))}
        WHERE ROW(${sql.join(rest.map((c) => sql.ref(`${table}.${c}`)))}) IS DISTINCT FROM ROW(${sql.join(rest.map((c) => sql.ref(`excluded.${c}`)))})`
    : sql`ON CONFLICT DO NOTHING`
  const result = await sql<{ one: number }>`INSERT INTO ${sql.table(table)} (${names}) VALUES ${rows} ${conflict} RETURNING 1 AS one`.execute(trx)
  countInserted(local, table.replace(/_/g, ' '), tuples.length, result.rows.length)
}
