import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { AppError, invalidReference, notFound, type FieldError } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { createExperience } from '../experiences/service.ts'
import type { Ambassador, CreateReferralBody, ListReferralsQuery, Referral, UpdateReferralBody } from './schema.ts'

function selectReferrals(db: Db, orgId: string) {
  return db
    .selectFrom('referrals as r')
    .innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'r.org_id').onRef('s.id', '=', 'r.referrer_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 'r.org_id').onRef('a.id', '=', 'r.referred_account_id'))
    .leftJoin('stakeholders as rs', (j) => j.onRef('rs.org_id', '=', 'r.org_id').onRef('rs.id', '=', 'r.referred_stakeholder_id'))
    .select([
      'r.id', 'r.referrer_id', 's.name as referrer_name', 's.account_id as referrer_account_id', 'r.referred_account_id', 'a.name as referred_account_name',
      'r.referred_stakeholder_id', 'rs.name as referred_stakeholder_name', 'r.referred_name', 'r.referred_at', 'r.status', sql<number | null>`r.value::float8`.as('value'),
      'r.currency', 'r.notes', 'r.experience_id', 'r.created_at',
    ])
    .where('r.org_id', '=', orgId)
}
type ReferralRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectReferrals>['executeTakeFirst']>>>

function toReferral(r: ReferralRow): Referral {
  return {
    id: r.id, referrerId: r.referrer_id, referrerName: r.referrer_name, referrerAccountId: r.referrer_account_id, referredAccountId: r.referred_account_id,
    referredAccountName: r.referred_account_name, referredStakeholderId: r.referred_stakeholder_id, referredStakeholderName: r.referred_stakeholder_name,
    referredName: r.referred_name, referredAt: r.referred_at.toISOString(), status: r.status as Referral['status'], value: r.value === null ? null : Number(r.value),
    currency: r.currency, notes: r.notes, experienceId: r.experience_id, createdAt: r.created_at.toISOString(),
  }
}

async function load(db: Db, orgId: string, id: string) {
  const row = await selectReferrals(db, orgId).where('r.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Referral')
  return toReferral(row)
}

export const getReferral = (db: Db, actor: Actor, id: string) => load(db, actor.orgId, id)

export async function listReferrals(db: Db, actor: Actor, query: ListReferralsQuery): Promise<Referral[]> {
  let q = selectReferrals(db, actor.orgId)
  if (query.referrerId) q = q.where('r.referrer_id', '=', query.referrerId)
  if (query.accountId) q = q.where('s.account_id', '=', query.accountId)
  if (query.status) q = q.where('r.status', '=', query.status)
  return (await q.orderBy('r.referred_at', 'desc').orderBy('r.id').limit(500).execute()).map(toReferral)
}

async function exists(db: Db, table: 'stakeholders' | 'accounts', orgId: string, id: string) {
  return !!(await db.selectFrom(table).select('id').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst())
}

/**
 * Record that a stakeholder introduced us to a new account or person. It is a strong positive
 * experience with the referrer (they gave, on their own initiative).
 */
export async function createReferral(db: Db, actor: Actor, body: CreateReferralBody): Promise<Referral> {
  if (!body.referredAccountId && !body.referredStakeholderId && !body.referredName) {
    throw new AppError('invalid_request', 'Say whom they referred', [{ pointer: '#/referredName', detail: 'give referredAccountId, referredStakeholderId or referredName' }])
  }
  if (body.referredStakeholderId && body.referredStakeholderId === body.referrerId) throw new AppError('invalid_request', 'Nobody refers themselves', [{ pointer: '#/referredStakeholderId', detail: 'is the referrer' }])
  const referredAt = body.referredAt ? new Date(body.referredAt) : new Date()
  if (referredAt.getTime() > Date.now() + 86_400_000) throw new AppError('unprocessable', 'A referral cannot be in the future', [{ pointer: '#/referredAt', detail: 'is in the future' }])
  return db.transaction().execute(async (trx) => {
    const errors: FieldError[] = []
    if (!(await exists(trx, 'stakeholders', actor.orgId, body.referrerId))) errors.push({ pointer: '#/referrerId', detail: 'is not a stakeholder of this organisation' })
    if (body.referredAccountId && !(await exists(trx, 'accounts', actor.orgId, body.referredAccountId))) errors.push({ pointer: '#/referredAccountId', detail: 'is not an account of this organisation' })
    if (body.referredStakeholderId && !(await exists(trx, 'stakeholders', actor.orgId, body.referredStakeholderId))) errors.push({ pointer: '#/referredStakeholderId', detail: 'is not a stakeholder of this organisation' })
    if (errors.length) throw new AppError('invalid_reference', 'Some references do not exist in this organisation', errors)
    const rels = await trx.selectFrom('relationships').select('user_id').where('org_id', '=', actor.orgId).where('stakeholder_id', '=', body.referrerId).where('archived_at', 'is', null).execute()
    const userIds = [...new Set([...rels.map((r) => r.user_id), ...(actor.via === 'system' ? [] : [actor.userId])])]
    const experience = userIds.length
      ? await createExperience(trx, actor, {
        occurredAt: referredAt.toISOString(), kind: 'referral', valence: 2, direction: 'they_gave', initiator: 'them', depth: 'meaningful',
        title: 'Referral', notes: body.notes ?? null, stakeholderIds: [body.referrerId], userIds,
      })
      : null
    const { id } = await trx.insertInto('referrals').values({
      org_id: actor.orgId, referrer_id: body.referrerId, referred_account_id: body.referredAccountId ?? null, referred_stakeholder_id: body.referredStakeholderId ?? null,
      referred_name: body.referredName ?? null, referred_at: referredAt, status: body.status ?? 'introduced', value: body.value ?? null, currency: body.currency ?? null,
      notes: body.notes ?? null, experience_id: experience?.id ?? null, created_by: actor.via === 'system' ? null : actor.userId,
    }).returning('id').executeTakeFirstOrThrow()
    const referral = await load(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'referral.created', 'referral', id, null, referral)
    return referral
  })
}

export async function updateReferral(db: Db, actor: Actor, id: string, body: UpdateReferralBody): Promise<Referral> {
  return db.transaction().execute(async (trx) => {
    const before = await load(trx, actor.orgId, id)
    if (body.referredAccountId && !(await exists(trx, 'accounts', actor.orgId, body.referredAccountId))) throw invalidReference('#/referredAccountId', 'is not an account of this organisation')
    await trx.updateTable('referrals').set({
      ...(body.status ? { status: body.status } : {}), ...(body.value !== undefined ? { value: body.value } : {}), ...(body.currency !== undefined ? { currency: body.currency } : {}),
      ...(body.notes !== undefined ? { notes: body.notes } : {}), ...(body.referredAccountId !== undefined ? { referred_account_id: body.referredAccountId } : {}), updated_at: new Date(),
    }).where('org_id', '=', actor.orgId).where('id', '=', id).execute()
    const after = await load(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'referral.updated', 'referral', id, before, after)
    return after
  })
}

/** Ambassadors: stakeholders who referred someone or answered an NPS survey with 9 or 10. */
export async function listAmbassadors(db: Db, actor: Actor, accountId?: string): Promise<Ambassador[]> {
  const { rows } = await sql<{ stakeholder_id: string; name: string; account_id: string | null; account_name: string | null; referrals: number; won_value: number; promoter_answers: number; last_promoter_at: Date | null }>`
    WITH refs AS (
      SELECT referrer_id AS stakeholder_id, count(*)::int AS referrals, coalesce(sum(value) FILTER (WHERE status = 'won'), 0)::float8 AS won_value
      FROM referrals WHERE org_id = ${actor.orgId} GROUP BY referrer_id
    ), proms AS (
      SELECT stakeholder_id, count(*)::int AS promoter_answers, max(submitted_at) AS last_promoter_at
      FROM survey_responses WHERE org_id = ${actor.orgId} AND kind = 'nps' AND score >= 9 AND stakeholder_id IS NOT NULL GROUP BY stakeholder_id
    )
    SELECT s.id AS stakeholder_id, s.name, s.account_id, a.name AS account_name,
      coalesce(refs.referrals, 0) AS referrals, coalesce(refs.won_value, 0) AS won_value, coalesce(proms.promoter_answers, 0) AS promoter_answers, proms.last_promoter_at
    FROM stakeholders s
    LEFT JOIN refs ON refs.stakeholder_id = s.id
    LEFT JOIN proms ON proms.stakeholder_id = s.id
    LEFT JOIN accounts a ON a.org_id = s.org_id AND a.id = s.account_id
    WHERE s.org_id = ${actor.orgId} AND (refs.stakeholder_id IS NOT NULL OR proms.stakeholder_id IS NOT NULL)
      ${accountId ? sql`AND s.account_id = ${accountId}` : sql``}
    ORDER BY coalesce(refs.referrals, 0) DESC, coalesce(proms.promoter_answers, 0) DESC, s.name, s.id
    LIMIT 500`.execute(db)
  return rows.map((r) => ({
    stakeholderId: r.stakeholder_id, name: r.name, accountId: r.account_id, accountName: r.account_name, referrals: Number(r.referrals), wonValue: Number(r.won_value),
    promoterAnswers: Number(r.promoter_answers), lastPromoterAt: r.last_promoter_at ? new Date(r.last_promoter_at).toISOString() : null,
  }))
}
