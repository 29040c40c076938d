import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { forbidden, invalidReference, notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import { can, type Actor } from '../auth/roles.ts'
import { weekStartOf } from '../kpis/compute.ts'
import type { CreateProgrammeBody, Programme, ProgrammeGroup } from './schema.ts'

const canManage = (actor: Actor) => actor.role === 'admin' || actor.role === 'manager'

type FullProgramme = Programme & { members: NonNullable<Programme['members']> }

async function loadProgramme(db: Db, orgId: string, id: string): Promise<FullProgramme> {
  const p = await db.selectFrom('programmes').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
  if (!p) throw notFound('Programme')
  const members = await db.selectFrom('programme_members as m').innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'm.org_id').onRef('u.id', '=', 'm.user_id'))
    .select(['m.user_id', 'u.name', 'm.enrolled_on']).where('m.org_id', '=', orgId).where('m.programme_id', '=', id).orderBy('u.name').execute()
  return { id: p.id, name: p.name, startedOn: p.started_on, memberCount: members.length, members: members.map((m) => ({ userId: m.user_id, name: m.name, enrolledOn: m.enrolled_on })) }
}

/**
 * What the caller may see of a programme: who is enrolled is people-level information, for
 * roles that may see records; analysts see the aggregates only (the count, the group figures).
 */
export function visibleProgramme(actor: Actor, p: FullProgramme): Programme {
  if (can(actor.role, 'records')) return p
  const { members: _hidden, ...rest } = p
  return rest
}

async function checkUsers(db: Db, orgId: string, userIds: string[]) {
  const found = new Set((await db.selectFrom('users').select('id').where('org_id', '=', orgId).where('id', 'in', userIds).execute()).map((u) => u.id))
  const bad = userIds.findIndex((id) => !found.has(id))
  if (bad >= 0) throw invalidReference(`#/userIds/${bad}`, 'is not a user of this organisation')
}

export async function listProgrammes(db: Db, actor: Actor): Promise<Programme[]> {
  const ids = await db.selectFrom('programmes').select('id').where('org_id', '=', actor.orgId).orderBy('started_on', 'desc').execute()
  return Promise.all(ids.map(async (p) => visibleProgramme(actor, await loadProgramme(db, actor.orgId, p.id))))
}

export async function createProgramme(db: Db, actor: Actor, body: CreateProgrammeBody): Promise<Programme> {
  if (!canManage(actor)) throw forbidden('Only managers and admins run programmes')
  return db.transaction().execute(async (trx) => {
    await checkUsers(trx, actor.orgId, body.userIds)
    const p = await trx.insertInto('programmes').values({ org_id: actor.orgId, name: body.name.trim(), started_on: body.startedOn }).returning('id').executeTakeFirstOrThrow()
    await trx.insertInto('programme_members').values(body.userIds.map((user_id) => ({ org_id: actor.orgId, programme_id: p.id, user_id, enrolled_on: body.startedOn }))).execute()
    const programme = await loadProgramme(trx, actor.orgId, p.id)
    await recordAudit(trx, actor, 'programme.created', 'programme', p.id, null, programme)
    return programme
  })
}

export async function enrol(db: Db, actor: Actor, id: string, userIds: string[], enrolledOn?: string): Promise<Programme> {
  if (!canManage(actor)) throw forbidden('Only managers and admins run programmes')
  return db.transaction().execute(async (trx) => {
    const before = await loadProgramme(trx, actor.orgId, id)
    await checkUsers(trx, actor.orgId, userIds)
    await trx.insertInto('programme_members').values(userIds.map((user_id) => ({ org_id: actor.orgId, programme_id: id, user_id, enrolled_on: enrolledOn ?? before.startedOn })))
      .onConflict((oc) => oc.columns(['org_id', 'programme_id', 'user_id']).doNothing()).execute()
    const after = await loadProgramme(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'programme.enrolled', 'programme', id, before, after)
    return after
  })
}

type GroupRow = { week_start: string; cohort: boolean; users: number; trust_avg: number | null; key_covered: number; key_relationships: number; cold: number; experiences: number }
const r3 = (x: number) => Math.round(x * 1000) / 1000
function toGroup(row: GroupRow | undefined): ProgrammeGroup {
  if (!row || row.users === 0) return { users: 0, trustAvg: null, coverage: null, coldPerUser: null, experiencesPerUser: null }
  return {
    users: row.users,
    trustAvg: row.trust_avg === null ? null : Math.round(row.trust_avg * 10) / 10,
    coverage: row.key_relationships > 0 ? r3(row.key_covered / row.key_relationships) : null,
    coldPerUser: r3(row.cold / row.users),
    experiencesPerUser: r3(row.experiences / row.users),
  }
}
const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : r3(a - b))
function diff(now: ProgrammeGroup, base: ProgrammeGroup): ProgrammeGroup {
  return { users: now.users, trustAvg: delta(now.trustAvg, base.trustAvg), coverage: delta(now.coverage, base.coverage), coldPerUser: delta(now.coldPerUser, base.coldPerUser), experiencesPerUser: delta(now.experiencesPerUser, base.experiencesPerUser) }
}

/** The cohort against its baseline week and against everyone not enrolled, week by week, from the user snapshots. */
export async function getProgress(db: Db, actor: Actor, id: string) {
  const programme = await loadProgramme(db, actor.orgId, id)
  const baselineWeek = weekStartOf(Date.parse(`${programme.startedOn}T00:00:00Z`) - 7 * 86_400_000)
  const members = programme.members.map((m) => m.userId)
  const rows = await db.selectFrom('kpi_snapshots')
    .select([
      'week_start',
      sql<boolean>`scope_id = any(${sql.val(members)}::text[])`.as('cohort'),
      sql<number>`count(*)::int`.as('users'),
      sql<number | null>`avg(trust_avg)`.as('trust_avg'),
      sql<number>`sum(key_covered)::int`.as('key_covered'),
      sql<number>`sum(key_relationships)::int`.as('key_relationships'),
      sql<number>`sum(cold_count)::int`.as('cold'),
      sql<number>`sum(experiences)::int`.as('experiences'),
    ])
    .where('org_id', '=', actor.orgId).where('scope_type', '=', 'user').where('week_start', '>=', baselineWeek)
    .groupBy(['week_start', sql`2`]).orderBy('week_start').execute() as GroupRow[]
  const byWeek = new Map<string, { cohort?: GroupRow; others?: GroupRow }>()
  for (const r of rows) {
    const w = byWeek.get(r.week_start) ?? {}
    w[r.cohort ? 'cohort' : 'others'] = r
    byWeek.set(r.week_start, w)
  }
  const weeks = [...byWeek.entries()].map(([weekStart, g]) => ({ weekStart, cohort: toGroup(g.cohort), others: toGroup(g.others) }))
  const baseline = weeks.find((w) => w.weekStart === baselineWeek) ?? null
  const latest = weeks.at(-1)
  const notes = ['Cohort and others are compared on the same weekly snapshots; the difference is an association with enrolment, not proof the programme caused it (who was enrolled, and why, matters).']
  if (!baseline) notes.push(`No snapshot for the baseline week ${baselineWeek}: rebuild snapshots from before the start (tend kpis snapshot --since ${baselineWeek}).`)
  return {
    programme: visibleProgramme(actor, programme),
    baselineWeek,
    baseline: baseline ? { cohort: baseline.cohort, others: baseline.others } : null,
    weeks,
    latestVsBaseline: baseline && latest && latest !== baseline
      ? { cohort: diff(latest.cohort, baseline.cohort), others: diff(latest.others, baseline.others), description: `Change from the baseline week ${baselineWeek} to ${latest.weekStart}` }
      : null,
    notes,
  }
}
