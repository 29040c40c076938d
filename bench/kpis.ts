// npm run bench:kpis — organisation dashboards over millions of experiences and five years of
// weekly snapshots on PostgreSQL. Generates synthetic rows with generate_series in a fresh
// database (tend_bench_kpis), then times every dashboard query as the API runs it (the service
// functions) against a plain aggregate scan of the experiences.
//
// BENCH_DATABASE_URL   server to use (default postgres://postgres@127.0.0.1:5432/postgres)
// BENCH_EXPERIENCES    experiences to generate (default 10,000,000)
// BENCH_BUDGET_S       stop generating experiences after this many seconds (default 420)
// BENCH_RUNS           timed runs per query (default 40)
import { cpus, totalmem } from 'node:os'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import pg from 'pg'
import { connect } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { Actor } from '../src/domain/auth/roles.ts'
import { getBreakdown, getRoi, getSeries } from '../src/domain/kpis/service.ts'
import { getOutcomesReport } from '../src/domain/outcomes/service.ts'
import { getProgress } from '../src/domain/programmes/service.ts'

const BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const TARGET = Number(process.env.BENCH_EXPERIENCES ?? 10_000_000)
const BUDGET_S = Number(process.env.BENCH_BUDGET_S ?? 420)
const RUNS = Number(process.env.BENCH_RUNS ?? 40)
const DB_NAME = 'tend_bench_kpis'
const WEEKS = 261 // five years of Mondays
const USERS = 1000 // 10 directors, 90 managers, 900 reps
const ACCOUNTS = 5000
const CHUNK = 500_000

const log = (s: string) => console.log(s)
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1)

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

// BENCH_REUSE=1 times the queries again on the database the last run generated.
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
let expSeconds = '0'
let tSnap = performance.now()
if (!REUSE) {
// Users: 1..10 directors (no manager), 11..100 managers under directors, 101..1000 reps under managers.
await sql`INSERT INTO users (id, org_id, email, name, role, manager_id, created_at)
  SELECT ${uid('i')}, ${orgId}::uuid, 'u' || i || '@bench.test', 'User ' || i,
         CASE WHEN i <= 100 THEN 'manager' ELSE 'rep' END,
         CASE WHEN i <= 10 THEN NULL WHEN i <= 100 THEN ${uid('1 + (i % 10)')} ELSE ${uid('11 + (i % 90)')} END,
         now() - interval '6 years'
  FROM generate_series(1, ${USERS}::int) i`.execute(db)
await sql`INSERT INTO accounts (id, org_id, name, tier, owner_id)
  SELECT md5('a' || i)::uuid, ${orgId}::uuid, 'Account ' || i, (ARRAY['strategic','key','standard','standard'])[1 + i % 4], ${uid('101 + (i % 900)')}
  FROM generate_series(1, ${ACCOUNTS}::int) i`.execute(db)
log(`users, accounts: ${secs(t0)} s`)

// Experiences, in chunks, until the target or the time budget.
const tExp = performance.now()
await sql`SET synchronous_commit = off`.execute(db)
while (experiences < TARGET && (performance.now() - tExp) / 1000 < BUDGET_S) {
  const n = Math.min(CHUNK, TARGET - experiences)
  await sql`INSERT INTO experiences (id, org_id, occurred_at, kind, valence, direction, depth, source)
    SELECT md5('e' || i)::uuid, ${orgId}::uuid, now() - (random() * interval '1826 days'),
           (ARRAY['meeting','call','email','meal','help','insight','escalation','referral'])[1 + (i % 8)],
           CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 5) - 2 END,
           (ARRAY['we_gave','we_asked','mutual','they_gave'])[1 + (i % 4)],
           (ARRAY['routine','meaningful','personal'])[1 + (i % 3)],
           (ARRAY['manual','email','calendar'])[1 + (i % 3)]
    FROM generate_series(${experiences + 1}::int, ${experiences + n}::int) i`.execute(db)
  experiences += n
  process.stderr.write(`\rexperiences: ${experiences.toLocaleString('en')} (${secs(tExp)} s)`)
}
process.stderr.write('\n')
expSeconds = secs(tExp)

// Five years of weekly snapshots for every scope: org, 100 teams, 1000 users, 3 tiers, 5000 accounts.
tSnap = performance.now()
const snapshotRows = (scopeType: string, scopeIds: string) => sql`INSERT INTO kpi_snapshots
  SELECT ${orgId}::uuid, ${scopeType}::text, s.id, (date_trunc('week', now()) - w * interval '7 days')::date,
         10, 40 + (random() * 20)::int, 12, (random() * 12)::int, 30 + random() * 50,
         ARRAY[(random()*5)::int, (random()*8)::int, (random()*12)::int, (random()*8)::int, (random()*5)::int],
         (random() * 10)::int, (random() * 60)::int, (random() * 20)::int, (random() * 10)::int, (random() * 2)::int, (random() * 2)::int,
         jsonb_build_object('USD', round((random() * 100000)::numeric, 2)), (random() * 5)::int, jsonb_build_object('USD', round((random() * 50000)::numeric, 2)), now()
  FROM (${sql.raw(scopeIds)}) s(id), generate_series(0, ${WEEKS - 1}::int) w`
await snapshotRows('org', `SELECT ''`).execute(db)
await snapshotRows('team', `SELECT md5('u' || i)::uuid::text FROM generate_series(1, 100) i`).execute(db)
await snapshotRows('user', `SELECT md5('u' || i)::uuid::text FROM generate_series(1, ${USERS}::int) i`).execute(db)
await snapshotRows('tier', `SELECT unnest(ARRAY['strategic','key','standard'])`).execute(db)
await snapshotRows('account', `SELECT md5('a' || i)::uuid::text FROM generate_series(1, ${ACCOUNTS}::int) i`).execute(db)
// Five years of monthly revenue per account, a few in EUR; a programme of 100 reps.
await sql`INSERT INTO revenue_entries (org_id, account_id, booked_on, amount, currency, source, external_id)
  SELECT ${orgId}::uuid, md5('a' || a)::uuid, (date_trunc('month', now()) - m * interval '1 month')::date, round((random() * 20000)::numeric, 2),
         CASE WHEN a % 10 = 0 THEN 'EUR' ELSE 'USD' END, 'bench', a || '-' || m
  FROM generate_series(1, ${ACCOUNTS}::int) a, generate_series(0, 59) m`.execute(db)
await db.insertInto('programmes').values({ org_id: orgId, name: 'Bench cohort', started_on: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10) }).returning('id').executeTakeFirstOrThrow()
await sql`INSERT INTO programme_members SELECT ${orgId}::uuid, (SELECT id FROM programmes WHERE org_id = ${orgId}::uuid), md5('u' || i)::uuid, now()::date FROM generate_series(101, 200) i`.execute(db)
await sql`VACUUM ANALYZE`.execute(db) // index-only scans need the visibility map, as autovacuum keeps it in production
} else {
  experiences = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM experiences`.execute(db)).rows[0]!.n)
  expSeconds = 'an earlier run'
}
const programme = await db.selectFrom('programmes').select('id').where('org_id', '=', orgId).executeTakeFirstOrThrow()
const snapshots = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM kpi_snapshots`.execute(db)).rows[0]!.n)
log(`snapshots: ${snapshots.toLocaleString('en')} rows, revenue: ${(ACCOUNTS * 60).toLocaleString('en')} rows in ${secs(tSnap)} s`)

const admin: Actor = { orgId, userId: (await sql<{ id: string }>`SELECT ${uid('1')} AS id`.execute(db)).rows[0]!.id, role: 'admin', name: 'bench', via: 'system' }
const team = (await sql<{ id: string }>`SELECT ${uid('11')}::text AS id`.execute(db)).rows[0]!.id
const rep = (await sql<{ id: string }>`SELECT ${uid('500')}::text AS id`.execute(db)).rows[0]!.id

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
log(`PostgreSQL server, ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}`)
log(`${experiences.toLocaleString('en')} experiences (generated in ${expSeconds}${REUSE ? '' : ' s'}${experiences < TARGET ? `, short of the ${TARGET.toLocaleString('en')} target: generation stops after a ${BUDGET_S} s budget` : ''}), ${snapshots.toLocaleString('en')} snapshot rows (${WEEKS} weeks), ${RUNS} runs per query`)
log('')
log('| query | p50 ms | p99 ms | p50 vs baseline scan |')
log('|---|---:|---:|---:|')
for (const r of results) log(`| ${r.label} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p50 / base).toFixed(4)}× |`)
const slow = results.slice(1).filter((r) => r.p99 > 300)
log('')
log(slow.length ? `Over the 300 ms aim (p99): ${slow.map((r) => r.label).join(', ')}` : 'Every dashboard query is under 300 ms at p99.')
await handle.close()
