import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import pg from 'pg'
import { connect, type DbHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { Actor } from '../src/domain/auth/roles.ts'
import { createExperience } from '../src/domain/experiences/service.ts'
import { recomputeOrganisation } from '../src/domain/trust/refresh.ts'
import { getRelationshipTrust } from '../src/domain/trust/service.ts'
import { dropConstraintsAndIndexes, hash, idOf, pick, restoreConstraintsAndIndexes } from './seed.ts'

// npm run bench:trust -- [--db=postgres|pglite|both] [--scale=1] [--writes=300] [--reads=200]
//
// At scale 1: 100,000 relationships (one per stakeholder, 20 users, 2,000 accounts) and
// 2,000,000 experiences (20 per relationship over two years, each shared by the relationship's
// user and stakeholder). For each database it reports:
//   floor        one scan-and-aggregate SQL query over the same experiences, joined the way the
//                trust model reads them (relationship ⋈ participants ⋈ experiences, grouped);
//   recompute    `tend trust recompute`'s code path (recomputeOrganisation) over everything;
//   incremental  an experience write through the service: insert + participants + audit +
//                the refresh of every score it touches, in one transaction (p50/p99);
//   explanation  one relationship's score, explanation and 52-week trend (p50/p99).

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    scale: { type: 'string', default: '1' },
    writes: { type: 'string', default: '300' },
    reads: { type: 'string', default: '200' },
  },
})
const dialects = (args.db === 'both' ? ['postgres', 'pglite'] : [args.db]) as ('postgres' | 'pglite')[]
const scale = Number(args.scale)
const writes = Number(args.writes)
const reads = Number(args.reads)
if (!(scale > 0) || dialects.some((d) => d !== 'postgres' && d !== 'pglite')) {
  console.error('usage: npm run bench:trust -- [--db=postgres|pglite|both] [--scale=1] [--writes=300] [--reads=200]')
  process.exit(2)
}

const USERS = 20
const counts = { accounts: Math.max(1, Math.round(2_000 * scale)), relationships: Math.max(1, Math.round(100_000 * scale)), perRelationship: 20 }
const EXPERIENCES = counts.relationships * counts.perRelationship
const TABLES = ['users', 'accounts', 'stakeholders', 'relationships', 'experiences', 'experience_stakeholders', 'experience_users'] as const

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0))

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const value = await run()
  return [value, performance.now() - started]
}

async function openDatabase(dialect: 'postgres' | 'pglite'): Promise<{ handle: DbHandle; dispose: () => Promise<void> }> {
  if (dialect === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'tend-bench-trust-'))
    const handle = await connect({ dataDir: dir })
    return { handle, dispose: async () => { await handle.close(); rmSync(dir, { recursive: true, force: true }) } }
  }
  const name = `tend_bench_trust_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const handle = await connect({ databaseUrl: url.toString(), poolSize: 4 })
  return {
    handle,
    dispose: async () => {
      await handle.close()
      const c = new pg.Client({ connectionString: ADMIN_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

/** The trust-shaped organisation, with INSERT … SELECT generate_series only (same SQL on both). */
async function seed(handle: DbHandle, log: (line: string) => void): Promise<string> {
  const db = handle.db
  const { id: orgId } = await db.insertInto('organisations').values({ name: 'Trust Bench', slug: `trust-${Date.now().toString(36)}` }).returning('id').executeTakeFirstOrThrow()
  const org = sql`${orgId}::uuid`
  const k = sql.raw('k')
  const R = counts.relationships
  const A = counts.accounts
  const step = async (name: string, run: () => Promise<unknown>) => {
    const [, t] = await timed(run)
    log(`  ${name.padEnd(26)} ${(t / 1000).toFixed(1).padStart(6)} s`)
  }
  await db.connection().execute(async (conn) => {
    await sql`SET maintenance_work_mem = '256MB'`.execute(conn)
    const definitions = await dropConstraintsAndIndexes(conn, TABLES)
    await step('users', () => sql`INSERT INTO users (id, org_id, email, name, role, manager_id)
      SELECT ${idOf('u', k)}, ${org}, 'user' || k || '@trust.example', 'User ' || k,
        CASE WHEN k = 1 THEN 'admin' WHEN k <= 4 THEN 'manager' ELSE 'rep' END,
        CASE WHEN k = 1 THEN NULL WHEN k <= 4 THEN ${idOf('u', sql`1`)} ELSE ${idOf('u', sql`2 + k % 3`)} END
      FROM generate_series(1, ${sql.lit(USERS)}) AS k`.execute(conn))
    await step('accounts', () => sql`INSERT INTO accounts (id, org_id, name, domains, tier, status)
      SELECT ${idOf('a', k)}, ${org}, 'Account ' || k, ARRAY['account' || k || '.example'], CASE WHEN k % 10 = 0 THEN 'strategic' ELSE 'standard' END, 'active'
      FROM generate_series(0, ${sql.lit(A - 1)}) AS k`.execute(conn))
    await step('stakeholders', () => sql`INSERT INTO stakeholders (id, org_id, account_id, name, emails, influence, attitude, search_text)
      SELECT ${idOf('s', k)}, ${org}, ${idOf('a', sql`k % ${sql.lit(A)}`)}, 'Person ' || k, ARRAY['p' || k || '@account' || (k % ${sql.lit(A)}) || '.example'],
        (1 + ${hash(k, 5)} % 5)::smallint, 'neutral', 'person ' || k
      FROM generate_series(0, ${sql.lit(R - 1)}) AS k`.execute(conn))
    await step('relationships', () => sql`INSERT INTO relationships (id, org_id, user_id, stakeholder_id, importance, cadence_days, target_strength)
      SELECT ${idOf('r', k)}, ${org}, ${idOf('u', sql`1 + k % ${sql.lit(USERS)}`)}, ${idOf('s', k)},
        (1 + ${hash(k, 8)} % 5)::smallint, (ARRAY[14, 30, 30, 60, 90])[1 + ${hash(k, 9)} % 5], 70
      FROM generate_series(0, ${sql.lit(R - 1)}) AS k`.execute(conn))
    const i = sql.raw('i')
    const BATCH = 500_000
    for (let from = 0; from < EXPERIENCES; from += BATCH) {
      const range = sql`generate_series(${sql.lit(from)}, ${sql.lit(Math.min(EXPERIENCES, from + BATCH) - 1)}) AS i`
      await step(`experiences ${from / 1000}k…`, async () => {
        // Experience i belongs to relationship i mod R: its stakeholder i mod R, its user 1 + (i mod R) mod 20.
        await sql`INSERT INTO experiences (id, org_id, occurred_at, kind, valence, direction, initiator, depth, source, account_id)
          SELECT ${idOf('e', i)}, ${org}, now() - (${hash(i, 10)} % 63072000) * interval '1 second',
            ${pick(['email', 'email', 'email', 'meeting', 'meeting', 'call', 'call', 'message', 'meal', 'visit', 'introduction', 'insight', 'help', 'complaint'], hash(i, 11))},
            CASE WHEN ${hash(i, 12)} % 4 = 0 THEN NULL ELSE ${pick(['-2', '-1', '0', '1', '1', '1', '2', '2'], hash(i, 13))}::smallint END,
            ${pick(['we_gave', 'we_asked', 'mutual', 'mutual', 'they_gave'], hash(i, 14))}, ${pick(['us', 'us', 'them'], hash(i, 15))},
            ${pick(['routine', 'routine', 'meaningful', 'personal'], hash(i, 16))}, ${pick(['manual', 'email', 'calendar'], hash(i, 19))},
            ${idOf('a', sql`(i % ${sql.lit(R)}) % ${sql.lit(A)}`)}
          FROM ${range}`.execute(conn)
        await sql`INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id) SELECT ${org}, ${idOf('e', i)}, ${idOf('s', sql`i % ${sql.lit(R)}`)} FROM ${range}`.execute(conn)
        await sql`INSERT INTO experience_users (org_id, experience_id, user_id) SELECT ${org}, ${idOf('e', i)}, ${idOf('u', sql`1 + (i % ${sql.lit(R)}) % ${sql.lit(USERS)}`)} FROM ${range}`.execute(conn)
      })
    }
    await restoreConstraintsAndIndexes(conn, definitions, step)
    await step('vacuum analyze', () => sql`VACUUM ANALYZE`.execute(conn))
  })
  return orgId
}

/** The floor: the same rows the recompute reads, aggregated per relationship inside the database. */
async function floorQuery(handle: DbHandle, orgId: string) {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (
      SELECT r.id, count(*) AS experiences, sum(coalesce(e.valence, 0)) AS valence, max(e.occurred_at) AS latest
      FROM relationships r
      JOIN experience_stakeholders es ON es.org_id = r.org_id AND es.stakeholder_id = r.stakeholder_id
      JOIN experience_users eu ON eu.org_id = r.org_id AND eu.experience_id = es.experience_id AND eu.user_id = r.user_id
      JOIN experiences e ON e.org_id = r.org_id AND e.id = es.experience_id
      WHERE r.org_id = ${orgId} AND e.archived_at IS NULL AND e.occurred_at <= now()
      GROUP BY r.id) AS per_relationship`.execute(handle.db)
  return rows[0]!.n
}

type Figures = { dialect: string; floorMs: number; recomputeMs: number; ratio: number; write: { p50: number; p99: number }; read: { p50: number; p99: number } }

async function run(dialect: 'postgres' | 'pglite'): Promise<Figures> {
  const log = (line: string) => console.log(`[${dialect}] ${line}`)
  const { handle, dispose } = await openDatabase(dialect)
  try {
    await migrateToLatest(handle.db)
    log(`seeding ${counts.relationships.toLocaleString('en')} relationships, ${EXPERIENCES.toLocaleString('en')} experiences`)
    const orgId = await seed(handle, log)

    // Warm the cache once, then take the better of two runs of the floor.
    await floorQuery(handle, orgId)
    const floors = [await timed(() => floorQuery(handle, orgId)), await timed(() => floorQuery(handle, orgId))]
    const floorMs = Math.min(...floors.map(([, t]) => t))
    log(`floor: scan-and-aggregate over ${floors[0]![0].toLocaleString('en')} relationships: ${ms(floorMs)} ms`)

    let lastPhase = ''
    const [result, recomputeMs] = await timed(() => recomputeOrganisation(handle.db, orgId, new Date(), (p) => {
      if (p.phase !== lastPhase || p.done === p.total) log(`  recompute ${p.phase}: ${p.done}/${p.total}`)
      lastPhase = p.phase
    }))
    log(`recompute: ${result.relationships} relationships, ${result.stakeholders} stakeholders, ${result.accounts} accounts in ${(recomputeMs / 1000).toFixed(1)} s (${(recomputeMs / floorMs).toFixed(1)}× the floor)`)

    const admin: Actor = { orgId, userId: await sql<{ id: string }>`SELECT md5('u1')::uuid AS id`.execute(handle.db).then((r) => r.rows[0]!.id), role: 'admin', name: 'Bench', via: 'system' }
    const writeTimes: number[] = []
    for (let n = 0; n < writes; n++) {
      const r = (n * 7919) % counts.relationships
      const ids = await sql<{ s: string; u: string }>`SELECT md5('s' || ${String(r)})::uuid AS s, md5('u' || ${String(1 + (r % USERS))})::uuid AS u`.execute(handle.db)
      const { s, u } = ids.rows[0]!
      const [, t] = await timed(() => createExperience(handle.db, admin, {
        occurredAt: new Date(Date.now() - n * 60_000).toISOString(), kind: 'meeting', valence: (n % 5) - 2, depth: 'meaningful', stakeholderIds: [s], userIds: [u],
      }))
      writeTimes.push(t)
    }
    writeTimes.sort((a, b) => a - b)
    const write = { p50: percentile(writeTimes, 0.5), p99: percentile(writeTimes, 0.99) }
    log(`incremental write + refresh (${writes} writes): p50 ${ms(write.p50)} ms, p99 ${ms(write.p99)} ms`)

    const readTimes: number[] = []
    for (let n = 0; n < reads; n++) {
      const r = (n * 104729) % counts.relationships
      const [, t] = await timed(() => getRelationshipTrust(handle.db, admin, idOfRelationship(r)))
      readTimes.push(t)
    }
    readTimes.sort((a, b) => a - b)
    const read = { p50: percentile(readTimes, 0.5), p99: percentile(readTimes, 0.99) }
    log(`explanation + 52-week trend of one relationship (${reads} reads): p50 ${ms(read.p50)} ms, p99 ${ms(read.p99)} ms`)
    return { dialect, floorMs, recomputeMs, ratio: recomputeMs / floorMs, write, read }
  } finally {
    await dispose()
  }
}

/** md5('r' || n)::uuid, computed here as PostgreSQL does (the seed's relationship ids). */
function idOfRelationship(n: number): string {
  const hex = createHash('md5').update(`r${n}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

console.log(`bench:trust: scale ${scale}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
const all: Figures[] = []
for (const dialect of dialects) all.push(await run(dialect))
console.log('\ndb        floor ms  recompute s  ratio   write p50/p99 ms   explain+trend p50/p99 ms')
for (const f of all) {
  console.log(`${f.dialect.padEnd(9)} ${ms(f.floorMs).padStart(8)} ${(f.recomputeMs / 1000).toFixed(1).padStart(12)} ${f.ratio.toFixed(1).padStart(6)}   ${`${ms(f.write.p50)} / ${ms(f.write.p99)}`.padStart(16)}   ${`${ms(f.read.p50)} / ${ms(f.read.p99)}`.padStart(22)}`)
}
console.log('aims: recompute within 3× the floor; incremental p99 < 10 ms; explanation and trend < 20 ms')
