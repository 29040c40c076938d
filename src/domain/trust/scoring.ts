import { DEPTHS, DIRECTIONS, EXPERIENCE_KINDS, INITIATORS, SOURCES, type Depth, type Direction, type ExperienceKind, type Initiator, type Source } from '../experiences/vocabulary.ts'
import type { ScoringRow, TrustExperienceRow } from './queries.ts'
import { canonicalOrder, computeAggregateScore, computeState, computeTrustScore, DEFAULT_CADENCE_DAYS, type TrustExperience, type TrustResult } from './model.ts'

// From database rows to stored scores: the one place where a stakeholder's history becomes the
// scores of the stakeholder, of its relationships and of its account. The full recompute and
// the refresh after a write both go through here, so they give the same numbers by construction.

export function toTrustExperience(row: Omit<TrustExperienceRow, 'title'>): TrustExperience {
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

/** A stakeholder's experiences in canonical (occurredAt, id) order, and the users of each. */
export type History = { stakeholderId: string; experiences: TrustExperience[]; users: string[][] }

/** Bytes per entry of a history as the database builds it (tend_trust_entry, migration 0015). */
export const HISTORY_ENTRY_BYTES = 44
const AT = 16
const CODES = 24
const USER = 28
/** The word of each code (1 + its index in the vocabulary's list; 0, or a code past the list, is an unknown word). */
const wordsOf = (list: readonly string[]) => ['', ...list]
const KINDS = wordsOf(EXPERIENCE_KINDS) as ExperienceKind[]
const DIRECTION_WORDS = wordsOf(DIRECTIONS) as Direction[]
const INITIATOR_WORDS = wordsOf(INITIATORS) as Initiator[]
const DEPTH_WORDS = wordsOf(DEPTHS) as Depth[]
const SOURCE_WORDS = wordsOf(SOURCES) as Source[]
const word = <W extends string>(words: readonly W[], code: number): W => words[code] ?? ('' as W)

// An id as text from its 16 bytes: hex digits written into one buffer, dashes in place, then read
// as one flat string (cheaper than joining slices, and as fast to compare and hash afterwards).
const HEX = Buffer.from('0123456789abcdef', 'latin1')
const ID_TEXT = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1')
const ID_DIGITS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]
function idAt(b: Buffer, o: number): string {
  for (let k = 0; k < 16; k++) {
    const byte = b[o + k]!
    const at = ID_DIGITS[k]!
    ID_TEXT[at] = HEX[byte >> 4]!
    ID_TEXT[at + 1] = HEX[byte & 15]!
  }
  return ID_TEXT.toString('latin1')
}

// Our people are few: each one's id string is made once and then shared by every entry.
const userIds = new Map<string, string>()
function userIdAt(b: Buffer, o: number): string {
  let isNone = true
  for (let k = o; k < o + 16 && isNone; k++) isNone = b[k] === 0
  if (isNone) return ''
  const key = b.toString('latin1', o, o + 16)
  let id = userIds.get(key)
  if (id === undefined) {
    id = idAt(b, o)
    if (userIds.size >= 10_000) userIds.clear()
    userIds.set(key, id)
  }
  return id
}

/**
 * A stakeholder's history from the bytes the database builds (tend_trust_entry, migration 0015:
 * one 44-byte entry per experience and user, in no particular order): in canonical order, one
 * experience with all its users per id; without the experiences after `asOf` (epoch ms), which a
 * stored history (migration 0016) holds too.
 */
export function parseHistory(stakeholderId: string, bytes: Uint8Array, asOf = Infinity): History {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b.length % HISTORY_ENTRY_BYTES !== 0) throw new Error(`history of ${stakeholderId}: ${b.length} bytes is not a whole number of entries`)
  const parsed: TrustExperience[] = []
  const userOf: string[] = []
  for (let o = 0; o < b.length; o += HISTORY_ENTRY_BYTES) {
    // Two halves rather than a BigInt: exact for any time a Date can hold.
    const occurredAt = b.readInt32BE(o + AT) * 4_294_967_296 + b.readUInt32BE(o + AT + 4)
    if (occurredAt > asOf) continue
    const codes = b.readInt32BE(o + CODES)
    const valence = codes & 7
    parsed.push({
      id: idAt(b, o),
      occurredAt,
      valence: valence === 0 ? null : valence - 3,
      kind: word(KINDS, (codes >> 3) & 31), direction: word(DIRECTION_WORDS, (codes >> 8) & 7), initiator: word(INITIATOR_WORDS, (codes >> 11) & 3),
      depth: word(DEPTH_WORDS, (codes >> 13) & 3), source: word(SOURCE_WORDS, (codes >> 15) & 7),
    })
    userOf.push(userIdAt(b, o + USER))
  }
  const order = canonicalOrder(parsed)
  const experiences: TrustExperience[] = []
  const users: string[][] = []
  for (let k = 0; k < parsed.length; k++) {
    const i = order === null ? k : order[k]!
    const experience = parsed[i]!
    if (experiences.length === 0 || experiences[experiences.length - 1]!.id !== experience.id) {
      experiences.push(experience)
      users.push([])
    }
    if (userOf[i]) users[users.length - 1]!.push(userOf[i]!)
  }
  return { stakeholderId, experiences, users }
}

/**
 * A stored history with the entries of the `changed` experiences replaced by `changes` (their
 * entries as they now are; none when archived or no longer the stakeholder's).
 */
export function patchHistory(stored: Uint8Array, changed: readonly string[], changes: Uint8Array): Buffer {
  const b = Buffer.isBuffer(stored) ? stored : Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength)
  const ids = new Set(changed.map((id) => id.replaceAll('-', '').toLowerCase()))
  const kept: Buffer[] = []
  for (let o = 0; o < b.length; o += HISTORY_ENTRY_BYTES) if (!ids.has(b.toString('hex', o, o + 16))) kept.push(b.subarray(o, o + HISTORY_ENTRY_BYTES))
  kept.push(Buffer.from(changes.buffer, changes.byteOffset, changes.byteLength))
  return Buffer.concat(kept)
}

export type RelationshipParams = { id: string; userId: string; cadenceDays: number; importance: number; isActive: boolean }
export type StakeholderParams = { id: string; accountId: string | null; influence: number; isActive: boolean; relationships: RelationshipParams[] }
/** A stakeholder as a refresh reads it: whether it was asked for, and its stored score if any. */
export type ScoringStakeholder = StakeholderParams & { isGiven: boolean; stored: StoredScore | null; history: History | undefined }
export type StoredScore = { score: number; score_28d: number; state: string; experience_count: number }

/** Stakeholders by id, with their relationships, stored scores and (refresh) histories as of `asOf`. */
export function collectStakeholders(rows: readonly ScoringRow[], asOf: Date): Map<string, ScoringStakeholder> {
  const stakeholders = new Map<string, ScoringStakeholder>()
  for (const row of rows) {
    stakeholders.set(row.id, {
      id: row.id, accountId: row.account_id, influence: row.influence, isActive: row.is_active, isGiven: row.is_given,
      stored: row.score === null ? null : { score: row.score, score_28d: row.score_28d!, state: row.state!, experience_count: row.experience_count! },
      relationships: row.relationships.map(([id, userId, cadenceDays, importance, isActive]) => ({ id, userId, cadenceDays, importance, isActive })),
      history: row.history === null || row.history.length === 0 ? undefined : parseHistory(row.id, row.history, asOf.getTime()),
    })
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
