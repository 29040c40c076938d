import type { Db } from '../../db/connect.ts'
import { AppError, invalidReference, notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { listUsers } from '../users/service.ts'
import type { FollowUp, ListFollowUpsQuery, SurveyKind, UpdateFollowUpBody } from './schema.ts'

// Closing the loop: every detractor answer opens a follow-up that its owner must close by saying
// what was done.

/** Open a follow-up; without an owner it goes to the organisation's first admin. */
export async function insertFollowUp(db: Db, orgId: string, input: { responseId: string; ownerId: string | null; dueAt: Date }) {
  const ownerId = input.ownerId ?? (await db.selectFrom('users').select('id').where('org_id', '=', orgId).where('role', '=', 'admin').where('archived_at', 'is', null).orderBy('created_at').limit(1).executeTakeFirst())?.id
  if (!ownerId) return
  await db.insertInto('follow_ups').values({ org_id: orgId, response_id: input.responseId, owner_id: ownerId, due_at: input.dueAt }).onConflict((oc) => oc.doNothing()).execute()
}

function selectFollowUps(db: Db, orgId: string) {
  return db
    .selectFrom('follow_ups as f')
    .innerJoin('survey_responses as x', (j) => j.onRef('x.org_id', '=', 'f.org_id').onRef('x.id', '=', 'f.response_id'))
    .innerJoin('surveys as s', (j) => j.onRef('s.org_id', '=', 'x.org_id').onRef('s.id', '=', 'x.survey_id'))
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'f.org_id').onRef('u.id', '=', 'f.owner_id'))
    .leftJoin('stakeholders as st', (j) => j.onRef('st.org_id', '=', 'x.org_id').onRef('st.id', '=', 'x.stakeholder_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 'x.org_id').onRef('a.id', '=', 'x.account_id'))
    .select([
      'f.id', 'f.response_id', 'f.owner_id', 'u.name as owner_name', 'f.due_at', 'f.created_at', 'f.closed_at', 'f.closed_by', 'f.resolution',
      'x.survey_id', 's.name as survey_name', 'x.kind', 'x.score', 'x.comment', 'x.stakeholder_id', 'st.name as stakeholder_name', 'x.account_id', 'a.name as account_name',
    ])
    .where('f.org_id', '=', orgId)
}
type FollowUpRow = Awaited<ReturnType<ReturnType<typeof selectFollowUps>['executeTakeFirstOrThrow']>>

function toFollowUp(row: FollowUpRow, now = Date.now()): FollowUp {
  return {
    id: row.id,
    responseId: row.response_id,
    surveyId: row.survey_id,
    surveyName: row.survey_name,
    kind: row.kind as SurveyKind,
    score: row.score,
    comment: row.comment,
    stakeholderId: row.stakeholder_id,
    stakeholderName: row.stakeholder_name,
    accountId: row.account_id,
    accountName: row.account_name,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    dueAt: row.due_at.toISOString(),
    isOverdue: !row.closed_at && row.due_at.getTime() < now,
    createdAt: row.created_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    closedBy: row.closed_by,
    resolution: row.resolution,
  }
}

async function load(db: Db, orgId: string, id: string): Promise<FollowUp> {
  const row = await selectFollowUps(db, orgId).where('f.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Follow-up')
  return toFollowUp(row)
}

export async function getFollowUp(db: Db, actor: Actor, id: string): Promise<FollowUp> {
  return load(db, actor.orgId, id)
}

/** Follow-ups by owner, or for everyone in a manager's reporting subtree; open ones by due date. */
export async function listFollowUps(db: Db, actor: Actor, query: ListFollowUpsQuery): Promise<FollowUp[]> {
  let q = selectFollowUps(db, actor.orgId)
  q = (query.status ?? 'open') === 'open' ? q.where('f.closed_at', 'is', null) : q.where('f.closed_at', 'is not', null)
  if (query.ownerId) q = q.where('f.owner_id', '=', query.ownerId === 'me' ? actor.userId : query.ownerId)
  if (query.subtreeOf) {
    const ids = (await listUsers(db, actor, { subtreeOf: query.subtreeOf, includeArchived: true })).map((u) => u.id)
    if (ids.length === 0) return []
    q = q.where('f.owner_id', 'in', ids)
  }
  if (query.accountId) q = q.where('x.account_id', '=', query.accountId)
  const rows = await q.orderBy(query.status === 'closed' ? 'f.closed_at' : 'f.due_at', query.status === 'closed' ? 'desc' : 'asc').orderBy('f.id').limit(query.limit ?? 100).execute()
  return rows.map((r) => toFollowUp(r))
}

export async function closeFollowUp(db: Db, actor: Actor, id: string, resolution: string): Promise<FollowUp> {
  if (!resolution.trim()) throw new AppError('invalid_request', 'Say what was done', [{ pointer: '#/resolution', detail: 'must not be blank' }])
  return db.transaction().execute(async (trx) => {
    const before = await load(trx, actor.orgId, id)
    if (before.closedAt) throw new AppError('conflict', 'This follow-up is already closed')
    await trx.updateTable('follow_ups').set({ closed_at: new Date(), closed_by: actor.via === 'system' ? null : actor.userId, resolution: resolution.trim() })
      .where('org_id', '=', actor.orgId).where('id', '=', id).where('closed_at', 'is', null).execute()
    const after = await load(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'follow_up.closed', 'follow_up', id, before, after)
    return after
  })
}

export async function updateFollowUp(db: Db, actor: Actor, id: string, body: UpdateFollowUpBody): Promise<FollowUp> {
  return db.transaction().execute(async (trx) => {
    const before = await load(trx, actor.orgId, id)
    if (body.ownerId) {
      const owner = await trx.selectFrom('users').select('id').where('org_id', '=', actor.orgId).where('id', '=', body.ownerId).where('archived_at', 'is', null).executeTakeFirst()
      if (!owner) throw invalidReference('#/ownerId', 'is not an active user of this organisation')
    }
    await trx.updateTable('follow_ups').set({ ...(body.ownerId ? { owner_id: body.ownerId } : {}), ...(body.dueAt ? { due_at: new Date(body.dueAt) } : {}) })
      .where('org_id', '=', actor.orgId).where('id', '=', id).execute()
    const after = await load(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'follow_up.updated', 'follow_up', id, before, after)
    return after
  })
}
