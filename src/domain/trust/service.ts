import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { forbidden, notFound } from '../../lib/errors.ts'
import type { Actor } from '../auth/roles.ts'
import type { Depth, Direction, ExperienceKind, Source } from '../experiences/vocabulary.ts'
import { getRelationshipRow } from '../relationships/queries.ts'
import { getStakeholderRow } from '../stakeholders/queries.ts'
import { getAccountRow } from '../accounts/queries.ts'
import { isTitleHidden, managedIfPrivate } from '../experiences/privacy.ts'
import { listSubtreeIds } from '../users/queries.ts'
import type { ManagedUsers } from '../users/visibility.ts'
import { computeAggregateScore, computeState, computeTrustScore, computeTrustTrend, DAY_MS, DEFAULT_CADENCE_DAYS, STATE_WINDOW_DAYS, type TrustResult } from './model.ts'
import * as q from './queries.ts'
import { stakeholderWeight, toTrustExperience } from './refresh.ts'
import type { AccountTrust, AttentionItem, RelationshipTrust, StakeholderTrust } from './schema.ts'
import { suggestNextStep } from './suggest.ts'

export const TREND_WEEKS = 52
const WEEK_MS = 7 * DAY_MS

/** Weekly instants for a year up to asOf, oldest first, ending exactly at asOf. */
export function weeklyPoints(asOf: number, weeks = TREND_WEEKS): number[] {
  return Array.from({ length: weeks + 1 }, (_, i) => asOf - (weeks - i) * WEEK_MS)
}

function resolveAsOf(asOf: string | undefined): number {
  return asOf ? new Date(asOf).getTime() : Date.now()
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** The experiences behind a score, each title shown only to whom it is not private (experiences/privacy.ts). */
function explain(result: TrustResult, rows: (q.TrustExperienceRow & { user_ids?: string[] })[], managed: ManagedUsers) {
  const byId = new Map(rows.map((r) => [r.id, r]))
  return result.contributions.map((c) => {
    const row = byId.get(c.experienceId)!
    const isHidden = isTitleHidden(row, row.user_ids ?? [], managed)
    return {
      experienceId: c.experienceId,
      occurredAt: new Date(c.occurredAt).toISOString(),
      kind: row.kind as ExperienceKind,
      title: isHidden ? null : row.title,
      titleHidden: isHidden,
      valence: row.valence,
      direction: row.direction as Direction,
      depth: row.depth as Depth,
      source: row.source as Source,
      impact: Math.round(c.impact * 100) / 100,
      weight: Math.round(c.weight * 1000) / 1000,
    }
  })
}

/** One relationship's score as of any date, the experiences behind it and a year's weekly trend. */
export async function getRelationshipTrust(db: Db, actor: Actor, relationshipId: string, asOfIso?: string): Promise<RelationshipTrust> {
  const rel = await getRelationshipRow(db, actor.orgId, relationshipId)
  if (!rel) throw notFound('Relationship')
  const asOf = resolveAsOf(asOfIso)
  const rows = await q.listRelationshipExperienceRows(db, actor.orgId, [relationshipId], new Date(asOf), true)
  const experiences = rows.map(toTrustExperience)
  const params = { cadenceDays: rel.cadence_days }
  const result = computeTrustScore(experiences, params, asOf)
  return {
    relationshipId,
    asOf: new Date(asOf).toISOString(),
    score: result.score,
    state: result.state,
    isCold: result.isCold,
    lastMeaningfulAt: iso(result.lastMeaningfulAt),
    daysSinceMeaningful: result.daysSinceMeaningful === null ? null : Math.floor(result.daysSinceMeaningful),
    cadenceDays: rel.cadence_days,
    targetStrength: rel.target_strength,
    contributions: explain(result, rows, await managedIfPrivate(db, actor, rows)),
    trend: computeTrustTrend(experiences, params, weeklyPoints(asOf)).map((p) => ({ at: new Date(p.at).toISOString(), score: p.score })),
  }
}

/** A stakeholder's trust in us across all our people, with each relationship's score. */
export async function getStakeholderTrust(db: Db, actor: Actor, stakeholderId: string, asOfIso?: string): Promise<StakeholderTrust> {
  if (!(await getStakeholderRow(db, actor.orgId, stakeholderId))) throw notFound('Stakeholder')
  const asOf = resolveAsOf(asOfIso)
  const [params] = await q.listStakeholderParams(db, actor.orgId, [stakeholderId])
  const cadenceDays = params?.cadence_days ?? DEFAULT_CADENCE_DAYS
  const rows = await q.listStakeholderExperienceRows(db, actor.orgId, [stakeholderId], new Date(asOf), true)
  const experiences = rows.map(toTrustExperience)
  const result = computeTrustScore(experiences, { cadenceDays }, asOf)
  const rels = await db.selectFrom('relationships').select(['id', 'user_id', 'cadence_days']).where('org_id', '=', actor.orgId).where('stakeholder_id', '=', stakeholderId).where('archived_at', 'is', null).execute()
  const relRows = await q.listRelationshipExperienceRows(db, actor.orgId, rels.map((r) => r.id), new Date(asOf))
  const relationships = rels.map((r) => {
    const own = relRows.filter((row) => row.relationship_id === r.id).map(toTrustExperience)
    const s = computeTrustScore(own, { cadenceDays: r.cadence_days }, asOf)
    return { relationshipId: r.id, userId: r.user_id, score: s.score, state: s.state, isCold: s.isCold }
  })
  return {
    stakeholderId,
    asOf: new Date(asOf).toISOString(),
    score: result.score,
    state: result.state,
    isCold: result.isCold,
    lastMeaningfulAt: iso(result.lastMeaningfulAt),
    daysSinceMeaningful: result.daysSinceMeaningful === null ? null : Math.floor(result.daysSinceMeaningful),
    cadenceDays,
    contributions: explain(result, rows, await managedIfPrivate(db, actor, rows)),
    relationships,
    trend: computeTrustTrend(experiences, { cadenceDays }, weeklyPoints(asOf)).map((p) => ({ at: new Date(p.at).toISOString(), score: p.score })),
  }
}

/** An account's trust: its stakeholders' scores weighted by influence × importance, with a weekly trend. */
export async function getAccountTrust(db: Db, actor: Actor, accountId: string, asOfIso?: string): Promise<AccountTrust> {
  if (!(await getAccountRow(db, actor.orgId, accountId))) throw notFound('Account')
  const asOf = resolveAsOf(asOfIso)
  const people = await db.selectFrom('stakeholders').select(['id', 'name']).where('org_id', '=', actor.orgId).where('account_id', '=', accountId).where('archived_at', 'is', null).execute()
  const ids = people.map((p) => p.id)
  const [params, rows] = await Promise.all([q.listStakeholderParams(db, actor.orgId, ids), q.listStakeholderExperienceRows(db, actor.orgId, ids, new Date(asOf))])
  const points = weeklyPoints(asOf)
  const names = new Map(people.map((p) => [p.id, p.name]))
  const stakeholders: AccountTrust['stakeholders'] = []
  const trends: { weight: number; first: number; trend: { at: number; score: number }[] }[] = []
  for (const p of params) {
    const experiences = rows.filter((r) => r.stakeholder_id === p.id).map(toTrustExperience)
    if (experiences.length === 0) continue
    const cadenceDays = p.cadence_days ?? DEFAULT_CADENCE_DAYS
    const weight = stakeholderWeight(p.influence, p.importance)
    const result = computeTrustScore(experiences, { cadenceDays }, asOf)
    stakeholders.push({ stakeholderId: p.id, name: names.get(p.id) ?? '', score: result.score, state: result.state, isCold: result.isCold, weight })
    trends.push({ weight, first: Math.min(...experiences.map((e) => e.occurredAt)), trend: computeTrustTrend(experiences, { cadenceDays }, [...points, asOf - STATE_WINDOW_DAYS * DAY_MS]) })
  }
  // At each point, only stakeholders with history by then take part (as the stored score does).
  const aggregateAt = (i: number, at: number) => computeAggregateScore(trends.filter((t) => t.first <= at).map((t) => ({ score: t.trend[i]!.score, weight: t.weight })))
  const trend = points.map((at, i) => ({ at: new Date(at).toISOString(), score: aggregateAt(i, at) }))
  const score = stakeholders.length ? computeAggregateScore(stakeholders.map((s) => ({ score: s.score, weight: s.weight }))) : null
  const score28 = aggregateAt(points.length, asOf - STATE_WINDOW_DAYS * DAY_MS)
  stakeholders.sort((a, b) => b.weight - a.weight || b.score - a.score)
  return {
    accountId,
    asOf: new Date(asOf).toISOString(),
    score,
    state: score === null ? null : computeState(score, score28, stakeholders.every((s) => s.isCold)),
    trend,
    stakeholders,
  }
}

/**
 * Relationships that need attention now: cold (no meaningful experience within the cadence) or
 * cooling, most important first, then coldest. "Cold" is worked out as of now in SQL from the
 * stored last meaningful experience, so it never lags behind the calendar.
 */
export async function listAttention(db: Db, actor: Actor, query: { scope?: 'me' | 'team' | 'org' | undefined; userId?: string | undefined; limit?: number | undefined }): Promise<AttentionItem[]> {
  const scope = query.scope ?? 'me'
  if (scope === 'org' && actor.role !== 'admin' && actor.role !== 'manager') throw forbidden('Only managers and admins see the whole organisation')
  const root = query.userId ?? actor.userId
  if (query.userId && actor.role !== 'admin' && !(await listSubtreeIds(db, actor.orgId, actor.userId)).includes(query.userId)) throw forbidden('You can see your own team only')
  const userIds = scope === 'org' ? undefined : scope === 'team' ? await listSubtreeIds(db, actor.orgId, root) : [root]
  const now = new Date()
  let qb = db
    .selectFrom('relationships as r')
    .innerJoin('relationship_scores as rs', (j) => j.onRef('rs.org_id', '=', 'r.org_id').onRef('rs.relationship_id', '=', 'r.id'))
    .innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'r.org_id').onRef('s.id', '=', 'r.stakeholder_id'))
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'r.org_id').onRef('u.id', '=', 'r.user_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 's.org_id').onRef('a.id', '=', 's.account_id'))
    .select([
      'r.id', 'r.user_id', 'u.name as user_name', 'r.stakeholder_id', 's.name as stakeholder_name', 's.goals', 's.interests', 's.account_id', 'a.name as account_name',
      'r.importance', 'r.cadence_days', 'rs.score', 'rs.state', 'rs.last_meaningful_at',
      sql<boolean>`(rs.last_meaningful_at is null or rs.last_meaningful_at < ${now}::timestamptz - r.cadence_days * interval '1 day')`.as('is_cold'),
    ])
    .where('r.org_id', '=', actor.orgId)
    .where('r.archived_at', 'is', null)
    .where('s.archived_at', 'is', null)
    .where('u.archived_at', 'is', null)
    .where(sql<boolean>`(rs.last_meaningful_at is null or rs.last_meaningful_at < ${now}::timestamptz - r.cadence_days * interval '1 day' or rs.state = 'cooling')`)
  if (userIds) qb = qb.where('r.user_id', 'in', userIds)
  const rows = await qb
    .orderBy('r.importance', 'desc')
    .orderBy(sql`rs.last_meaningful_at asc nulls first`)
    .orderBy('r.id')
    .limit(query.limit ?? 100)
    .execute()
  return rows.map((r) => {
    const days = r.last_meaningful_at ? Math.floor((now.getTime() - r.last_meaningful_at.getTime()) / DAY_MS) : null
    const state = r.is_cold ? 'cold' : 'cooling'
    return {
      relationshipId: r.id,
      userId: r.user_id,
      userName: r.user_name,
      stakeholderId: r.stakeholder_id,
      stakeholderName: r.stakeholder_name,
      accountId: r.account_id,
      accountName: r.account_name,
      importance: r.importance,
      cadenceDays: r.cadence_days,
      score: r.score,
      state,
      isCold: r.is_cold,
      daysSinceMeaningful: days,
      suggestion: suggestNextStep({ stakeholderName: r.stakeholder_name, isCold: r.is_cold, state, daysSinceMeaningful: days, cadenceDays: r.cadence_days, goals: r.goals, interests: r.interests }),
    }
  })
}
