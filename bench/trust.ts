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
import { createExperience, setExperienceArchived, updateExperience } from '../src/domain/experiences/service.ts'
import { recomputeOrganisation, refreshTrustAfterWrite, settleQueuedAccounts, type RecomputeProgress } from '../src/domain/trust/refresh.ts'
import { storeMissingHistories } from '../src/domain/trust/queries.ts'
import { getRelationshipTrust } from '../src/domain/trust/service.ts'
import { FLOOR_PLANS, floorQuery, seedTrustOrganisation, trustCounts, USERS } from './trust-seed.ts'

// npm run bench:trust -- [--db=postgres|pglite|both] [--scale=1] [--writes=1000] [--reads=1000]
//
// At scale 1: 100,000 relationships (one per stakeholder, 20 users, 2,000 accounts) and
// 2,000,000 experiences (20 per relationship over two years, each shared by the relationship's
// user and stakeholder). For each database it reports:
//   floor        one scan-and-aggregate SQL query over the same experiences, joined the way the
//                trust model reads them (relationship ⋈ participants ⋈ experiences, grouped),
//                the faster of the planner's plan and hash joins only (see floorQuery);
//   recompute    `tend trust recompute`'s code path (recomputeOrganisation) over everything,
//                first with no score stored yet, then twice again (every score row updated),
//                each right after a floor: the ratio of each round, and their median;
//   incremental  an experience write through the service: insert + participants + audit +
//                the refresh of the relationship and stakeholder scores it touches and of the
//                stakeholder's stored history, queueing its account, in one transaction
//                (p50/p99); then edits and archivals of those experiences, each with its
//                refresh; measured in the steady state (the recomputes' dead rows vacuumed, a
//                checkpoint, 20 unmeasured writes first); then the refresh alone in its own
//                transaction, against a baseline interleaved with it (one score row updated and
//                committed); then the settling of each queued account (the server's job, a
//                second after a write at most);
//   explanation  one relationship's score, explanation and 52-week trend (p50/p99).

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    scale: { type: 'string', default: '1' },
    writes: { type: 'string', default: '1000' },
    reads: { type: 'string', default: '1000' },
  },
})
const dialects = (args.db === 'both' ? ['postgres', 'pglite'] : [args.db]) as ('postgres' | 'pglite')[]
const scale = Number(args.scale)
const writes = Number(args.writes)
const reads = Number(args.reads)
/** Unmeasured experience writes before the measured ones. */
const WARM_UP = 20
/** Rounds of floor and recompute. */
const ROUNDS = 3
if (!(scale > 0) || dialects.some((d) => d !== 'postgres' && d !== 'pglite')) {
  console.error('usage: npm run bench:trust -- [--db=postgres|pglite|both] [--scale=1] [--writes=1000] [--reads=1000]')
  process.exit(2)
}

const counts = trustCounts(scale)
const EXPERIENCES = counts.experiences

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

type Latency = { p50: number; p99: number }
type Round = { floorMs: number; recomputeMs: number }
type Figures = { dialect: string; rounds: Round[]; write: Latency; refresh: Latency; bare: Latency; settle: Latency; edit: Latency; archive: Latency; read: Latency; load: string }

const loadNow = () => loadavg().map((l) => l.toFixed(2)).join(' ')
function latency(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b)
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }
}

async function run(dialect: 'postgres' | 'pglite'): Promise<Figures> {
  const log = (line: string) => console.log(`[${dialect}] ${line}`)
  const { handle, dispose } = await openDatabase(dialect)
  try {
    await migrateToLatest(handle.db)
    log(`seeding ${counts.relationships.toLocaleString('en')} relationships, ${EXPERIENCES.toLocaleString('en')} experiences`)
    const orgId = await seedTrustOrganisation(handle.db, scale, log)
    // As migration 0016 leaves a database: every stakeholder's history stored (the experience
    // service patches them from then on).
    const [stored, storeMs] = await timed(() => storeMissingHistories(handle.db, orgId))
    log(`stored ${stored.toLocaleString('en')} histories in ${(storeMs / 1000).toFixed(1)} s`)

    // The floor and the recompute alternate, ROUNDS times: each ratio compares a recompute with
    // the floor measured just before it (the faster of the two plans, see floorQuery), so that
    // both see the same machine, whose speed drifts by 15–30 % over minutes. The first recompute
    // inserts every score row, the others update them. The cache is warmed once first.
    await floorQuery(handle.db, orgId)
    const rounds: Round[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const floors: number[] = []
      for (const plan of FLOOR_PLANS) {
        const [count, t] = await timed(() => floorQuery(handle.db, orgId, plan))
        floors.push(t)
        log(`floor (${plan}): scan-and-aggregate over ${count.toLocaleString('en')} relationships: ${ms(t)} ms`)
      }
      const floorMs = Math.min(...floors)
      let lastPhase = ''
      const onProgress = round > 0 ? undefined : (p: RecomputeProgress) => {
        if (p.phase !== lastPhase || p.done === p.total) log(`  recompute ${p.phase}: ${p.done}/${p.total}`)
        lastPhase = p.phase
      }
      const [result, recomputeMs] = await timed(() => recomputeOrganisation(handle.db, orgId, new Date(), { onProgress }))
      rounds.push({ floorMs, recomputeMs })
      log(`recompute ${round + 1}: ${result.relationships} relationships, ${result.stakeholders} stakeholders, ${result.accounts} accounts in ${(recomputeMs / 1000).toFixed(1)} s = ${(recomputeMs / floorMs).toFixed(1)}× this round's floor (${round === 0 ? 'every score row new' : 'every score row updated'}); load average ${loadNow()}`)
    }

    // The latencies below are those of a server in its steady state: the recomputes just
    // rewrote 200,000 score rows each, whose dead versions autovacuum would otherwise clean up
    // (and a checkpoint write out) in the middle of the measured writes. Then a few unmeasured writes
    // warm up JavaScript's compiled code and the database's cached plans.
    await sql`VACUUM ANALYZE relationship_scores, stakeholder_scores, account_scores`.execute(handle.db)
    await sql`CHECKPOINT`.execute(handle.db)
    const admin: Actor = { orgId, userId: await sql<{ id: string }>`SELECT md5('u1')::uuid AS id`.execute(handle.db).then((r) => r.rows[0]!.id), role: 'admin', name: 'Bench', via: 'system' }
    const writeTimes: number[] = []
    const created: string[] = []
    for (let k = -WARM_UP; k < writes; k++) {
      // The warm-up writes (k < 0) go to other relationships, further back in time.
      const n = k < 0 ? writes - k : k
      const r = (n * 7919) % counts.relationships
      const ids = await sql<{ s: string; u: string }>`SELECT md5('s' || ${String(r)})::uuid AS s, md5('u' || ${String(1 + (r % USERS))})::uuid AS u`.execute(handle.db)
      const { s, u } = ids.rows[0]!
      const [experience, t] = await timed(() => createExperience(handle.db, admin, {
        occurredAt: new Date(Date.now() - n * 60_000).toISOString(), kind: 'meeting', valence: (n % 5) - 2, depth: 'meaningful', stakeholderIds: [s], userIds: [u],
      }))
      if (k < 0) continue
      writeTimes.push(t)
      created.push(experience.id)
    }
    const write = latency(writeTimes)
    log(`incremental write + refresh (${writes} writes): p50 ${ms(write.p50)} ms, p99 ${ms(write.p99)} ms`)
    // The incremental update alone: the same refreshes, each in a transaction of its own (lock,
    // read, patch the stored history with the written experience, score, write, commit), without
    // the experience's insert, checks and audit record.
    // Its baseline, interleaved so that both see the same machine: the least any refresh does, a
    // transaction that updates that relationship's one score row and commits.
    const refreshTimes: number[] = []
    const bareTimes: number[] = []
    for (let n = 0; n < writes; n++) {
      const r = (n * 7919) % counts.relationships
      const ids = await sql<{ s: string; u: string }>`SELECT md5('s' || ${String(r)})::uuid AS s, md5('u' || ${String(1 + (r % USERS))})::uuid AS u`.execute(handle.db)
      const { s, u } = ids.rows[0]!
      bareTimes.push((await timed(() => handle.db.transaction().execute((trx) => sql`UPDATE relationship_scores SET computed_at = ${new Date()}
        WHERE org_id = ${orgId} AND relationship_id = ${idOfRelationship(r)}`.execute(trx))))[1])
      refreshTimes.push((await timed(() => handle.db.transaction().execute((trx) => refreshTrustAfterWrite(trx, orgId, [s], [u], new Date(), [created[n]!]))))[1])
    }
    const refresh = latency(refreshTimes)
    const bare = latency(bareTimes)
    log(`incremental update alone, in its own transaction (${writes}): p50 ${ms(refresh.p50)} ms, p99 ${ms(refresh.p99)} ms`)
    log(`  baseline, one score row updated in its own transaction (interleaved): p50 ${ms(bare.p50)} ms, p99 ${ms(bare.p99)} ms`)
    // The writes queued their accounts: the server's settler scores them a second later at most,
    // each in a transaction of its own here (the job's work for one account: lock, read its
    // stakeholders' stored scores and weights, score, write, take it off the queue).
    const settleTimes: number[] = []
    for (;;) {
      const [settled, t] = await timed(() => settleQueuedAccounts(handle.db, { orgId, limit: 1 }))
      if (settled === 0) break
      settleTimes.push(t)
    }
    const settle = latency(settleTimes)
    log(`account settle, the job's work per queued account (${settleTimes.length}): p50 ${ms(settle.p50)} ms, p99 ${ms(settle.p99)} ms`)
    // Edits and deletions (archiving) of other relationships' experiences than those just written to.
    const editTimes: number[] = []
    const archiveTimes: number[] = []
    for (let n = 0; n < created.length; n++) {
      const id = created[(n * 37) % created.length]!
      if (n % 2 === 0) editTimes.push((await timed(() => updateExperience(handle.db, admin, id, { valence: 2 - (n % 5) })))[1])
      else archiveTimes.push((await timed(() => setExperienceArchived(handle.db, admin, id, true)))[1])
    }
    const [edit, archive] = [latency(editTimes), latency(archiveTimes)]
    log(`edit + refresh (${editTimes.length}): p50 ${ms(edit.p50)} ms, p99 ${ms(edit.p99)} ms; archive + refresh (${archiveTimes.length}): p50 ${ms(archive.p50)} ms, p99 ${ms(archive.p99)} ms`)

    const readTimes: number[] = []
    for (let n = 0; n < reads; n++) {
      const r = (n * 104729) % counts.relationships
      const [, t] = await timed(() => getRelationshipTrust(handle.db, admin, idOfRelationship(r)))
      readTimes.push(t)
    }
    const read = latency(readTimes)
    log(`explanation + 52-week trend of one relationship (${reads} reads): p50 ${ms(read.p50)} ms, p99 ${ms(read.p99)} ms`)
    const load = loadNow()
    log(`load average ${load}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process)`)
    return { dialect, rounds, write, refresh, bare, settle, edit, archive, read, load }
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
console.log('\ndb        floor s, each round   recompute s, each round   ratio, each (median)   write p50/p99 ms   update alone   (baseline)   account settle   edit p50/p99   archive p50/p99   explain+trend p50/p99 ms   load after')
for (const f of all) {
  const pair = (l: Latency) => `${ms(l.p50)} / ${ms(l.p99)}`
  const each = (values: number[]) => values.map((v) => v.toFixed(1)).join(' ')
  const ratios = f.rounds.map((r) => r.recomputeMs / r.floorMs)
  const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!
  console.log(`${f.dialect.padEnd(9)} ${each(f.rounds.map((r) => r.floorMs / 1000)).padStart(17)}   ${each(f.rounds.map((r) => r.recomputeMs / 1000)).padStart(23)}   ${`${each(ratios)} (${median.toFixed(1)})`.padStart(20)}   ${pair(f.write).padStart(16)}   ${pair(f.refresh).padStart(12)}   ${pair(f.bare).padStart(12)}   ${pair(f.settle).padStart(14)}   ${pair(f.edit).padStart(12)}   ${pair(f.archive).padStart(15)}   ${pair(f.read).padStart(22)}   ${f.load}`)
}
console.log('aims: recompute within 3× the floor; incremental p99 < 10 ms; explanation and trend < 20 ms')
