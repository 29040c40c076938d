import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { AppError, invalidReference, notFound, unprocessable } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { createExperience } from '../experiences/service.ts'
import type { ExperienceKind } from '../experiences/vocabulary.ts'
import { daysBetween, isValidTimeZone, todayIn } from '../moments/dates.ts'
import { getUserTimeZone, listSubtreeIds } from '../users/queries.ts'
import type {
  Activity, Balance, CompleteActivityBody, CreateActivityBody, CreatePlanBody, ListPlansQuery, OverdueActivity, OverdueQuery, Plan, UpdateActivityBody, UpdatePlanBody,
} from './schema.ts'

const BALANCE_DAYS = 365
/** A done activity becomes an experience of this kind, given by us. */
const EXPERIENCE_KIND: Record<string, ExperienceKind> = { introduction: 'introduction', insight: 'insight', help: 'help', invitation: 'invitation', event: 'event', custom: 'other' }

const PLAN_COLUMNS = ['p.id', 'p.account_id', 'p.stakeholder_id', 'p.title', 'p.objectives', 'p.owner_id', 'p.created_at', 'p.updated_at', 'p.archived_at'] as const

function planRows(db: Db, orgId: string) {
  return db.selectFrom('relationship_plans as p')
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 'p.org_id').onRef('a.id', '=', 'p.account_id'))
    .leftJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'p.org_id').onRef('s.id', '=', 'p.stakeholder_id'))
    .select([...PLAN_COLUMNS, sql<string>`coalesce(a.name, s.name)`.as('subject_name')])
    .where('p.org_id', '=', orgId)
}
type PlanRow = Awaited<ReturnType<ReturnType<typeof planRows>['executeTakeFirstOrThrow']>>

function activityRows(db: Db, orgId: string) {
  return db.selectFrom('plan_activities as pa')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'pa.org_id').onRef('u.id', '=', 'pa.owner_id'))
    .select(['pa.id', 'pa.plan_id', 'pa.kind', 'pa.title', 'pa.notes', 'pa.owner_id', 'u.name as owner_name', 'pa.due_on', 'pa.status', 'pa.done_at', 'pa.experience_id'])
    .where('pa.org_id', '=', orgId)
}
type ActivityRow = Awaited<ReturnType<ReturnType<typeof activityRows>['executeTakeFirstOrThrow']>>

function toActivity(r: ActivityRow, today: string): Activity {
  return {
    id: r.id, planId: r.plan_id, kind: r.kind as Activity['kind'], title: r.title, notes: r.notes, ownerId: r.owner_id, ownerName: r.owner_name,
    dueOn: r.due_on, status: r.status as Activity['status'], isOverdue: r.status === 'planned' && r.due_on !== null && r.due_on < today,
    doneAt: r.done_at?.toISOString() ?? null, experienceId: r.experience_id,
  }
}

/** Give/ask balance from what happened: the directions of the subject's experiences over the last year. */
export async function planBalance(db: Db, orgId: string, subject: { accountId: string | null; stakeholderId: string | null }, now = new Date()): Promise<Balance> {
  const since = new Date(now.getTime() - BALANCE_DAYS * 86_400_000)
  let q = db.selectFrom('experiences as e').select(['e.direction', (eb) => eb.fn.countAll<number>().as('n')])
    .where('e.org_id', '=', orgId).where('e.archived_at', 'is', null).where('e.occurred_at', '>=', since)
  if (subject.stakeholderId) {
    const id = subject.stakeholderId
    q = q.where(({ exists, selectFrom }) => exists(selectFrom('experience_stakeholders as es').select('es.experience_id').whereRef('es.org_id', '=', 'e.org_id').whereRef('es.experience_id', '=', 'e.id').where('es.stakeholder_id', '=', id)))
  } else {
    const accountId = subject.accountId!
    q = q.where((eb) => eb.or([
      eb('e.account_id', '=', accountId),
      eb.exists(eb.selectFrom('experience_stakeholders as es').innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'es.org_id').onRef('s.id', '=', 'es.stakeholder_id'))
        .select('es.experience_id').whereRef('es.org_id', '=', 'e.org_id').whereRef('es.experience_id', '=', 'e.id').where('s.account_id', '=', accountId)),
    ]))
  }
  const rows = await q.groupBy('e.direction').execute()
  const count = (d: string) => Number(rows.find((r) => r.direction === d)?.n ?? 0)
  const weGave = count('we_gave')
  const weAsked = count('we_asked')
  const giveShare = weGave + weAsked === 0 ? null : weGave / (weGave + weAsked)
  const stance = giveShare === null ? 'none' : giveShare >= 0.6 ? 'giving' : giveShare <= 0.4 ? 'taking' : 'balanced'
  return { since: since.toISOString(), weGave, weAsked, mutual: count('mutual'), theyGave: count('they_gave'), giveShare, stance }
}

async function assemble(db: Db, orgId: string, row: PlanRow, today: string): Promise<Plan> {
  const activities = await activityRows(db, orgId).where('pa.plan_id', '=', row.id).orderBy(sql`pa.due_on nulls last`).orderBy('pa.created_at').execute()
  return {
    id: row.id, accountId: row.account_id, stakeholderId: row.stakeholder_id, subjectName: row.subject_name, title: row.title, objectives: row.objectives,
    ownerId: row.owner_id, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString(), archivedAt: row.archived_at?.toISOString() ?? null,
    activities: activities.map((a) => toActivity(a, today)),
    balance: await planBalance(db, orgId, { accountId: row.account_id, stakeholderId: row.stakeholder_id }),
  }
}

async function loadPlanRow(db: Db, orgId: string, id: string) {
  const row = await planRows(db, orgId).where('p.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Plan')
  return row
}

export async function getPlan(db: Db, actor: Actor, id: string): Promise<Plan> {
  return assemble(db, actor.orgId, await loadPlanRow(db, actor.orgId, id), todayIn('UTC'))
}

export async function listPlans(db: Db, actor: Actor, query: ListPlansQuery): Promise<Plan[]> {
  let q = planRows(db, actor.orgId)
  if (query.accountId) q = q.where('p.account_id', '=', query.accountId)
  if (query.stakeholderId) q = q.where('p.stakeholder_id', '=', query.stakeholderId)
  if (!query.includeArchived) q = q.where('p.archived_at', 'is', null)
  const rows = await q.orderBy('p.created_at', 'desc').limit(200).execute()
  const today = todayIn('UTC')
  return Promise.all(rows.map((r) => assemble(db, actor.orgId, r, today)))
}

async function checkUser(db: Db, orgId: string, userId: string, pointer: string) {
  const u = await db.selectFrom('users').select('id').where('org_id', '=', orgId).where('id', '=', userId).where('archived_at', 'is', null).executeTakeFirst()
  if (!u) throw invalidReference(pointer, 'is not an active user of this organisation')
}

export async function createPlan(db: Db, actor: Actor, body: CreatePlanBody): Promise<Plan> {
  if (!!body.accountId === !!body.stakeholderId) throw new AppError('unprocessable', 'A plan is for one account or one stakeholder', [{ pointer: '#/accountId', detail: 'give exactly one of accountId and stakeholderId' }])
  return db.transaction().execute(async (trx) => {
    if (body.accountId && !(await trx.selectFrom('accounts').select('id').where('org_id', '=', actor.orgId).where('id', '=', body.accountId).executeTakeFirst())) throw invalidReference('#/accountId', 'is not an account of this organisation')
    if (body.stakeholderId && !(await trx.selectFrom('stakeholders').select('id').where('org_id', '=', actor.orgId).where('id', '=', body.stakeholderId).executeTakeFirst())) throw invalidReference('#/stakeholderId', 'is not a stakeholder of this organisation')
    const ownerId = body.ownerId ?? actor.userId
    await checkUser(trx, actor.orgId, ownerId, '#/ownerId')
    const { id } = await trx.insertInto('relationship_plans').values({
      org_id: actor.orgId, account_id: body.accountId ?? null, stakeholder_id: body.stakeholderId ?? null, title: body.title, objectives: body.objectives ?? [], owner_id: ownerId,
    }).returning('id').executeTakeFirstOrThrow()
    const plan = await assemble(trx, actor.orgId, await loadPlanRow(trx, actor.orgId, id), todayIn('UTC'))
    await recordAudit(trx, actor, 'plan.created', 'plan', id, null, { ...plan, balance: undefined })
    return plan
  })
}

export async function updatePlan(db: Db, actor: Actor, id: string, body: UpdatePlanBody & { archived?: boolean }): Promise<Plan> {
  return db.transaction().execute(async (trx) => {
    const before = await loadPlanRow(trx, actor.orgId, id)
    if (body.ownerId) await checkUser(trx, actor.orgId, body.ownerId, '#/ownerId')
    await trx.updateTable('relationship_plans').set({
      title: body.title, objectives: body.objectives, owner_id: body.ownerId, updated_at: new Date(),
      ...(body.archived === undefined ? {} : { archived_at: body.archived ? (before.archived_at ?? new Date()) : null }),
    }).where('org_id', '=', actor.orgId).where('id', '=', id).execute()
    const after = await loadPlanRow(trx, actor.orgId, id)
    await recordAudit(trx, actor, body.archived === undefined ? 'plan.updated' : body.archived ? 'plan.archived' : 'plan.restored', 'plan', id, before, after)
    return assemble(trx, actor.orgId, after, todayIn('UTC'))
  })
}

async function loadActivity(db: Db, orgId: string, id: string) {
  const row = await activityRows(db, orgId).where('pa.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Activity')
  return row
}

export async function addActivity(db: Db, actor: Actor, planId: string, body: CreateActivityBody): Promise<Activity> {
  return db.transaction().execute(async (trx) => {
    await loadPlanRow(trx, actor.orgId, planId)
    const ownerId = body.ownerId ?? actor.userId
    await checkUser(trx, actor.orgId, ownerId, '#/ownerId')
    const { id } = await trx.insertInto('plan_activities').values({ org_id: actor.orgId, plan_id: planId, kind: body.kind, title: body.title, notes: body.notes ?? null, owner_id: ownerId, due_on: body.dueOn ?? null })
      .returning('id').executeTakeFirstOrThrow()
    const activity = toActivity(await loadActivity(trx, actor.orgId, id), todayIn('UTC'))
    await recordAudit(trx, actor, 'plan_activity.created', 'plan_activity', id, null, activity)
    return activity
  })
}

export async function updateActivity(db: Db, actor: Actor, id: string, body: UpdateActivityBody): Promise<Activity> {
  return db.transaction().execute(async (trx) => {
    const before = await loadActivity(trx, actor.orgId, id)
    if (before.status === 'done') throw unprocessable('#/status', 'a done activity is an experience now: edit the experience instead')
    if (body.ownerId) await checkUser(trx, actor.orgId, body.ownerId, '#/ownerId')
    await trx.updateTable('plan_activities').set({ kind: body.kind, title: body.title, notes: body.notes, owner_id: body.ownerId, due_on: body.dueOn, status: body.status, updated_at: new Date() })
      .where('org_id', '=', actor.orgId).where('id', '=', id).execute()
    const today = todayIn('UTC')
    const activity = toActivity(await loadActivity(trx, actor.orgId, id), today)
    await recordAudit(trx, actor, 'plan_activity.updated', 'plan_activity', id, toActivity(before, today), activity)
    return activity
  })
}

/** Mark an activity done: it becomes an experience we gave (through the experiences service, so trust refreshes). */
export async function completeActivity(db: Db, actor: Actor, id: string, body: CompleteActivityBody): Promise<Activity> {
  const before = await loadActivity(db, actor.orgId, id)
  if (before.status !== 'planned') throw new AppError('conflict', `The activity is already ${before.status}`, [{ pointer: '#/status', detail: `is ${before.status}` }])
  const plan = await loadPlanRow(db, actor.orgId, before.plan_id)
  const stakeholderIds = body.stakeholderIds ?? (plan.stakeholder_id ? [plan.stakeholder_id] : undefined)
  if (!stakeholderIds) throw unprocessable('#/stakeholderIds', 'an account plan\'s activity needs the stakeholders who received it')
  const experience = await createExperience(db, actor, {
    occurredAt: body.occurredAt ?? new Date().toISOString(),
    kind: EXPERIENCE_KIND[before.kind]!, direction: 'we_gave', initiator: 'us', depth: 'meaningful',
    title: before.title, notes: body.notes ?? before.notes, stakeholderIds, userIds: [before.owner_id],
    ...(plan.account_id ? { accountId: plan.account_id } : {}),
  })
  return db.transaction().execute(async (trx) => {
    const res = await trx.updateTable('plan_activities').set({ status: 'done', done_at: new Date(experience.occurredAt), experience_id: experience.id, updated_at: new Date() })
      .where('org_id', '=', actor.orgId).where('id', '=', id).where('status', '=', 'planned').executeTakeFirst()
    if (Number(res.numUpdatedRows) === 0) throw new AppError('conflict', 'The activity was completed meanwhile')
    const today = todayIn('UTC')
    const activity = toActivity(await loadActivity(trx, actor.orgId, id), today)
    await recordAudit(trx, actor, 'plan_activity.done', 'plan_activity', id, toActivity(before, today), activity)
    return activity
  })
}

/** Open activities past their due day (in `tz`): mine, or my reporting subtree's (the manager's view). */
export async function listOverdue(db: Db, actor: Actor, query: OverdueQuery, now = new Date()): Promise<OverdueActivity[]> {
  const tz = query.tz ?? (await getUserTimeZone(db, actor.orgId, actor.userId))
  if (!isValidTimeZone(tz)) throw new AppError('invalid_request', 'Unknown time zone', [{ parameter: 'tz', detail: 'is not an IANA time zone (e.g. Europe/Paris)' }])
  const today = todayIn(tz, now)
  const owners = query.scope === 'team' ? await listSubtreeIds(db, actor.orgId, actor.userId) : [actor.userId]
  const rows = await activityRows(db, actor.orgId)
    .innerJoin('relationship_plans as p', (j) => j.onRef('p.org_id', '=', 'pa.org_id').onRef('p.id', '=', 'pa.plan_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 'p.org_id').onRef('a.id', '=', 'p.account_id'))
    .leftJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'p.org_id').onRef('s.id', '=', 'p.stakeholder_id'))
    .select(['p.title as plan_title', 'p.account_id', 'p.stakeholder_id', sql<string>`coalesce(a.name, s.name)`.as('subject_name')])
    .where('pa.status', '=', 'planned').where('pa.due_on', '<', today).where('pa.owner_id', 'in', owners).where('p.archived_at', 'is', null)
    .orderBy('pa.due_on').orderBy('pa.id').limit(500).execute()
  return rows.map((r) => ({
    ...toActivity(r, today), planTitle: r.plan_title, subjectName: r.subject_name, accountId: r.account_id, stakeholderId: r.stakeholder_id, daysOverdue: daysBetween(r.due_on!, today),
  }))
}
