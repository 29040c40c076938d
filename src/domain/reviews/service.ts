import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { forbidden, invalidReference, notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { listOverdue } from '../plans/service.ts'
import { listFollowUps } from '../surveys/follow-ups.ts'
import { DAY_MS } from '../trust/model.ts'
import { listSubtreeIds } from '../users/queries.ts'
import type { Commitment, CreateReviewBody, Review, ReviewPrep, ReviewRelationship } from './schema.ts'

const today = (now: Date) => now.toISOString().slice(0, 10)

/** A manager reviews people below them; an admin anyone; nobody reviews themselves. */
async function checkReviewer(db: Db, actor: Actor, reportId: string) {
  const report = await db.selectFrom('users').select(['id', 'name']).where('org_id', '=', actor.orgId).where('id', '=', reportId).executeTakeFirst()
  if (!report) throw notFound('User')
  if (reportId === actor.userId) throw forbidden('A review is held by a manager with a report, not with oneself')
  if (actor.role !== 'admin' && !(await listSubtreeIds(db, actor.orgId, actor.userId)).includes(reportId)) throw forbidden('You can review people in your own team only')
  return report
}

function commitmentQuery(db: Db, orgId: string) {
  return db
    .selectFrom('review_commitments as c')
    .innerJoin('reviews as r', (j) => j.onRef('r.org_id', '=', 'c.org_id').onRef('r.id', '=', 'c.review_id'))
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'c.org_id').onRef('u.id', '=', 'c.owner_id'))
    .select(['c.id', 'c.review_id', 'c.owner_id', 'u.name as owner_name', 'c.text', 'c.due_on', 'c.done_at', 'c.created_at', 'r.report_id'])
    .where('c.org_id', '=', orgId)
}
type CommitmentRow = { id: string; review_id: string; owner_id: string; owner_name: string; text: string; due_on: string | null; done_at: Date | null; created_at: Date }
const toCommitment = (c: CommitmentRow, now: Date): Commitment => ({
  id: c.id, reviewId: c.review_id, ownerId: c.owner_id, ownerName: c.owner_name, text: c.text, dueOn: c.due_on,
  doneAt: c.done_at?.toISOString() ?? null, createdAt: c.created_at.toISOString(), overdue: c.done_at === null && c.due_on !== null && c.due_on < today(now),
})

/** Open commitments from every review with this report, oldest due first. */
export async function listOpenCommitments(db: Db, orgId: string, reportId: string, now = new Date()): Promise<Commitment[]> {
  const rows = await commitmentQuery(db, orgId).where('r.report_id', '=', reportId).where('c.done_at', 'is', null).orderBy(sql`c.due_on asc nulls last`).orderBy('c.created_at').execute()
  return rows.map((r) => toCommitment(r, now))
}

/** A report's relationships with their live trust state (cold worked out as of now, as the attention list does). */
export async function listReportRelationships(db: Db, orgId: string, userId: string, now: Date): Promise<ReviewRelationship[]> {
  const rows = await db
    .selectFrom('relationships as r')
    .innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'r.org_id').onRef('s.id', '=', 'r.stakeholder_id'))
    .leftJoin('relationship_scores as rs', (j) => j.onRef('rs.org_id', '=', 'r.org_id').onRef('rs.relationship_id', '=', 'r.id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 's.org_id').onRef('a.id', '=', 's.account_id'))
    .select(['r.id', 'r.stakeholder_id', 's.name as stakeholder_name', 'a.name as account_name', 'r.importance', 'r.cadence_days', 'rs.score', 'rs.state', 'rs.last_meaningful_at'])
    .where('r.org_id', '=', orgId).where('r.user_id', '=', userId).where('r.archived_at', 'is', null).where('s.archived_at', 'is', null)
    .orderBy('r.importance', 'desc').orderBy('s.name').execute()
  return rows.map((r) => {
    const days = r.last_meaningful_at ? Math.floor((now.getTime() - r.last_meaningful_at.getTime()) / DAY_MS) : null
    const isCold = days === null || days > r.cadence_days
    return { relationshipId: r.id, stakeholderId: r.stakeholder_id, stakeholderName: r.stakeholder_name, accountName: r.account_name, importance: r.importance, cadenceDays: r.cadence_days, score: r.score, state: isCold ? 'cold' : r.state, isCold, daysSinceMeaningful: days }
  })
}

/** Everything a manager needs for a relationship review with one report. */
export async function getReviewPrep(db: Db, actor: Actor, reportId: string, now = new Date()): Promise<ReviewPrep> {
  const report = await checkReviewer(db, actor, reportId)
  // Read as the report would see their own lists; the reviewer's right to see them was checked above.
  const asReport: Actor = { ...actor, userId: reportId }
  const [rels, trend, openCommitments, last, overduePlanActivities, openFollowUps] = await Promise.all([
    listReportRelationships(db, actor.orgId, reportId, now),
    db.selectFrom('kpi_snapshots').select(['week_start', 'trust_avg', 'key_covered', 'key_relationships', 'cold_count'])
      .where('org_id', '=', actor.orgId).where('scope_type', '=', 'user').where('scope_id', '=', reportId).orderBy('week_start', 'desc').limit(13).execute(),
    listOpenCommitments(db, actor.orgId, reportId, now),
    db.selectFrom('reviews').select(['id', 'held_on', 'notes']).where('org_id', '=', actor.orgId).where('report_id', '=', reportId).orderBy('held_on', 'desc').orderBy('created_at', 'desc').limit(1).executeTakeFirst(),
    listOverdue(db, asReport, { scope: 'me' }, now),
    listFollowUps(db, actor, { ownerId: reportId }),
  ])
  return {
    report,
    keyRelationships: rels.filter((r) => r.importance >= 4),
    cold: rels.filter((r) => r.isCold),
    trustTrend: trend.reverse().filter((t) => t.trust_avg !== null).map((t) => ({ at: `${t.week_start}T00:00:00.000Z`, score: t.trust_avg!, coverage: t.key_relationships ? Math.round((t.key_covered / t.key_relationships) * 1000) / 1000 : null, cold: t.cold_count })),
    openCommitments,
    lastReview: last ? { id: last.id, heldOn: last.held_on, notes: last.notes } : null,
    overduePlanActivities,
    openFollowUps,
    notes: [
      ...(trend.length === 0 ? ['No weekly snapshots yet for this person: the trust trend fills in after `tend kpis snapshot`.'] : []),
    ],
  }
}

async function loadReview(db: Db, orgId: string, id: string, now: Date): Promise<Review> {
  const r = await db.selectFrom('reviews').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirstOrThrow()
  const commitments = await commitmentQuery(db, orgId).where('c.review_id', '=', id).orderBy('c.created_at').execute()
  return { id: r.id, managerId: r.manager_id, reportId: r.report_id, heldOn: r.held_on, notes: r.notes, createdAt: r.created_at.toISOString(), commitments: commitments.map((c) => toCommitment(c, now)) }
}

export async function listReviews(db: Db, actor: Actor, reportId: string, now = new Date()): Promise<Review[]> {
  await checkReviewer(db, actor, reportId)
  const ids = await db.selectFrom('reviews').select('id').where('org_id', '=', actor.orgId).where('report_id', '=', reportId).orderBy('held_on', 'desc').orderBy('created_at', 'desc').limit(100).execute()
  return Promise.all(ids.map((r) => loadReview(db, actor.orgId, r.id, now)))
}

/** Record a review: notes, new commitments, and which carried-forward commitments are now done. */
export async function createReview(db: Db, actor: Actor, body: CreateReviewBody, now = new Date()): Promise<Review> {
  return db.transaction().execute(async (trx) => {
    await checkReviewer(trx, actor, body.reportId)
    const owners = [...new Set((body.commitments ?? []).map((c) => c.ownerId))]
    if (owners.length) {
      const found = await trx.selectFrom('users').select('id').where('org_id', '=', actor.orgId).where('id', 'in', owners).execute()
      const known = new Set(found.map((u) => u.id))
      const bad = (body.commitments ?? []).findIndex((c) => !known.has(c.ownerId))
      if (bad >= 0) throw invalidReference(`#/commitments/${bad}/ownerId`, 'is not a user of this organisation')
    }
    const review = await trx.insertInto('reviews').values({ org_id: actor.orgId, manager_id: actor.userId, report_id: body.reportId, held_on: body.heldOn, notes: body.notes ?? '' }).returning('id').executeTakeFirstOrThrow()
    if (body.commitments?.length) {
      await trx.insertInto('review_commitments').values(body.commitments.map((c) => ({ org_id: actor.orgId, review_id: review.id, owner_id: c.ownerId, text: c.text.trim(), due_on: c.dueOn ?? null }))).execute()
    }
    const done = body.completedCommitmentIds ?? []
    if (done.length) {
      const open = new Set((await listOpenCommitments(trx, actor.orgId, body.reportId, now)).map((c) => c.id))
      const bad = done.findIndex((id) => !open.has(id))
      if (bad >= 0) throw invalidReference(`#/completedCommitmentIds/${bad}`, 'is not an open commitment of this report')
      await trx.updateTable('review_commitments').set({ done_at: now }).where('org_id', '=', actor.orgId).where('id', 'in', done).execute()
    }
    const result = await loadReview(trx, actor.orgId, review.id, now)
    await recordAudit(trx, actor, 'review.created', 'review', review.id, null, { ...result, completedCommitmentIds: done })
    return result
  })
}

export async function setCommitmentDone(db: Db, actor: Actor, id: string, done: boolean, now = new Date()): Promise<Commitment> {
  return db.transaction().execute(async (trx) => {
    const row = await commitmentQuery(trx, actor.orgId).where('c.id', '=', id).executeTakeFirst()
    if (!row) throw notFound('Commitment')
    if (row.owner_id !== actor.userId) await checkReviewer(trx, actor, row.report_id)
    await trx.updateTable('review_commitments').set({ done_at: done ? now : null }).where('org_id', '=', actor.orgId).where('id', '=', id).execute()
    const after = await commitmentQuery(trx, actor.orgId).where('c.id', '=', id).executeTakeFirstOrThrow()
    await recordAudit(trx, actor, done ? 'commitment.done' : 'commitment.reopened', 'review_commitment', id, toCommitment(row, now), toCommitment(after, now))
    return toCommitment(after, now)
  })
}
