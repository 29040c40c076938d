import type { Db } from '../../db/connect.ts'
import type { Depth, Direction, ExperienceKind, Initiator, Source } from '../experiences/vocabulary.ts'
import { computeAggregateScore, computeState, computeTrustScore, DAY_MS, DEFAULT_CADENCE_DAYS, type TrustExperience } from './model.ts'
import * as q from './queries.ts'

export function toTrustExperience(row: q.TrustExperienceRow): TrustExperience {
  return {
    id: row.id,
    occurredAt: row.occurred_at.getTime(),
    kind: row.kind as ExperienceKind,
    valence: row.valence,
    direction: row.direction as Direction,
    initiator: row.initiator as Initiator,
    depth: row.depth as Depth,
    source: row.source as Source,
  }
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = groups.get(k)
    if (list) list.push(row)
    else groups.set(k, [row])
  }
  return groups
}

/**
 * Weight of a stakeholder in their account's score: influence (1–5) × the highest importance
 * (1–5) among our relationships with them (3 when nobody owns one).
 */
export function stakeholderWeight(influence: number, importance: number | null): number {
  return influence * (importance ?? 3)
}

/** Recompute and store the scores of these relationships as of `now`. */
export async function refreshRelationshipScores(db: Db, orgId: string, relationshipIds: string[], now: Date): Promise<void> {
  if (relationshipIds.length === 0) return
  const [params, rows] = await Promise.all([q.listRelationshipParams(db, orgId, relationshipIds), q.listRelationshipExperienceRows(db, orgId, relationshipIds, now)])
  const byRelationship = groupBy(rows, (r) => r.relationship_id)
  const t = now.getTime()
  await q.upsertRelationshipScores(
    db,
    orgId,
    params.map((p) => {
      const experiences = (byRelationship.get(p.id) ?? []).map(toTrustExperience)
      const result = computeTrustScore(experiences, { cadenceDays: p.cadence_days }, t, { explain: false })
      return {
        relationship_id: p.id,
        score: result.score,
        score_28d: result.scoreBefore,
        state: result.state,
        last_meaningful_at: result.lastMeaningfulAt === null ? null : new Date(result.lastMeaningfulAt),
        experience_count: experiences.length,
        computed_at: now,
      }
    }),
  )
}

/** Recompute and store the scores of these stakeholders (their history with all of our people). */
export async function refreshStakeholderScores(db: Db, orgId: string, stakeholderIds: string[], now: Date): Promise<void> {
  if (stakeholderIds.length === 0) return
  const [params, rows] = await Promise.all([q.listStakeholderParams(db, orgId, stakeholderIds), q.listStakeholderExperienceRows(db, orgId, stakeholderIds, now)])
  const byStakeholder = groupBy(rows, (r) => r.stakeholder_id)
  const t = now.getTime()
  await q.upsertStakeholderScores(
    db,
    orgId,
    params.map((p) => {
      const cadenceDays = p.cadence_days ?? DEFAULT_CADENCE_DAYS
      const experiences = (byStakeholder.get(p.id) ?? []).map(toTrustExperience)
      const result = computeTrustScore(experiences, { cadenceDays }, t, { explain: false })
      return {
        stakeholder_id: p.id,
        score: result.score,
        score_28d: result.scoreBefore,
        state: result.state,
        last_meaningful_at: result.lastMeaningfulAt === null ? null : new Date(result.lastMeaningfulAt),
        cadence_days: cadenceDays,
        experience_count: experiences.length,
        computed_at: now,
      }
    }),
  )
}

/** Recompute and store account scores from their stakeholders' stored scores. */
export async function refreshAccountScores(db: Db, orgId: string, accountIds: string[], now: Date): Promise<void> {
  if (accountIds.length === 0) return
  const rows = await q.listAccountStakeholderScores(db, orgId, accountIds)
  const byAccount = groupBy(rows, (r) => r.account_id!)
  const values: q.AccountScoreValues[] = []
  for (const [accountId, parts] of byAccount) {
    const score = computeAggregateScore(parts.map((p) => ({ score: p.score, weight: stakeholderWeight(p.influence, p.importance) })))
    const score28 = computeAggregateScore(parts.map((p) => ({ score: p.score_28d, weight: stakeholderWeight(p.influence, p.importance) })))
    // An account is cold when every stakeholder we have history with has gone cold.
    const isCold = parts.every((p) => p.state === 'cold')
    values.push({ account_id: accountId, score, score_28d: score28, state: computeState(score, score28, isCold), stakeholder_count: parts.length, computed_at: now })
  }
  await q.upsertAccountScores(db, orgId, values)
  // Accounts left with no scored stakeholder have no score at all (not a zero).
  await q.deleteAccountScores(db, orgId, accountIds.filter((id) => !byAccount.has(id)))
}

/**
 * Bring every score an experience write touches up to date, in the caller's transaction:
 * the relationships between its people on both sides, its stakeholders and their accounts.
 */
export async function refreshTrustAfterWrite(db: Db, orgId: string, stakeholderIds: string[], userIds: string[], now = new Date()): Promise<void> {
  const relationshipIds = await q.listRelationshipIdsForPairs(db, orgId, userIds, stakeholderIds)
  await refreshRelationshipScores(db, orgId, relationshipIds, now)
  await refreshStakeholderScores(db, orgId, stakeholderIds, now)
  await refreshAccountScores(db, orgId, await q.listAccountIdsOfStakeholders(db, orgId, stakeholderIds), now)
}

export type RecomputeProgress = { phase: 'relationships' | 'stakeholders' | 'accounts'; done: number; total: number }

const RECOMPUTE_BATCH = 500

/** Rebuild every score of an organisation as of `now`, in batches; reports progress per batch. */
export async function recomputeOrganisation(db: Db, orgId: string, now: Date, onProgress: (p: RecomputeProgress) => void = () => {}): Promise<{ relationships: number; stakeholders: number; accounts: number }> {
  const counts = { relationships: 0, stakeholders: 0, accounts: 0 }
  const phases = [
    ['relationships', refreshRelationshipScores],
    ['stakeholders', refreshStakeholderScores],
    ['accounts', refreshAccountScores],
  ] as const
  for (const [phase, refresh] of phases) {
    const total = await q.countRows(db, orgId, phase)
    let afterId: string | null = null
    for (;;) {
      const ids = await q.listIdsPage(db, orgId, phase, afterId, RECOMPUTE_BATCH)
      if (ids.length === 0) break
      await refresh(db, orgId, ids, now)
      counts[phase] += ids.length
      afterId = ids[ids.length - 1]!
      onProgress({ phase, done: counts[phase], total })
    }
  }
  return counts
}

/**
 * Apply time decay: recompute scores stored before `staleBefore` (a day old, by default), at
 * most `limit` relationships per call. Run periodically by the server; safe to run anywhere.
 */
export async function refreshStaleScores(db: Db, now: Date, staleBefore = new Date(now.getTime() - DAY_MS), limit = 2000): Promise<number> {
  const rels = await q.listStaleRelationships(db, staleBefore, limit)
  const stakeholders = await q.listStaleStakeholders(db, staleBefore, limit)
  const orgs = new Set([...rels.map((r) => r.org_id), ...stakeholders.map((s) => s.org_id)])
  for (const orgId of orgs) {
    await db.transaction().execute(async (trx) => {
      await refreshRelationshipScores(trx, orgId, rels.filter((r) => r.org_id === orgId).map((r) => r.id), now)
      const stakeholderIds = [...new Set([...rels.filter((r) => r.org_id === orgId).map((r) => r.stakeholder_id), ...stakeholders.filter((s) => s.org_id === orgId).map((s) => s.stakeholder_id)])]
      await refreshStakeholderScores(trx, orgId, stakeholderIds, now)
      await refreshAccountScores(trx, orgId, await q.listAccountIdsOfStakeholders(trx, orgId, stakeholderIds), now)
    })
  }
  return rels.length + stakeholders.length
}
