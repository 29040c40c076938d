import type { Depth, Direction, ExperienceKind, Initiator, Source } from '../experiences/vocabulary.ts'
import type { HistoryRow, ScoringParamsRow, TrustExperienceRow } from './queries.ts'
import { computeAggregateScore, computeState, computeTrustScore, DEFAULT_CADENCE_DAYS, type TrustExperience, type TrustResult } from './model.ts'

// From database rows to stored scores: the one place where a stakeholder's history becomes the
// scores of the stakeholder, of its relationships and of its account. The full recompute and
// the refresh after a write both go through here, so they give the same numbers by construction.

export function toTrustExperience(row: TrustExperienceRow): TrustExperience {
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

/**
 * Weight of a stakeholder in their account's score: influence (1–5) × the highest importance
 * (1–5) among our relationships with them (3 when nobody owns one).
 */
export function stakeholderWeight(influence: number, importance: number | null): number {
  return influence * (importance ?? 3)
}

/** A stakeholder's experiences in canonical order, and the users of each. */
export type History = { stakeholderId: string; experiences: TrustExperience[]; users: string[][] }

/**
 * Turns history rows, page by page, into complete histories: `add` returns those that the page
 * closed, `finish` the last one.
 */
export class HistoryReader {
  #current: History | null = null
  #lastId = ''

  add(rows: readonly HistoryRow[]): History[] {
    const done: History[] = []
    for (const row of rows) {
      let history = this.#current
      if (history === null || history.stakeholderId !== row.stakeholder_id) {
        if (history !== null) done.push(history)
        history = { stakeholderId: row.stakeholder_id, experiences: [], users: [] }
        this.#current = history
        this.#lastId = ''
      }
      if (row.id !== this.#lastId) {
        history.experiences.push({
          id: row.id, occurredAt: row.t, kind: row.kind as ExperienceKind, valence: row.valence,
          direction: row.direction as Direction, initiator: row.initiator as Initiator, depth: row.depth as Depth, source: row.source as Source,
        })
        history.users.push([])
        this.#lastId = row.id
      }
      if (row.user_id !== null) history.users[history.users.length - 1]!.push(row.user_id)
    }
    return done
  }

  finish(): History[] {
    const last = this.#current
    this.#current = null
    return last ? [last] : []
  }
}

export type RelationshipParams = { id: string; userId: string; cadenceDays: number; importance: number; isActive: boolean }
export type StakeholderParams = { id: string; accountId: string | null; influence: number; isActive: boolean; relationships: RelationshipParams[] }
/** A stakeholder as a refresh reads it: whether it was asked for, and its stored score if any. */
export type ScoringStakeholder = StakeholderParams & { isGiven: boolean; stored: StoredScore | null }
export type StoredScore = { score: number; score_28d: number; state: string; experience_count: number }

/** Stakeholders with their relationships, from rows of one stakeholder and one relationship each. */
export function collectStakeholders(rows: readonly ScoringParamsRow[]): Map<string, ScoringStakeholder> {
  const stakeholders = new Map<string, ScoringStakeholder>()
  for (const row of rows) {
    let s = stakeholders.get(row.id)
    if (!s) {
      const stored = row.score === null ? null : { score: row.score, score_28d: row.score_28d!, state: row.state!, experience_count: row.experience_count! }
      s = { id: row.id, accountId: row.account_id, influence: row.influence, isActive: row.is_active, isGiven: row.is_given, stored, relationships: [] }
      stakeholders.set(row.id, s)
    }
    if (row.relationship_id !== null) {
      s.relationships.push({ id: row.relationship_id, userId: row.user_id!, cadenceDays: row.cadence_days!, importance: row.importance!, isActive: row.relationship_is_active! })
    }
  }
  return stakeholders
}

export type RelationshipScoreValues = { relationship_id: string; score: number; score_28d: number; state: string; last_meaningful_at: Date | null; experience_count: number }
export type StakeholderScoreValues = { stakeholder_id: string; score: number; score_28d: number; state: string; last_meaningful_at: Date | null; cadence_days: number; experience_count: number }
export type AccountScoreValues = { account_id: string; score: number; score_28d: number; state: string; stakeholder_count: number }

/** A stakeholder's cadence is the shortest among its active relationships (30 days when none). */
export function stakeholderCadence(s: StakeholderParams): number {
  let cadence: number | null = null
  for (const r of s.relationships) if (r.isActive && (cadence === null || r.cadenceDays < cadence)) cadence = r.cadenceDays
  return cadence ?? DEFAULT_CADENCE_DAYS
}

/** The highest importance among a stakeholder's active relationships, or null when it has none. */
export function stakeholderImportance(s: StakeholderParams): number | null {
  let importance: number | null = null
  for (const r of s.relationships) if (r.isActive && (importance === null || r.importance > importance)) importance = r.importance
  return importance
}

const lastMeaningful = (result: TrustResult) => (result.lastMeaningfulAt === null ? null : new Date(result.lastMeaningfulAt))

/**
 * Scores of a stakeholder (its whole history, with any of our people) and of its relationships
 * (the experiences its user shared), as of `now`. `onlyUsers` limits the relationships scored to
 * those of these users. A relationship whose history and cadence equal the stakeholder's (one
 * owner, as is common) takes the stakeholder's result: the model is a pure function.
 */
export function scoreStakeholder(s: StakeholderParams, history: History | undefined, now: Date, onlyUsers?: ReadonlySet<string>) {
  const t = now.getTime()
  const experiences = history?.experiences ?? []
  const users = history?.users ?? []
  const cadenceDays = stakeholderCadence(s)
  const result = computeTrustScore(experiences, { cadenceDays }, t, { explain: false })
  const stakeholder: StakeholderScoreValues = {
    stakeholder_id: s.id, score: result.score, score_28d: result.scoreBefore, state: result.state, last_meaningful_at: lastMeaningful(result),
    cadence_days: cadenceDays, experience_count: experiences.length,
  }
  const relationships: RelationshipScoreValues[] = []
  for (const r of s.relationships) {
    if (onlyUsers && !onlyUsers.has(r.userId)) continue
    const own = experiences.filter((_, i) => users[i]!.includes(r.userId))
    const same = own.length === experiences.length && r.cadenceDays === cadenceDays
    const rr = same ? result : computeTrustScore(own, { cadenceDays: r.cadenceDays }, t, { explain: false })
    relationships.push({
      relationship_id: r.id, score: rr.score, score_28d: rr.scoreBefore, state: rr.state, last_meaningful_at: lastMeaningful(rr),
      experience_count: own.length,
    })
  }
  return { stakeholder, relationships }
}

/** What an account's score is made of, per scored stakeholder. */
export type AccountPart = { stakeholderId: string; score: number; score_28d: number; state: string; influence: number; importance: number | null }

/**
 * An account's score: its scored stakeholders' scores weighted by influence × importance. An
 * account is cold when every stakeholder we have history with has gone cold. Null when no
 * stakeholder has history: the account then has no score at all (not a zero).
 */
export function scoreAccount(accountId: string, unordered: readonly AccountPart[]): AccountScoreValues | null {
  if (unordered.length === 0) return null
  // One order for the sums, whatever order the parts were read in: every path gives the same bits.
  const parts = [...unordered].sort((x, y) => (x.stakeholderId < y.stakeholderId ? -1 : x.stakeholderId > y.stakeholderId ? 1 : 0))
  const score = computeAggregateScore(parts.map((p) => ({ score: p.score, weight: stakeholderWeight(p.influence, p.importance) })))
  const score28 = computeAggregateScore(parts.map((p) => ({ score: p.score_28d, weight: stakeholderWeight(p.influence, p.importance) })))
  const isCold = parts.every((p) => p.state === 'cold')
  return { account_id: accountId, score, score_28d: score28, state: computeState(score, score28, isCold), stakeholder_count: parts.length }
}

/** A stakeholder counts in its account's score when it is active and has history. */
export function accountPartOf(s: StakeholderParams, values: StoredScore): AccountPart | null {
  if (!s.isActive || values.experience_count === 0) return null
  return { stakeholderId: s.id, score: values.score, score_28d: values.score_28d, state: values.state, influence: s.influence, importance: stakeholderImportance(s) }
}
