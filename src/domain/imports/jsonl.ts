import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { createInterface } from 'node:readline'
import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { actingUserId, addFailure, emptyReport, mergeReport, type ImportReport } from './report.ts'
import type { ImportContext } from './importers.ts'
import { anyRef, idMapping, rewriteUuids, type Mapper } from './ids.ts'
import { insertRecords, type Item, type Local, type Row } from './jsonl-records.ts'
import { insertTableRows, TABLE_TYPES } from './export-tables.ts'
import { rebuildSnapshots } from '../kpis/history.ts'
import { recomputeOrganisation } from '../trust/refresh.ts'

// Re-import of `tend export` (JSON lines, one `{"type":…,"data":{…}}` per record) into an
// organisation. Into the exported organisation itself records keep their ids; into any other
// (another server, or another organisation on this one) every id is rewritten to a UUIDv5 of
// the old one in the target organisation's namespace (ids.ts), with every reference, so running
// it again skips what is there. Users are matched by e-mail (they come without passwords: they
// sign in after an invitation or `tend user password`). Each batch is one transaction; a batch
// that fails is retried record by record, and the records that still fail are reported with
// file:line and the rest goes on. Scores and KPI snapshots are recomputed at the end.

const BATCH = 500
export const RECORD_ORDER = ['organisation', 'user', 'account', 'stakeholder', 'relationship', 'experience', ...TABLE_TYPES, 'audit']
const TABLES = new Set(TABLE_TYPES)

type State = { mapper: Mapper | null; managers: [string, string][]; reportsTo: [string, string][]; settings: Row | null }

const newLocal = (): Local => ({ report: emptyReport(), users: new Map(), managers: [], reportsTo: [] })
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err))

const CORE_TABLES = ['users', 'accounts', 'stakeholders', 'relationships', 'experiences', 'experience_stakeholders', 'experience_users']

/**
 * The inserts' conflict and foreign-key checks are only fast with index probes, which the planner
 * picks only with statistics: in a new database (or an embedded one, with no autovacuum) a 22,000
 * experience import took 157 s instead of 6. Before each batch, a table it writes or checks that
 * was never analysed, or has grown to more than twice the pages it had when it last was, is
 * analysed (as the contacts import does): a few runs in a whole import.
 */
async function freshenStatistics(db: Db, type: string) {
  const tables = TABLES.has(type) ? [...CORE_TABLES, type] : CORE_TABLES
  const { rows } = await sql<{ name: string; reltuples: number; relpages: number; pages: number }>`
    SELECT c.relname AS name, c.reltuples::float8 AS reltuples, c.relpages::int AS relpages,
      (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
    FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname = ANY(${tables})`.execute(db)
  const stale = rows.filter((r) => Number(r.reltuples) < 0 || Number(r.pages) > 2 * Number(r.relpages) + 8).map((r) => r.name)
  if (stale.length) await sql`ANALYZE ${sql.join(stale.map((t) => sql.table(t)))}`.execute(db)
}

/** Insert a batch in one transaction; if it fails, each record alone, reporting the ones that fail. */
async function runBatch(db: Db, m: Mapper, type: string, items: Item[], state: State, report: ImportReport): Promise<void> {
  const local = newLocal()
  try {
    await db.transaction().execute((trx) => (TABLES.has(type) ? insertTableRows(trx, m, type, items, local) : insertRecords(trx, m, type, items, local)))
  } catch (err) {
    if (items.length === 1) return void addFailure(report, items[0]!.where, reason(err))
    for (const item of items) await runBatch(db, m, type, [item], state, report)
    return
  }
  mergeReport(report, local.report)
  for (const [k, v] of local.users) m.users.set(k, v)
  state.managers.push(...local.managers)
  state.reportsTo.push(...local.reportsTo)
}

/** Managers before the people who report to them, so each user is created with their manager (no later update, no extra reporting line). */
function managersFirst(items: Item[]): Item[] {
  const byId = new Map(items.map((i) => [String(i.data.id), i]))
  const depth = new Map<Item, number>()
  const depthOf = (item: Item, seen: Set<Item>): number => {
    const known = depth.get(item)
    if (known !== undefined) return known
    const manager = byId.get(String(item.data.managerId))
    const d = manager && !seen.has(manager) ? depthOf(manager, seen.add(item)) + 1 : 0
    depth.set(item, d)
    return d
  }
  for (const item of items) depthOf(item, new Set())
  return [...items].sort((a, b) => depth.get(a)! - depth.get(b)!)
}

/** Users' managers that were not known when they were created (a cycle), then stakeholders' reports-to. */
async function applyDeferred(db: Db, m: Mapper, state: State) {
  const { managers, reportsTo } = state
  state.managers = []
  state.reportsTo = []
  if (!managers.length && !reportsTo.length) return
  await db.transaction().execute(async (trx) => {
    for (const [userId, managerId] of managers) {
      const manager = m.users.get(managerId)
      if (manager) await trx.updateTable('users').set({ manager_id: manager }).where('org_id', '=', m.orgId).where('id', '=', userId).where('manager_id', 'is', null).execute()
    }
    // One statement for every stakeholder's reports-to, to a stakeholder that was imported.
    if (reportsTo.length) {
      await sql`UPDATE stakeholders s SET reports_to_id = d.boss
        FROM unnest(${reportsTo.map(([id]) => id)}::uuid[], ${reportsTo.map(([, boss]) => boss)}::uuid[]) AS d(id, boss)
        WHERE s.org_id = ${m.orgId} AND s.id = d.id AND s.reports_to_id IS NULL
          AND EXISTS (SELECT 1 FROM stakeholders b WHERE b.org_id = ${m.orgId} AND b.id = d.boss)`.execute(trx)
    }
  })
}

/** The importer of the dispatch table for a `tend export` file. */
export async function importExportFile(ctx: ImportContext, path: string): Promise<ImportReport> {
  const report = emptyReport()
  const name = basename(path)
  const state: State = { mapper: null, managers: [], reportsTo: [], settings: null }
  // A file without its organisation record (cut by hand) keeps ids, as before ids were rewritten.
  const mapper = () => (state.mapper ??= { ...idMapping(ctx.orgId, ctx.orgId), orgId: ctx.orgId, users: new Map(), actingUserId: actingUserId(ctx.actor) })
  let pending: { type: string; items: Item[] } = { type: '', items: [] }
  const flush = async () => {
    if (!pending.items.length) return
    const { type, items } = pending
    pending = { type, items: [] }
    // Stakeholders' reporting lines and late managers once their section is complete, before what refers to them.
    if (type !== 'user' && type !== 'stakeholder') await applyDeferred(ctx.db, mapper(), state)
    await freshenStatistics(ctx.db, type)
    await runBatch(ctx.db, mapper(), type, type === 'user' ? managersFirst(items) : items, state, report)
    ctx.onProgress?.({ records: items.length, bytes: 0 })
  }
  let line = 0
  let lastOrder = 0
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line++
    if (!text.trim()) continue
    let record: { type?: unknown; data?: unknown }
    try {
      record = JSON.parse(text) as { type?: unknown; data?: unknown }
    } catch {
      addFailure(report, `${name}:${line}`, 'not a JSON line')
      continue
    }
    const type = typeof record.type === 'string' ? record.type : ''
    const order = RECORD_ORDER.indexOf(type)
    if (order < 0 || typeof record.data !== 'object' || record.data === null || Array.isArray(record.data)) {
      addFailure(report, `${name}:${line}`, `not an export record (type "${type}")`)
      continue
    }
    if (order < lastOrder) {
      addFailure(report, `${name}:${line}`, `a ${type} after the ${RECORD_ORDER[lastOrder]} records: the file is not in export order`)
      continue
    }
    lastOrder = order
    const data = record.data as Row
    if (type === 'organisation') {
      if (state.mapper) addFailure(report, `${name}:${line}`, 'a second organisation record: one organisation per file')
      else state.mapper = { ...idMapping(typeof data.id === 'string' ? data.id : null, ctx.orgId), orgId: ctx.orgId, users: new Map(), actingUserId: actingUserId(ctx.actor) }
      if (data.settings && typeof data.settings === 'object') state.settings = data.settings as Row
      continue
    }
    // Users are few and go in one batch, managers first.
    if (type !== pending.type || (type !== 'user' && pending.items.length >= BATCH)) await flush()
    pending.type = type
    pending.items.push({ where: `${name}:${line}`, data })
  }
  await flush()
  await applyDeferred(ctx.db, mapper(), state)
  await ctx.db.transaction().execute(async (trx) => {
    // Settings the target does not have yet come from the file (the target's own win).
    if (state.settings) await trx.updateTable('organisations').set({ settings: sql<string>`${JSON.stringify(rewriteUuids(state.settings, anyRef(mapper())))}::jsonb || settings` }).where('id', '=', ctx.orgId).execute()
    await trx.insertInto('audit_log').values({ org_id: ctx.orgId, actor_id: actingUserId(ctx.actor), action: 'export.imported', entity_type: 'organisation', entity_id: ctx.orgId, before: null, after: JSON.stringify({ file: name, created: report.created, failed: report.failed }) }).execute()
  })
  // What is derived is rebuilt, not imported: trust scores, then the weekly KPI snapshots (the revenue
  // rollup follows revenue_entries by trigger). With stale statistics the recompute's history
  // query of a demo-sized organisation took minutes instead of a second.
  await freshenStatistics(ctx.db, '')
  await recomputeOrganisation(ctx.db, ctx.orgId, new Date())
  await rebuildSnapshots(ctx.db, ctx.orgId)
  return report
}
