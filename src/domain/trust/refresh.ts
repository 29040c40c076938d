import type { Db } from '../../db/connect.ts'
import { DAY_MS } from './model.ts'
import * as q from './queries.ts'
import {
  accountPartOf, collectStakeholders, patchHistory, scoreAccount, scoreStakeholder,
  type AccountPart, type AccountScoreValues, type RelationshipScoreValues, type ScoringStakeholder, type StakeholderScoreValues, type StoredScore,
} from './scoring.ts'

export { stakeholderWeight, toTrustExperience } from './scoring.ts'
export { recomputeOrganisation, type RecomputeProgress } from './recompute.ts'

/**
 * The scores to refresh. `changedExperiences`: the experiences the caller wrote after
 * patchHistoriesInThisTransaction, whose entries the stored histories are to be patched with.
 */
export type RefreshTarget = { stakeholderIds: readonly string[]; userIds: readonly string[] | null; accountIds?: readonly string[]; changedExperiences?: readonly string[] }

/**
 * Recompute and store, in the caller's transaction, as of `now`: the scores of these stakeholders
 * and of their relationships with `userIds` (with everyone when null), and of the `accountIds`.
 * The accounts of the stakeholders are queued for settleQueuedAccounts rather than scored here
 * (migration 0017), unless among `accountIds`. Two statements whatever the numbers: one call that
 * locks and reads (stored histories, parameters, the stored scores of the accounts' stakeholders)
 * and one write.
 */
export async function refreshScores(db: Db, orgId: string, target: RefreshTarget, now: Date): Promise<void> {
  const ids = [...new Set(target.stakeholderIds)]
  const accountIds = [...new Set(target.accountIds ?? [])]
  if (ids.length === 0 && accountIds.length === 0) return
  const changed = target.changedExperiences ?? []
  const rows = await q.lockAndListScoringRows(db, orgId, ids, accountIds, changed)
  // Histories built because none was stored are stored; stored ones are patched with the changed
  // experiences' entries (migration 0016).
  const histories: q.HistoryBytes[] = []
  for (const row of rows) {
    if (row.history_built) histories.push({ stakeholder_id: row.id, history: row.history! })
    else if (row.is_given && changed.length > 0) {
      row.history = patchHistory(row.history!, changed, row.changes!)
      histories.push({ stakeholder_id: row.id, history: row.history })
    }
  }
  const stakeholders = collectStakeholders(rows, now)
  const only = target.userIds === null ? undefined : new Set(target.userIds)
  const relationships: RelationshipScoreValues[] = []
  const stakeholderScores: StakeholderScoreValues[] = []
  const fresh = new Map<string, StoredScore>()
  const queued = new Set<string>()
  for (const s of stakeholders.values()) {
    if (!s.isGiven) continue
    const scores = scoreStakeholder(s, s.history, now, only)
    stakeholderScores.push(scores.stakeholder)
    relationships.push(...scores.relationships)
    fresh.set(s.id, scores.stakeholder)
    if (s.accountId !== null && !accountIds.includes(s.accountId)) queued.add(s.accountId)
  }
  await q.writeScores(db, orgId, now, {
    relationships, stakeholders: stakeholderScores, ...scoreAccounts(accountIds, stakeholders, fresh), histories,
    queuedAccounts: [...queued], settledAccounts: accountIds,
  })
}

/**
 * Account scores from their stakeholders: the fresh score where there is one, else the stored
 * one. Accounts left with no scored stakeholder are listed as unscored.
 */
function scoreAccounts(accountIds: readonly string[], stakeholders: ReadonlyMap<string, ScoringStakeholder>, fresh: ReadonlyMap<string, StoredScore>): Pick<q.ScoreWrites, 'accounts' | 'unscoredAccounts'> {
  const parts = new Map<string, AccountPart[]>(accountIds.map((id) => [id, []]))
  for (const s of stakeholders.values()) {
    const list = s.accountId === null ? undefined : parts.get(s.accountId)
    const values = fresh.get(s.id) ?? s.stored
    const part = list && values ? accountPartOf(s, values) : null
    if (part) list!.push(part)
  }
  const accounts: AccountScoreValues[] = []
  const unscoredAccounts: string[] = []
  for (const [accountId, list] of parts) {
    const score = scoreAccount(accountId, list)
    if (score) accounts.push(score)
    else unscoredAccounts.push(accountId)
  }
  return { accounts, unscoredAccounts }
}

/**
 * Bring every score an experience write touches up to date, in the caller's transaction:
 * the relationships between its people on both sides, its stakeholders and their accounts.
 * `changedExperiences`: see RefreshTarget.
 */
export async function refreshTrustAfterWrite(db: Db, orgId: string, stakeholderIds: string[], userIds: string[], now = new Date(), changedExperiences?: readonly string[]): Promise<void> {
  await refreshScores(db, orgId, { stakeholderIds, userIds, changedExperiences }, now)
}

type StakeholderWeightFields = { id: string; account_id: string | null; influence: number; archived_at: Date | null }

/**
 * After a stakeholder's edit, in the caller's transaction: when its account, influence or being
 * archived changed, its account's score (and that of the account it left) follows.
 */
export async function refreshWeightsOf(db: Db, orgId: string, before: StakeholderWeightFields, after: StakeholderWeightFields, now = new Date()): Promise<void> {
  const isArchived = (s: StakeholderWeightFields) => s.archived_at !== null
  if (before.account_id === after.account_id && before.influence === after.influence && isArchived(before) === isArchived(after)) return
  const left = before.account_id !== null && before.account_id !== after.account_id ? [before.account_id] : []
  await refreshScores(db, orgId, { stakeholderIds: [after.id], userIds: [], accountIds: left }, now)
}

/**
 * Score the accounts queued by writes (migration 0017), the longest waiting first, at most `limit`;
 * of one organisation when `orgId` is given (before reading its account scores). Each
 * organisation's in a transaction of its own, or in `db` when it is one. Returns how many.
 */
export async function settleQueuedAccounts(db: Db, { orgId, limit = 500, now = new Date() }: { orgId?: string; limit?: number; now?: Date } = {}): Promise<number> {
  const queued = await q.listQueuedAccounts(db, limit, orgId)
  const byOrg = new Map<string, string[]>()
  for (const { org_id, account_id } of queued) byOrg.set(org_id, [...(byOrg.get(org_id) ?? []), account_id])
  for (const [org, accountIds] of byOrg) {
    const settle = (trx: Db) => refreshScores(trx, org, { stakeholderIds: [], userIds: [], accountIds }, now)
    await (db.isTransaction ? settle(db) : db.transaction().execute(settle))
  }
  return queued.length
}

/** Recompute and store account scores from their stakeholders' stored scores (after a merge moves stakeholders). */
export async function refreshAccountScores(db: Db, orgId: string, accountIds: string[], now: Date): Promise<void> {
  await refreshScores(db, orgId, { stakeholderIds: [], userIds: [], accountIds }, now)
}

/**
 * Apply time decay: recompute the scores of stakeholders whose stored score (or one of whose
 * relationships' scores) is older than `staleBefore` (a day old, by default), with all their
 * relationships and their accounts; at most `limit` stale rows of each kind per call. Run
 * periodically by the server; safe to run anywhere.
 */
export async function refreshStaleScores(db: Db, now: Date, staleBefore = new Date(now.getTime() - DAY_MS), limit = 2000): Promise<number> {
  const rels = await q.listStaleRelationships(db, staleBefore, limit)
  const stakeholders = await q.listStaleStakeholders(db, staleBefore, limit)
  const byOrg = new Map<string, Set<string>>()
  for (const { org_id, stakeholder_id } of [...rels, ...stakeholders]) {
    const ids = byOrg.get(org_id) ?? new Set<string>()
    ids.add(stakeholder_id)
    byOrg.set(org_id, ids)
  }
  for (const [orgId, ids] of byOrg) {
    await db.transaction().execute((trx) => refreshScores(trx, orgId, { stakeholderIds: [...ids], userIds: null }, now))
    await settleQueuedAccounts(db, { orgId, now, limit: 10_000 })
  }
  return rels.length + stakeholders.length
}
