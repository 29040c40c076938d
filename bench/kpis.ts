// npm run bench:kpis — organisation dashboards over millions of experiences and five years of
// weekly snapshots on PostgreSQL. Generates synthetic rows set-based (INSERT … SELECT FROM
// generate_series, in chunks) in a fresh database (tend_bench_kpis), then times every dashboard
// query as the API runs it (the service functions) against a plain aggregate scan of the
// experiences.
//
// BENCH_DATABASE_URL   server to use (default postgres://postgres@127.0.0.1:5432/postgres)
// BENCH_EXPERIENCES    experiences to generate (default 10,000,000)
// BENCH_RUNS           timed runs per query (default 40)
// BENCH_REUSE=1        time the queries again on the database the last run generated
import { cpus, loadavg, totalmem } from 'node:os'
import { performance } from 'node:perf_hooks'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { connect } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { Database } from '../src/db/schema.ts'
import type { Actor } from '../src/domain/auth/roles.ts'
import { getBreakdown, getRoi, getSeries } from '../src/domain/kpis/service.ts'
import { getOutcomesReport } from '../src/domain/outcomes/service.ts'
import { getProgress } from '../src/domain/programmes/service.ts'

const BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const TARGET = Number(process.env.BENCH_EXPERIENCES ?? 10_000_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 40)
const DB_NAME = 'tend_bench_kpis'
const WEEKS = 261 // five years of Mondays
const USERS = 1000 // 10 directors, 90 managers, 900 reps
const ACCOUNTS = 5000
const OPPORTUNITIES = 100_000 // leads, opportunities and RFPs: 20 per account over five years
const CHUNK = 1_000_000

const log = (s: string) => console.log(s)
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1)
const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ')

async function recreateDatabase() {
  const admin = new pg.Client({ connectionString: BASE })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME}`)
  await admin.query(`CREATE DATABASE ${DB_NAME}`)
  await admin.end()
  const url = new URL(BASE)
  url.pathname = `/${DB_NAME}`
  return url.toString()
}

function pct(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
async function time(label: string, runs: number, fn: () => Promise<unknown>) {
  await fn() // warm
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  ms.sort((a, b) => a - b)
  return { label, p50: pct(ms, 50), p99: pct(ms, 99) }
}

/**
 * Bulk-load a table the way one restores a dump: drop its keys, indexes and the foreign keys
 * pointing at it, load, then build them all again (validating every row) and ANALYZE. A bench
 * fixture only: the product itself always writes with its indexes in place.
 */
async function withoutIndexes(db: Kysely<Database>, table: string, fill: () => Promise<void>) {
  type Def = { tbl: string; name: string; def: string }
  const q = async (text: string) => (await sql.raw<Def>(text).execute(db)).rows
  const incoming = await q(`SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE confrelid = '${table}'::regclass AND conrelid <> '${table}'::regclass AND contype = 'f'`)
  const foreign = await q(`SELECT '${table}' AS tbl, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${table}'::regclass AND contype = 'f'`)
  const keys = await q(`SELECT '${table}' AS tbl, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${table}'::regclass AND contype IN ('p', 'u') ORDER BY contype`)
  const indexes = await q(`SELECT '${table}' AS tbl, indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def FROM pg_index i
    WHERE indrelid = '${table}'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))`)
  for (const c of [...incoming, ...foreign, ...keys]) await sql.raw(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`).execute(db)
  for (const i of indexes) await sql.raw(`DROP INDEX ${i.name}`).execute(db)
  await fill()
  const t0 = performance.now()
  for (const c of keys) await sql.raw(`ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`).execute(db)
  for (const i of indexes) await sql.raw(i.def).execute(db)
  for (const c of [...foreign, ...incoming]) await sql.raw(`ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`).execute(db)
  await sql.raw(`ANALYZE ${table}`).execute(db)
  log(`${table}: ${keys.length} keys, ${indexes.length} indexes, ${foreign.length + incoming.length} foreign keys rebuilt in ${secs(t0)} s`)
}

const REUSE = process.env.BENCH_REUSE === '1'
const reuseUrl = new URL(BASE)
reuseUrl.pathname = `/${DB_NAME}`
const url = REUSE ? reuseUrl.toString() : await recreateDatabase()
const handle = await connect({ databaseUrl: url, poolSize: 4 })
const db = handle.db
await migrateToLatest(db)
const t0 = performance.now()
const existing = REUSE ? await db.selectFrom('organisations').select('id').where('slug', '=', 'bench').executeTakeFirst() : undefined
if (REUSE && !existing) throw new Error('BENCH_REUSE=1 but no bench organisation: run without it first')
const org = existing ?? await db.insertInto('organisations').values({ name: 'Bench', slug: 'bench' }).returning('id').executeTakeFirstOrThrow()
const orgId = org.id
const uid = (n: string) => sql.raw(`md5('u' || (${n})::text)::uuid`)
let experiences = 0
let generation = 'an earlier run'
if (!REUSE) {
  log(`generating; load average ${load()}`)
  // One connection for the whole load, so its session settings hold.
  await db.connection().execute(async (conn) => {
    await sql`SET synchronous_commit = off`.execute(conn)
    await sql`SET maintenance_work_mem = '512MB'`.execute(conn)
    // Users: 1..10 directors (no manager), 11..100 managers under directors, 101..1000 reps under managers.
    await sql`INSERT INTO users (id, org_id, email, name, role, manager_id, created_at)
      SELECT ${uid('i')}, ${orgId}::uuid, 'u' || i || '@bench.test', 'User ' || i,
             CASE WHEN i <= 100 THEN 'manager' ELSE 'rep' END,
             CASE WHEN i <= 10 THEN NULL WHEN i <= 100 THEN ${uid('1 + (i % 10)')} ELSE ${uid('11 + (i % 90)')} END,
             now() - interval '6 years'
      FROM generate_series(1, ${USERS}::int) i`.execute(conn)
    await sql`INSERT INTO accounts (id, org_id, name, tier, owner_id, created_at)
      SELECT md5('a' || i)::uuid, ${orgId}::uuid, 'Account ' || i, (ARRAY['strategic','key','standard','standard'])[1 + i % 4], ${uid('101 + (i % 900)')}, now() - interval '6 years'
      FROM generate_series(1, ${ACCOUNTS}::int) i`.execute(conn)
    log(`users, accounts: ${secs(t0)} s`)

    // Experiences over five years, a million per statement, with the table's indexes dropped meanwhile.
    const tExp = performance.now()
    await withoutIndexes(conn, 'experiences', async () => {
      while (experiences < TARGET) {
        const n = Math.min(CHUNK, TARGET - experiences)
        await sql`INSERT INTO experiences (id, org_id, occurred_at, kind, valence, direction, depth, source, account_id)
          SELECT md5('e' || i)::uuid, ${orgId}::uuid, now() - (random() * interval '1826 days'),
                 (ARRAY['meeting','call','email','meal','help','insight','escalation','referral'])[1 + (i % 8)],
                 CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 5) - 2 END,
                 (ARRAY['we_gave','we_asked','mutual','they_gave'])[1 + (i % 4)],
                 (ARRAY['routine','meaningful','personal'])[1 + (i % 3)],
                 (ARRAY['manual','email','calendar'])[1 + (i % 3)],
                 md5('a' || (1 + i % ${ACCOUNTS}::int))::uuid
          FROM generate_series(${experiences + 1}::int, ${experiences + n}::int) i`.execute(conn)
        experiences += n
        process.stderr.write(`\rexperiences: ${experiences.toLocaleString('en')} (${secs(tExp)} s)`)
      }
      process.stderr.write('\n')
    })
    const expSeconds = secs(tExp)

    // Five years of weekly snapshots for every scope: org, 100 teams, 1000 users, 3 tiers, 5000 accounts.
    const tSnap = performance.now()
    const snapshotRows = (scopeType: string, scopeIds: string) => sql`INSERT INTO kpi_snapshots
      SELECT ${orgId}::uuid, ${scopeType}::text, s.id, (date_trunc('week', now()) - w * interval '7 days')::date,
             10, 40 + (random() * 20)::int, 12, (random() * 12)::int, 30 + random() * 50,
             ARRAY[(random()*5)::int, (random()*8)::int, (random()*12)::int, (random()*8)::int, (random()*5)::int],
             (random() * 10)::int, (random() * 60)::int, (random() * 20)::int, (random() * 10)::int, (random() * 2)::int, (random() * 2)::int,
             jsonb_build_object('USD', round((random() * 100000)::numeric, 2)), (random() * 5)::int, jsonb_build_object('USD', round((random() * 50000)::numeric, 2)), now()
      FROM (${sql.raw(scopeIds)}) s(id), generate_series(0, ${WEEKS - 1}::int) w`
    await withoutIndexes(conn, 'kpi_snapshots', async () => {
      await snapshotRows('org', `SELECT ''`).execute(conn)
      await snapshotRows('team', `SELECT md5('u' || i)::uuid::text FROM generate_series(1, 100) i`).execute(conn)
      await snapshotRows('user', `SELECT md5('u' || i)::uuid::text FROM generate_series(1, ${USERS}::int) i`).execute(conn)
      await snapshotRows('tier', `SELECT unnest(ARRAY['strategic','key','standard'])`).execute(conn)
      await snapshotRows('account', `SELECT md5('a' || i)::uuid::text FROM generate_series(1, ${ACCOUNTS}::int) i`).execute(conn)
    })
    // Five years of monthly revenue per account, a tenth in EUR, through the product's own rollup
    // triggers; leads, opportunities and RFPs; a programme of 100 reps.
    await sql`INSERT INTO revenue_entries (org_id, account_id, booked_on, amount, currency, source, external_id)
      SELECT ${orgId}::uuid, md5('a' || a)::uuid, (date_trunc('month', now()) - m * interval '1 month')::date, round((random() * 20000)::numeric, 2),
             CASE WHEN a % 10 = 0 THEN 'EUR' ELSE 'USD' END, 'bench', a || '-' || m
      FROM generate_series(1, ${ACCOUNTS}::int) a, generate_series(0, 59) m`.execute(conn)
    // 20 per account over five years; deals close within four months, so the open ones are recent.
    await sql`INSERT INTO opportunities (org_id, account_id, kind, title, stage, status, value, currency, opened_on, closed_on, source, external_id)
      SELECT ${orgId}::uuid, md5('a' || (1 + (i / 20) % ${ACCOUNTS}::int))::uuid, kind, 'Deal ' || i, CASE WHEN status = 'open' THEN 'Engaging' ELSE status END, status,
             round((random() * 100000)::numeric, 2), CASE WHEN (i / 20) % 10 = 0 THEN 'EUR' ELSE 'USD' END, opened,
             CASE WHEN status = 'open' THEN NULL ELSE least(current_date, opened + (random() * 120)::int) END, 'bench', i::text
      FROM (SELECT i, kind, opened,
                   CASE WHEN opened > current_date - 120 AND i % 3 = 0 THEN 'open'
                        WHEN kind = 'rfp' THEN (ARRAY['retained','won','lost'])[1 + i % 3]
                        ELSE (ARRAY['won','lost'])[1 + i % 2] END AS status
            FROM (SELECT i, (ARRAY['opportunity','opportunity','opportunity','opportunity','opportunity','lead','lead','lead','rfp','rfp'])[1 + i % 10] AS kind,
                         current_date - (random() * 1826)::int AS opened
                  FROM generate_series(0, ${OPPORTUNITIES - 1}::int) i) k) o`.execute(conn)
    await conn.insertInto('programmes').values({ org_id: orgId, name: 'Bench cohort', started_on: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10) }).execute()
    await sql`INSERT INTO programme_members SELECT ${orgId}::uuid, (SELECT id FROM programmes WHERE org_id = ${orgId}::uuid), md5('u' || i)::uuid, now()::date FROM generate_series(101, 200) i`.execute(conn)
    await sql`VACUUM ANALYZE`.execute(conn) // index-only scans need the visibility map, as autovacuum keeps it in production
    generation = `experiences loaded and indexed in ${expSeconds} s, snapshots, revenue and opportunities in ${secs(tSnap)} s`
  })
}
experiences = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM experiences`.execute(db)).rows[0]!.n)
const programme = await db.selectFrom('programmes').select('id').where('org_id', '=', orgId).executeTakeFirstOrThrow()
const count = async (table: string) => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db)).rows[0]!.n)
const snapshots = await count('kpi_snapshots')
const revenueRows = await count('revenue_entries')
const rollupRows = await count('revenue_monthly')
const opportunities = await count('opportunities')
log(`${generation}; total ${secs(t0)} s`)

const admin: Actor = { orgId, userId: (await sql<{ id: string }>`SELECT ${uid('1')} AS id`.execute(db)).rows[0]!.id, role: 'admin', name: 'bench', via: 'system' }
const team = (await sql<{ id: string }>`SELECT ${uid('11')}::text AS id`.execute(db)).rows[0]!.id
const rep = (await sql<{ id: string }>`SELECT ${uid('500')}::text AS id`.execute(db)).rows[0]!.id

const loadBefore = load()
const tTimed = performance.now()
const results = [
  await time('baseline: weekly aggregate scan of experiences', Math.min(RUNS, 5), () =>
    sql`SELECT date_trunc('week', occurred_at) AS w, count(*), count(*) FILTER (WHERE direction = 'we_gave') AS gave, count(*) FILTER (WHERE kind = 'escalation') AS esc
        FROM experiences WHERE org_id = ${orgId} AND archived_at IS NULL GROUP BY 1`.execute(db)),
  await time('org series (5 years)', RUNS, () => getSeries(db, admin, { scope: 'org' })),
  await time('team series (5 years)', RUNS, () => getSeries(db, admin, { scope: 'team', id: team })),
  await time('user series (5 years)', RUNS, () => getSeries(db, admin, { scope: 'user', id: rep })),
  await time('tier breakdown (latest week)', RUNS, () => getBreakdown(db, admin, { by: 'tier' })),
  await time('team breakdown (latest week)', RUNS, () => getBreakdown(db, admin, { by: 'team' })),
  await time('user breakdown (latest week, 1000 users)', RUNS, () => getBreakdown(db, admin, { by: 'user' })),
  await time('account breakdown (latest week, first 1000 of 5000 accounts by name)', RUNS, () => getBreakdown(db, admin, { by: 'account' })),
  await time('ROI (12 months, 5000 accounts)', RUNS, () => getRoi(db, admin, { months: 12 })),
  await time('programme progress (cohort vs others, 1 year)', RUNS, () => getProgress(db, admin, programme.id)),
  await time('outcomes per account (12 months)', RUNS, () => getOutcomesReport(db, admin, {})),
]
const base = results[0]!.p50
log('')
log(`${new Date().toISOString().slice(0, 16)}Z, PostgreSQL ${(await sql<{ server_version: string }>`SHOW server_version`.execute(db)).rows[0]!.server_version} server on the same machine, ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}`)
log(`${experiences.toLocaleString('en')} experiences (${generation}), ${snapshots.toLocaleString('en')} snapshot rows (${WEEKS} weeks), ${revenueRows.toLocaleString('en')} revenue entries (${rollupRows.toLocaleString('en')} monthly rollup rows), ${opportunities.toLocaleString('en')} opportunities; ${RUNS} runs per query (5 for the scan)`)
log(`load average (1 / 5 / 15 min) before the timed part: ${loadBefore}; after: ${load()}; timed part took ${secs(tTimed)} s`)
log('')
log('| query | p50 ms | p99 ms | p50 vs baseline scan |')
log('|---|---:|---:|---:|')
for (const r of results) log(`| ${r.label} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p50 / base).toFixed(4)}× |`)
const slow = results.slice(1).filter((r) => r.p99 > 300)
log('')
log(slow.length ? `Over the 300 ms aim (p99): ${slow.map((r) => r.label).join(', ')}` : 'Every dashboard query is under 300 ms at p99.')
await handle.close()
