import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import type { Db } from '../src/db/connect.ts'
import { dropConstraintsAndIndexes, hash, idOf, pick, restoreConstraintsAndIndexes } from './seed.ts'

// The organisation bench:trust measures, seeded with INSERT … SELECT generate_series only (the
// same SQL on PostgreSQL and PGlite). At scale 1: 100,000 relationships (one per stakeholder,
// 20 users, 2,000 accounts) and 2,000,000 experiences (20 per relationship over two years,
// each shared by the relationship's user and stakeholder). Ids are md5 of a kind and an index.

export const USERS = 20
const TABLES = ['users', 'accounts', 'stakeholders', 'relationships', 'experiences', 'experience_stakeholders', 'experience_users'] as const

export function trustCounts(scale: number) {
  const relationships = Math.max(1, Math.round(100_000 * scale))
  return { accounts: Math.max(1, Math.round(2_000 * scale)), relationships, perRelationship: 20, experiences: relationships * 20 }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await run()
  return performance.now() - started
}

/** The trust-shaped organisation, with INSERT … SELECT generate_series only (same SQL on both). */
export async function seedTrustOrganisation(db: Db, scale: number, log: (line: string) => void): Promise<string> {
  const counts = trustCounts(scale)
  const EXPERIENCES = counts.experiences
  const { id: orgId } = await db.insertInto('organisations').values({ name: 'Trust Bench', slug: `trust-${Date.now().toString(36)}` }).returning('id').executeTakeFirstOrThrow()
  const org = sql`${orgId}::uuid`
  const k = sql.raw('k')
  const R = counts.relationships
  const A = counts.accounts
  const step = async (name: string, run: () => Promise<unknown>) => {
    const t = await timed(run)
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

export const FLOOR_PLANS = ['planner', 'hash joins'] as const
export type FloorPlan = (typeof FLOOR_PLANS)[number]

/**
 * The floor: the same rows the recompute reads (relationship ⋈ participants ⋈ experiences),
 * aggregated per relationship inside the database, with the memory the recompute's read gets.
 * 'planner' runs the plan PostgreSQL picks; it misjudges the two-column join on stakeholder and
 * user and may pick a nested loop of millions of index lookups, so 'hash joins' rules nested
 * loops out. The benchmark takes the faster of the two: the floor must not flatter the ratio.
 */
export async function floorQuery(db: Db, orgId: string, plan: FloorPlan = 'planner'): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL work_mem = '512MB'`.execute(trx)
    if (plan === 'hash joins') await sql`SET LOCAL enable_nestloop = off`.execute(trx)
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (
        SELECT r.id, count(*) AS experiences, sum(coalesce(e.valence, 0)) AS valence, max(e.occurred_at) AS latest
        FROM relationships r
        JOIN experience_stakeholders es ON es.org_id = r.org_id AND es.stakeholder_id = r.stakeholder_id
        JOIN experience_users eu ON eu.org_id = r.org_id AND eu.experience_id = es.experience_id AND eu.user_id = r.user_id
        JOIN experiences e ON e.org_id = r.org_id AND e.id = es.experience_id
        WHERE r.org_id = ${orgId} AND e.archived_at IS NULL AND e.occurred_at <= now()
        GROUP BY r.id) AS per_relationship`.execute(trx)
    return rows[0]!.n
  })
}
