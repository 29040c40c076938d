import { performance } from 'node:perf_hooks'
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../src/db/connect.ts'

// Fills one organisation with INSERT … SELECT generate_series only, so the same SQL runs on
// PostgreSQL and PGlite and nothing crosses the driver row by row. Ids are md5 of a kind and
// an index, so every table can point at any other row without joining back to it, and two
// runs at one scale produce the same people, companies and history.

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra',
  'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle',
  'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Dorothy', 'George', 'Melissa', 'Timothy', 'Deborah',
  'Ronald', 'Stephanie', 'Edward', 'Rebecca', 'Jason', 'Sharon', 'Jeffrey', 'Laura', 'Ryan', 'Cynthia',
  'Jacob', 'Kathleen', 'Gary', 'Amy', 'Nicholas', 'Angela', 'Eric', 'Shirley', 'Jonathan', 'Anna',
  'Stephen', 'Brenda', 'Larry', 'Pamela', 'Justin', 'Emma', 'Scott', 'Nicole', 'Brandon', 'Helen',
  'Benjamin', 'Samantha', 'Samuel', 'Katherine', 'Gregory', 'Christine', 'Alexander', 'Debra', 'Frank', 'Rachel',
  'Patrick', 'Carolyn', 'Raymond', 'Janet', 'Sofia', 'Lukas', 'Priya', 'Mateo', 'Ingrid', 'Yuki',
] as const

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Taylor', 'Moore', 'Jackson', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson',
  'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans',
  'Turner', 'Diaz', 'Parker', 'Cruz', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy',
  'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly',
  'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood',
  'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel',
  'Myers', 'Long', 'Ross', 'Foster', 'Jimenez', 'Schmidt', 'Dubois', 'Rossi', 'Novak', 'Okafor',
] as const

/**
 * Search terms: 4-letter fragments of common surnames that occur in no first name, title or
 * company word, so each matches about 1 % of stakeholders (the surname's share).
 */
export const SEARCH_TERMS = ['mill', 'brow', 'garc', 'hern', 'wils', 'harr', 'walk', 'wrig', 'camp', 'murp'] as const

const COMPANY_WORDS = [
  'Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Acme', 'Vandelay',
  'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli', 'Pied', 'Aperture', 'Oscorp', 'Gringotts', 'Nakatomi', 'Zorin',
  'Vortex', 'Quantum', 'Atlas', 'Orion', 'Helix', 'Nimbus', 'Cobalt', 'Summit', 'Evergreen', 'Bluefin',
  'Redwood', 'Silverline', 'Ironclad', 'Keystone', 'Lighthouse', 'Polaris', 'Sterling', 'Trident', 'Zenith', 'Beacon',
] as const
const COMPANY_KINDS = [
  'Logistics', 'Health', 'Energy', 'Foods', 'Systems', 'Capital', 'Labs', 'Retail', 'Media', 'Insurance',
  'Pharma', 'Robotics', 'Analytics', 'Motors', 'Textiles', 'Airlines', 'Telecom', 'Chemicals', 'Software', 'Partners',
  'Holdings', 'Industries', 'Networks', 'Dynamics', 'Ventures', 'Solutions', 'Group', 'Bank', 'Studios', 'Works',
  'Foundry', 'Supply', 'Biotech', 'Freight', 'Metals', 'Optics', 'Shipping', 'Hotels', 'Farms', 'Devices',
  'Security', 'Payments', 'Cloud', 'Marine', 'Power', 'Water', 'Mining', 'Learning', 'Travel', 'Brands',
] as const
const TITLES = [
  'Chief Executive Officer', 'Chief Financial Officer', 'Chief Operating Officer', 'Chief Technology Officer', 'VP Engineering',
  'VP Sales', 'VP Operations', 'Head of Procurement', 'Head of IT', 'Director of Finance',
  'Director of Operations', 'Product Manager', 'Program Manager', 'Purchasing Manager', 'Account Director',
  'Engineering Manager', 'Head of Data', 'Security Officer', 'General Counsel', 'Head of People',
  'Plant Manager', 'Supply Chain Lead', 'Solutions Architect', 'Finance Manager', 'Office Manager',
] as const
const INDUSTRIES = ['logistics', 'healthcare', 'energy', 'retail', 'finance', 'manufacturing', 'media', 'software'] as const
// Weighted towards the everyday kinds, as a real log would be.
const KINDS = ['email', 'email', 'email', 'meeting', 'meeting', 'call', 'call', 'message', 'meal', 'visit', 'event', 'introduction', 'insight', 'help', 'gift', 'invitation', 'referral', 'complaint'] as const
const EXPERIENCE_TITLES = ['Quarterly business review', 'Renewal discussion', 'Follow-up on proposal', 'Support escalation', 'Intro to new stakeholder', 'Site visit', 'Lunch', 'Conference catch-up', 'Pricing questions', 'Roadmap preview'] as const
const CADENCES = [14, 30, 30, 60, 90] as const

const SEEDED_TABLES = ['users', 'accounts', 'stakeholders', 'relationships', 'experiences', 'experience_stakeholders', 'experience_users'] as const

export const USER_COUNT = 20
/** Users 1 … 20: 1 admin, 3 managers under the admin, 16 reps under the managers. */
export const BENCH_USER = { index: 5, role: 'rep' } as const

export type SeedCounts = { users: number; accounts: number; stakeholders: number; relationships: number; experiences: number }
export type SeedResult = { orgId: string; counts: SeedCounts; timings: Record<string, number> }

export function countsFor(scale: number): SeedCounts {
  const round = (n: number) => Math.max(1, Math.round(n * scale))
  return { users: USER_COUNT, accounts: round(2_000), stakeholders: round(100_000), relationships: round(20_000), experiences: round(1_000_000) }
}

/** A SQL text-array literal of constants (ours, so quoting is only a formality). */
export function textArray(values: readonly string[]): RawBuilder<string[]> {
  return sql.raw(`ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`)
}
/** values[n mod length], 1-based as SQL arrays are. */
export function pick(values: readonly string[], n: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(${textArray(values)})[1 + ((${n}) % ${sql.lit(values.length)})]`
}
/** A well-mixed non-negative integer from an index, so columns do not move in lock-step. */
export function hash(n: RawBuilder<unknown>, salt: number): RawBuilder<number> {
  return sql<number>`(hashint4((${n})::int + ${sql.lit(salt)})::bigint + 2147483648)`
}
export const idOf = (kind: 'u' | 'a' | 's' | 'r' | 'e', n: RawBuilder<unknown>) => sql<string>`md5(${sql.lit(kind)} || (${n})::text)::uuid`

const k = sql.raw('k')
const companyName = (n: RawBuilder<unknown>) => sql<string>`${pick(COMPANY_WORDS, n)} || ' ' || ${pick(COMPANY_KINDS, sql`(${n}) / ${sql.lit(COMPANY_WORDS.length)}`)}`
const companyDomain = (n: RawBuilder<unknown>) =>
  sql<string>`lower(${pick(COMPANY_WORDS, n)} || ${pick(COMPANY_KINDS, sql`(${n}) / ${sql.lit(COMPANY_WORDS.length)}`)}) || case when (${n}) >= ${sql.lit(COMPANY_WORDS.length * COMPANY_KINDS.length)} then (${n})::text else '' end || '.com'`

/**
 * Load the way pg_restore does: drop the seeded tables' keys, foreign keys and indexes, insert,
 * then build the keys and indexes once and validate each foreign key in one pass. Maintaining
 * five random-uuid B-trees and a GIN trigram index row by row, and checking five million
 * references one at a time, would make seeding several times slower. Definitions are read
 * from the catalog, so migrations that add constraints or indexes need no change here.
 */
export async function seedBenchOrg(db: Db, scale: number, log: (line: string) => void = () => {}): Promise<SeedResult> {
  return db.connection().execute(async (conn) => {
    // For the index builds; the default 64 MB spills a 1 M-row sort to disk.
    await sql`SET maintenance_work_mem = '256MB'`.execute(conn)
    return seedRows(conn, scale, log)
  })
}

export type Definition = { table: string; name: string; def: string; kind: 'key' | 'foreign' | 'index' }

export async function dropConstraintsAndIndexes(db: Db, tables: readonly string[] = SEEDED_TABLES): Promise<Definition[]> {
  const regclasses = sql.join(tables.map((t) => sql`${t}::regclass`))
  const { rows: constraints } = await sql<Definition>`SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def,
      CASE contype WHEN 'f' THEN 'foreign' ELSE 'key' END AS kind
    FROM pg_constraint
    WHERE (contype IN ('p', 'u') AND conrelid IN (${regclasses})) OR (contype = 'f' AND (conrelid IN (${regclasses}) OR confrelid IN (${regclasses})))`.execute(db)
  const { rows: indexes } = await sql<Definition>`SELECT tablename AS table, indexname AS name, indexdef AS def, 'index' AS kind FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename IN (${sql.join([...tables])}) AND indexname NOT IN (SELECT conname FROM pg_constraint)`.execute(db)
  for (const c of constraints.filter((c) => c.kind === 'foreign')) await sql`ALTER TABLE ${sql.raw(c.table)} DROP CONSTRAINT ${sql.id(c.name)}`.execute(db)
  for (const c of constraints.filter((c) => c.kind === 'key')) await sql`ALTER TABLE ${sql.raw(c.table)} DROP CONSTRAINT ${sql.id(c.name)}`.execute(db)
  for (const index of indexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db)
  return [...constraints, ...indexes]
}

export async function restoreConstraintsAndIndexes(db: Db, definitions: Definition[], step: (name: string, run: () => Promise<unknown>) => Promise<void>) {
  const add = (d: Definition) => sql`ALTER TABLE ${sql.raw(d.table)} ADD CONSTRAINT ${sql.id(d.name)} ${sql.raw(d.def)}`.execute(db)
  await step('primary and unique keys', async () => {
    for (const d of definitions.filter((d) => d.kind === 'key')) await add(d)
  })
  await step('indexes', async () => {
    for (const d of definitions.filter((d) => d.kind === 'index')) await sql.raw(d.def).execute(db)
  })
  // Adding a foreign key checks every existing row: the seed's references are proven here.
  await step('foreign keys (validated)', async () => {
    for (const d of definitions.filter((d) => d.kind === 'foreign')) await add(d)
  })
}

async function seedRows(db: Db, scale: number, log: (line: string) => void): Promise<SeedResult> {
  const counts = countsFor(scale)
  const timings: Record<string, number> = {}
  const step = async (name: string, run: () => Promise<unknown>) => {
    const started = performance.now()
    await run()
    timings[name] = Math.round(performance.now() - started)
    log(`  ${name.padEnd(26)} ${(timings[name] / 1000).toFixed(1).padStart(6)} s`)
  }

  const { id: orgId } = await db.insertInto('organisations').values({ name: 'Bench Org', slug: `bench-${Date.now().toString(36)}` }).returning('id').executeTakeFirstOrThrow()
  const org = sql`${orgId}`
  const { accounts: A, stakeholders: S, relationships: R, experiences: N } = counts

  const definitions = await dropConstraintsAndIndexes(db)

  await step('users', () =>
    sql`INSERT INTO users (id, org_id, email, name, role, manager_id)
      SELECT ${idOf('u', k)}, ${org}::uuid, 'user' || k || '@bench.example', ${pick(FIRST_NAMES, sql`k * 7`)} || ' ' || ${pick(LAST_NAMES, sql`k * 13`)},
        CASE WHEN k = 1 THEN 'admin' WHEN k <= 4 THEN 'manager' ELSE 'rep' END,
        CASE WHEN k = 1 THEN NULL WHEN k <= 4 THEN ${idOf('u', sql`1`)} ELSE ${idOf('u', sql`2 + k % 3`)} END
      FROM generate_series(1, ${sql.lit(USER_COUNT)}) AS k`.execute(db))

  await step('accounts', () =>
    sql`INSERT INTO accounts (id, org_id, name, domains, tier, industry, owner_id, status, created_at, updated_at)
      SELECT ${idOf('a', k)}, ${org}::uuid, ${companyName(k)}, ARRAY[${companyDomain(k)}],
        CASE WHEN k % 10 = 0 THEN 'strategic' WHEN k % 10 < 3 THEN 'key' ELSE 'standard' END,
        ${pick(INDUSTRIES, k)}, ${idOf('u', sql`5 + k % 16`)},
        CASE WHEN k % 25 = 0 THEN 'at_risk' WHEN k % 25 = 1 THEN 'prospect' WHEN k % 50 = 2 THEN 'churned' ELSE 'active' END,
        now() - interval '3 years' + (k % 365) * interval '1 day', now() - (k % 90) * interval '1 day'
      FROM generate_series(0, ${sql.lit(A - 1)}) AS k`.execute(db))

  // Stakeholder j works at account j mod A: exactly S / A (50 at any scale) people per account.
  const j = sql.raw('j')
  const first = pick(FIRST_NAMES, hash(j, 1))
  const last = pick(LAST_NAMES, hash(j, 2))
  await step('stakeholders', () =>
    sql`INSERT INTO stakeholders (id, org_id, account_id, name, emails, title, influence, attitude, search_text, created_at, updated_at)
      SELECT id, ${org}::uuid, account_id, name, emails, title, influence, attitude,
        -- searchTextOf() in src/domain/stakeholders/schema.ts: name, emails and title, lower-cased
        trim(lower(name || ' ' || array_to_string(emails, ' ') || ' ' || coalesce(title, ''))), created_at, created_at
      FROM (
        SELECT ${idOf('s', j)} AS id, ${idOf('a', sql`j % ${sql.lit(A)}`)} AS account_id,
          ${first} || ' ' || ${last} AS name,
          ARRAY[lower(${first} || '.' || ${last}) || '.' || j || '@' || ${companyDomain(sql`j % ${sql.lit(A)}`)}] AS emails,
          CASE WHEN ${hash(j, 3)} % 5 = 0 THEN NULL ELSE ${pick(TITLES, hash(j, 4))} END AS title,
          (1 + ${hash(j, 5)} % 5)::smallint AS influence,
          ${pick(['champion', 'supporter', 'supporter', 'neutral', 'neutral', 'neutral', 'skeptic', 'detractor'], hash(j, 6))} AS attitude,
          now() - (${hash(j, 7)} % 1000) * interval '1 day' AS created_at
        FROM generate_series(0, ${sql.lit(S - 1)}) AS j
      ) AS s`.execute(db))

  // Relationship r links user 1 + r mod 20 to stakeholder (r * 7919) mod S: a permutation
  // (7919 is prime), so pairs are unique (the restored UNIQUE key checks it) and every account
  // gets R / A of them.
  await step('relationships', () =>
    sql`INSERT INTO relationships (id, org_id, user_id, stakeholder_id, importance, cadence_days, target_strength, created_at, updated_at)
      SELECT ${idOf('r', k)}, ${org}::uuid, ${idOf('u', sql`1 + k % ${sql.lit(USER_COUNT)}`)}, ${idOf('s', sql`(k::bigint * 7919) % ${sql.lit(S)}`)},
        (1 + ${hash(k, 8)} % 5)::smallint, (${textArray(CADENCES.map(String))})[1 + ${hash(k, 9)} % ${sql.lit(CADENCES.length)}]::int, 70,
        now() - (k % 700) * interval '1 day', now() - (k % 30) * interval '1 day'
      FROM generate_series(0, ${sql.lit(R - 1)}) AS k`.execute(db))

  // Experience i involves stakeholder i mod S (10 each at any scale; 500 per account) and one
  // user, and happened at a pseudo-random second of the last two years.
  const i = sql.raw('i')
  const BATCH = 250_000
  for (let from = 0; from < N; from += BATCH) {
    const to = Math.min(N, from + BATCH) - 1
    const range = sql`generate_series(${sql.lit(from)}, ${sql.lit(to)}) AS i`
    await step(`experiences ${from / 1000}k…`, async () => {
      await sql`INSERT INTO experiences (id, org_id, occurred_at, kind, valence, direction, initiator, depth, title, notes, source, external_id, account_id, created_by, created_at, updated_at)
        SELECT ${idOf('e', i)}, ${org}::uuid, occurred_at, kind, valence, direction, initiator, depth, title, notes, source,
          CASE WHEN source = 'manual' THEN NULL ELSE source || '-' || i END,
          ${idOf('a', sql`(i % ${sql.lit(S)}) % ${sql.lit(A)}`)}, ${idOf('u', sql`1 + i % ${sql.lit(USER_COUNT)}`)}, occurred_at, occurred_at
        FROM (
          SELECT i, now() - (${hash(i, 10)} % 63072000) * interval '1 second' AS occurred_at,
            ${pick(KINDS, hash(i, 11))} AS kind,
            CASE WHEN ${hash(i, 12)} % 6 = 0 THEN NULL ELSE ${pick(['-2', '-1', '0', '0', '1', '1', '1', '2', '2'], hash(i, 13))}::smallint END AS valence,
            ${pick(['we_gave', 'we_asked', 'mutual', 'mutual', 'they_gave'], hash(i, 14))} AS direction,
            ${pick(['us', 'us', 'them'], hash(i, 15))} AS initiator,
            ${pick(['routine', 'routine', 'routine', 'meaningful', 'personal'], hash(i, 16))} AS depth,
            ${pick(EXPERIENCE_TITLES, hash(i, 17))} AS title,
            CASE WHEN ${hash(i, 18)} % 3 = 0 THEN 'Discussed next steps, open questions on pricing and the rollout timeline; agreed to follow up within two weeks.' END AS notes,
            ${pick(['manual', 'manual', 'email', 'calendar'], hash(i, 19))} AS source
          FROM ${range}
        ) AS e`.execute(db)
      await sql`INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id)
        SELECT ${org}::uuid, ${idOf('e', i)}, ${idOf('s', sql`i % ${sql.lit(S)}`)} FROM ${range}`.execute(db)
      await sql`INSERT INTO experience_users (org_id, experience_id, user_id)
        SELECT ${org}::uuid, ${idOf('e', i)}, ${idOf('u', sql`1 + i % ${sql.lit(USER_COUNT)}`)} FROM ${range}`.execute(db)
    })
  }

  await step('trust scores', () => seedScores(db, orgId))
  await restoreConstraintsAndIndexes(db, definitions, step)

  // VACUUM as well as ANALYZE: it sets the visibility map (as autovacuum would on a live
  // database) and keeps autovacuum from starting in the middle of a measurement.
  await step('vacuum analyze', () => sql`VACUUM ANALYZE`.execute(db))
  return { orgId, counts, timings }
}

/**
 * Stored trust scores for every relationship, stakeholder and account, as a database in use
 * has them (lists and the account page join them). The values are arbitrary but valid: the
 * benchmark measures reading them, not the trust model.
 */
async function seedScores(db: Db, orgId: string) {
  const { rows: [tables] } = await sql<{ ok: boolean }>`SELECT to_regclass('relationship_scores') IS NOT NULL AND to_regclass('stakeholder_scores') IS NOT NULL AND to_regclass('account_scores') IS NOT NULL AS ok`.execute(db)
  if (!tables?.ok) return
  const score = sql.raw('abs(hashtext(id::text) % 100)')
  const state = sql.raw(`(ARRAY['warming', 'steady', 'steady', 'cooling', 'cold'])[1 + abs(hashtext(id::text || 'state') % 5)]`)
  const lastMeaningful = sql.raw(`now() - abs(hashtext(id::text) % 120) * interval '1 day'`)
  await sql`INSERT INTO relationship_scores (org_id, relationship_id, score, score_28d, state, last_meaningful_at, experience_count, computed_at)
    SELECT org_id, id, ${score}, ${score}, ${state}, ${lastMeaningful}, 10, now() FROM relationships WHERE org_id = ${orgId}`.execute(db)
  await sql`INSERT INTO stakeholder_scores (org_id, stakeholder_id, score, score_28d, state, last_meaningful_at, cadence_days, experience_count, computed_at)
    SELECT org_id, id, ${score}, ${score}, ${state}, ${lastMeaningful}, 30, 10, now() FROM stakeholders WHERE org_id = ${orgId}`.execute(db)
  await sql`INSERT INTO account_scores (org_id, account_id, score, score_28d, state, stakeholder_count, computed_at)
    SELECT a.org_id, a.id, abs(hashtext(a.id::text) % 100), abs(hashtext(a.id::text) % 100), 'steady', count(s.id), now()
    FROM accounts a JOIN stakeholders s ON s.org_id = a.org_id AND s.account_id = a.id WHERE a.org_id = ${orgId} GROUP BY a.org_id, a.id`.execute(db)
}

/** The seeded user the benchmark acts as. */
export const benchUserId = (db: Db) =>
  sql<{ id: string }>`SELECT md5('u' || ${sql.lit(String(BENCH_USER.index))})::uuid AS id`.execute(db).then((r) => r.rows[0]!.id)
