import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { AppError } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import { hashPassword } from '../auth/secrets.ts'
import { findOrganisationBySlug, insertOrganisation } from '../orgs/queries.ts'
import { searchTextOf } from '../stakeholders/schema.ts'
import { storeMissingHistories } from '../trust/queries.ts'
import { recomputeOrganisation } from '../trust/refresh.ts'
import { findUserByEmail, insertUser } from '../users/queries.ts'
import { loadDemoContacts } from './contacts.ts'
import { seedEngagement } from './engage.ts'
import { planPeople } from './people.ts'
import { seedDemoOutcomes } from './outcomes.ts'
import { createRandom } from './random.ts'
import { planExperiences } from './stories.ts'
import { seedVoice } from './voice.ts'

export const DEMO_SLUG = 'demo'
export const DEMO_PASSWORD = 'tend-demo-password'
export const DEMO_SEED = 1

export type DemoLogin = { email: string; password: string; isNew: boolean }
export type DemoCounts = { users: number; accounts: number; stakeholders: number; relationships: number; experiences: number; participants: number }
export type DemoOrganisation = { orgId: string; name: string; slug: string; email: string; password: string; counts: DemoCounts }
export type DemoOptions = { now?: Date; seed?: number; slug?: string }

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/
// Any fixed number: the advisory lock that makes concurrent first starts create one demo, not two.
const DEMO_LOCK_KEY = 7_340_113

/** The login of a demo organisation's admin; every demo user shares the password. */
export function demoAdminEmail(slug: string): string {
  return `${slug}@tend.example`
}

/**
 * Called on every start of the server. An empty database gets the demo organisation; an existing
 * demo organisation is left as it is; a database with real organisations only is never touched
 * (undefined). Returns the login to show.
 */
export async function ensureDemoOrganisation(db: Db): Promise<DemoLogin | undefined> {
  const existing = await findDemoLogin(db)
  if (existing !== null) return existing
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  const now = new Date()
  const created = await db.transaction().execute(async (trx) => {
    // Several API processes may start at once on one PostgreSQL: the lock lets one seed, the rest then find it.
    await sql`select pg_advisory_xact_lock(${DEMO_LOCK_KEY})`.execute(trx)
    const found = await findDemoLogin(trx)
    if (found !== null) return found
    return seedDemoOrganisation(trx, { slug: DEMO_SLUG, now, seed: DEMO_SEED, passwordHash })
  })
  if (created === undefined || 'isNew' in created) return created
  await scoreDemoOrganisation(db, created.orgId, now)
  return { email: created.email, password: created.password, isNew: true }
}

/** The demo login when the demo exists, undefined when other organisations exist, null when the database is empty. */
async function findDemoLogin(db: Db): Promise<DemoLogin | undefined | null> {
  const demo = await findOrganisationBySlug(db, DEMO_SLUG)
  if (demo) {
    // An organisation someone created with the slug "demo" by hand has no demo login to show.
    const admin = await findUserByEmail(db, demo.id, demoAdminEmail(DEMO_SLUG))
    return admin ? { email: admin.email, password: DEMO_PASSWORD, isNew: false } : undefined
  }
  const any = await db.selectFrom('organisations').select('id').limit(1).executeTakeFirst()
  return any ? undefined : null
}

/** Create a demo organisation (for `tend demo`); the slug must be free. */
export async function createDemoOrganisation(db: Db, options: DemoOptions = {}): Promise<DemoOrganisation> {
  const slug = options.slug ?? DEMO_SLUG
  if (!SLUG_PATTERN.test(slug)) {
    throw new AppError('invalid_request', `"${slug}" is not a valid slug`, [{ parameter: 'slug', detail: 'must be lower-case letters, digits and dashes, starting with a letter or digit' }])
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  const now = options.now ?? new Date()
  const demo = await db.transaction().execute(async (trx) => {
    if (await findOrganisationBySlug(trx, slug)) throw new AppError('conflict', `An organisation with the slug "${slug}" already exists`)
    return seedDemoOrganisation(trx, { slug, now, seed: options.seed ?? DEMO_SEED, passwordHash })
  })
  await scoreDemoOrganisation(db, demo.orgId, now)
  await seedDemoOutcomes(db, demo.orgId, now, options.seed ?? DEMO_SEED)
  return demo
}

/**
 * After the bulk load: refresh the planner's statistics, then compute every trust score, so the
 * demo opens with scores rather than waiting for the background refresh, and store every trust
 * history, so that the first write to each stakeholder need not build it. Without the ANALYZE,
 * the first score queries planned on empty-table estimates took minutes on PGlite (measured:
 * 560 s instead of 3 s), and PGlite has no autovacuum to fix that later.
 */
async function scoreDemoOrganisation(db: Db, orgId: string, now: Date) {
  await sql`analyze organisations, users, accounts, stakeholders, relationships, experiences, experience_stakeholders, experience_users`.execute(db)
  await recomputeOrganisation(db, orgId, now)
  await storeMissingHistories(db, orgId)
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const ROW_BATCH = 1_000
const COLUMN_BATCH = 5_000

type Column = readonly [name: string, pgType: string]
type Cell = string | number | boolean | null

const EXPERIENCE_COLUMNS: Column[] = [
  ['id', 'uuid'], ['org_id', 'uuid'], ['occurred_at', 'timestamptz'], ['kind', 'text'], ['valence', 'smallint'], ['direction', 'text'], ['initiator', 'text'],
  ['depth', 'text'], ['title', 'text'], ['notes', 'text'], ['source', 'text'], ['external_id', 'text'], ['account_id', 'uuid'], ['created_by', 'uuid'],
  ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
]

/**
 * Insert many rows as one array per column: `insert … select * from unnest($1::uuid[], …)`.
 * Tens of thousands of rows go in a few statements with one bind parameter per column, which on
 * PGlite is about 40 % faster than multi-row VALUES (measured) and never nears the 65,535
 * parameter limit. Only for flat rows of scalar values; names and types come from this file.
 */
async function insertColumns(trx: Db, table: string, columns: Column[], rows: Cell[][]) {
  for (const batch of chunks(rows, COLUMN_BATCH)) {
    const arrays = columns.map(([, type], i) => sql`${batch.map((row) => row[i] ?? null)}::${sql.raw(type)}[]`)
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map(([name]) => sql.ref(name)))}) select * from unnest(${sql.join(arrays)})`.execute(trx)
  }
}

/**
 * Build the demo in memory from the sample contacts and the seed, then write it in batched
 * inserts. Must run inside a transaction: half a demo organisation is worse than none. The
 * demo writes other domains' tables directly, as a bulk loader: going through each service
 * would cost one round trip per row and an audit entry per row for data nobody entered.
 */
async function seedDemoOrganisation(trx: Db, input: { slug: string; now: Date; seed: number; passwordHash: string }): Promise<DemoOrganisation> {
  const { slug, now, seed } = input
  const rnd = createRandom(seed)
  const people = planPeople(rnd, loadDemoContacts(), slug, now)
  const experiences = planExperiences(rnd, people, now)
  const name = `Northwind Advisory (${slug})`
  const org = await insertOrganisation(trx, { name, slug })
  const orgId = org.id
  // The demo's captured mail has subjects (experience titles): the organisation keeps them.
  await trx.updateTable('organisations').set({ settings: sql`settings || '{"captureSubjects": true}'::jsonb` as never }).where('id', '=', orgId).execute()

  // One by one and in plan order: managers before the people who report to them.
  for (const u of people.users) {
    await insertUser(trx, { id: u.id, org_id: orgId, email: u.email, name: u.name, role: u.role, manager_id: u.managerId, password_hash: input.passwordHash, created_at: u.createdAt })
  }
  for (const batch of chunks(people.accounts, ROW_BATCH)) {
    await trx.insertInto('accounts').values(batch.map((a) => ({
      id: a.id, org_id: orgId, name: a.name, domains: [a.domain], tier: a.tier, industry: a.industry, owner_id: a.ownerId, status: a.status, notes: a.notes, created_at: a.createdAt,
    }))).execute()
  }
  // Bosses before their reports, so every reports_to_id points at a row already written.
  const stakeholders = [...people.stakeholders].sort((a, b) => a.level - b.level)
  for (const batch of chunks(stakeholders, ROW_BATCH)) {
    await trx.insertInto('stakeholders').values(batch.map((s) => ({
      id: s.id, org_id: orgId, account_id: s.accountId, name: s.name, emails: s.emails, phones: s.phones, title: s.title, reports_to_id: s.reportsToId,
      influence: s.influence, attitude: s.attitude, goals: s.goals, pains: s.pains, interests: s.interests,
      personal_notes: s.personalNotes, has_consent: s.consentAt !== null, consent_at: s.consentAt,
      search_text: searchTextOf({ name: s.name, emails: s.emails, title: s.title }), created_at: s.createdAt,
    }))).execute()
  }
  for (const batch of chunks(people.relationships, ROW_BATCH)) {
    await trx.insertInto('relationships').values(batch.map((r) => ({
      id: r.id, org_id: orgId, user_id: r.userId, stakeholder_id: r.stakeholderId, importance: r.importance, cadence_days: r.cadenceDays,
      target_strength: r.targetStrength, private_notes: r.privateNotes, created_at: r.createdAt,
    }))).execute()
  }
  await insertColumns(trx, 'experiences', EXPERIENCE_COLUMNS, experiences.map((e) => {
    // Logged (or captured) shortly after it happened, never after now.
    const loggedAt = new Date(Math.min(e.occurredAt.getTime() + 3_600_000, now.getTime())).toISOString()
    return [e.id, orgId, e.occurredAt.toISOString(), e.kind, e.valence, e.direction, e.initiator, e.depth, e.title, e.notes, e.source, e.externalId, e.accountId, e.createdBy, loggedAt, loggedAt]
  }))
  const stakeholderLinks = experiences.flatMap((e) => e.stakeholderIds.map((id) => [orgId, e.id, id]))
  await insertColumns(trx, 'experience_stakeholders', [['org_id', 'uuid'], ['experience_id', 'uuid'], ['stakeholder_id', 'uuid']], stakeholderLinks)
  const userLinks = experiences.flatMap((e) => e.userIds.map((id) => [orgId, e.id, id]))
  await insertColumns(trx, 'experience_users', [['org_id', 'uuid'], ['experience_id', 'uuid'], ['user_id', 'uuid']], userLinks)

  await seedEngagement(trx, orgId, people, now)
  const voice = await seedVoice(trx, orgId, people, now)

  const counts: DemoCounts = {
    users: people.users.length,
    accounts: people.accounts.length,
    stakeholders: people.stakeholders.length,
    relationships: people.relationships.length,
    experiences: experiences.length + voice.experiences,
    participants: stakeholderLinks.length + userLinks.length + voice.participants,
  }
  await recordAudit(trx, { orgId, userId: people.head.id, via: 'system' }, 'organisation.created', 'organisation', orgId, null, { name, slug, demo: { seed, now: now.toISOString(), counts } })
  return { orgId, name, slug, email: demoAdminEmail(slug), password: DEMO_PASSWORD, counts }
}
