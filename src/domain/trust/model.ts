// Tend's trust model: pure functions, no I/O, no clock (its only import is the vocabulary). See docs/trust-model.md for the
// formula, every parameter and why, and how properties T1–T10 of PRODUCT.md follow.

import { EXPERIENCE_KINDS, type Depth, type Direction, type ExperienceKind, type Initiator, type Source } from '../experiences/vocabulary.ts'

// The words of an experience live in one place; the model re-exports them for its callers.
export { DEPTHS, DIRECTIONS, EXPERIENCE_KINDS, INITIATORS, SOURCES } from '../experiences/vocabulary.ts'
export type { Depth, Direction, ExperienceKind, Initiator, Source }
export const TRUST_STATES = ['warming', 'steady', 'cooling', 'cold'] as const

export type TrustExperience = {
  id: string
  /** epoch ms */
  occurredAt: number
  kind: ExperienceKind
  /** integer -2..2 when a person rated it; null = unrated captured metadata (email/calendar) */
  valence: number | null
  direction: Direction
  initiator: Initiator
  depth: Depth
  source: Source
}
/** cadenceDays: target cadence of meaningful contact, 1..365 */
export type TrustRelationshipParams = { cadenceDays: number }
export type TrustState = (typeof TRUST_STATES)[number]
export type TrustContribution = {
  experienceId: string
  occurredAt: number
  /** signed points this experience contributes to the score as of asOf */
  impact: number
  /** 0..1 share of |impact| among all */
  weight: number
}
export type TrustResult = {
  /** 0..100, rounded to 1 decimal */
  score: number
  state: TrustState
  isCold: boolean
  lastMeaningfulAt: number | null
  daysSinceMeaningful: number | null
  /** the score STATE_WINDOW_DAYS (28 days) before asOf, from the same history: the state compares the two */
  scoreBefore: number
  /** sorted by |impact| desc; empty when computed with { explain: false } */
  contributions: TrustContribution[]
}
export type TrustTrendPoint = { at: number; score: number }
export type AggregatePart = { score: number; weight: number }

export const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS

/** Score scale: score = SCORE_MAX · (1 − e^(−trust/SATURATION_SCALE)); ~12 trust units ≈ 63 points. */
export const SCORE_MAX = 100
export const SATURATION_SCALE = 12
/** Bad is stronger than good: a negative impulse is this many times the positive of the same size. */
export const NEGATIVE_AMPLIFICATION = 2.5
/** ...and it fades this many times more slowly (2.5 × 2 = 5: Gottman's 5:1 over a lifetime). */
export const NEGATIVE_HALF_LIFE_RATIO = 2
/** Positive half-life in days = BASE + PER_CADENCE · cadenceDays (weak ties fade faster). */
export const POSITIVE_HALF_LIFE_BASE_DAYS = 30
export const POSITIVE_HALF_LIFE_PER_CADENCE = 4
/** Extra decay of positive trust while overdue, half-life = BASE + PER_CADENCE · cadenceDays. */
export const INDIFFERENCE_HALF_LIFE_BASE_DAYS = 14
export const INDIFFERENCE_HALF_LIFE_PER_CADENCE = 1
/**
 * Repair (service recovery, mixed evidence, kept modest): rated positives within the window after a
 * rated negative forgive up to this share of its damage, 63 % of that once they add up to
 * REPAIR_SCALE times its size. Never 100 %: an incident is never better than no incident.
 */
export const REPAIR_MAX_FORGIVENESS = 0.5
export const REPAIR_SCALE = 1
export const REPAIR_WINDOW_DAYS = 90
/** Valence value of a rated experience; a neutral rated contact still builds a little familiarity. */
export const NEUTRAL_VALUE = 0.3
/** Value of an unrated captured item (sign from its kind): a quarter of a rated +1. */
export const CAPTURED_VALUE = 0.25
/** Captured items of one kind in one week saturate at this many neutral items' worth. */
export const CAPTURED_WEEKLY_CAP_ITEMS = 2
export const STATE_WINDOW_DAYS = 28
export const STATE_THRESHOLD_POINTS = 3
export const MIN_CADENCE_DAYS = 1
export const MAX_CADENCE_DAYS = 365
export const DEFAULT_CADENCE_DAYS = 30

/**
 * How much an experience of each kind matters (T5: value given > routine contact). Negative kinds
 * weigh 1: their rating says how bad they were.
 */
export const KIND_WEIGHTS: Readonly<Record<ExperienceKind, number>> = {
  email: 0.5, message: 0.5, call: 0.8, meeting: 1, other: 0.8,
  meal: 1.2, visit: 1.2, event: 1.1, gift: 1.1,
  insight: 1.4, invitation: 1.4, personal_moment: 1.5, introduction: 1.6, help: 1.6, referral: 1.6,
  service_failure: 1, complaint: 1, escalation: 1, survey_answer: 1,
}
/** T5: giving counts, asking draws down; T6: the stakeholder giving to us is a sign of trust. */
export const DIRECTION_WEIGHTS: Readonly<Record<Direction, number>> = {
  we_gave: 1.3, they_gave: 1.15, mutual: 1, we_asked: 0.8,
}
/** T6: what the stakeholder initiates is a strong signal. */
export const INITIATOR_WEIGHTS: Readonly<Record<Initiator, number>> = { us: 1, them: 1.4 }
/** T7: personal, meaningful experiences outweigh routine ones. */
export const DEPTH_WEIGHTS: Readonly<Record<Depth, number>> = { routine: 1, meaningful: 1.3, personal: 1.6 }
/** Kinds that are negative when nobody rated them. */
export const NEGATIVE_KINDS: ReadonlySet<ExperienceKind> = new Set(['service_failure', 'escalation', 'complaint'])
/** Kinds that alone are not a meaningful touch (see isMeaningfulExperience). */
export const ROUTINE_KINDS: ReadonlySet<ExperienceKind> = new Set(['email', 'message'])

const KIND_INDEX = new Map<string, number>(EXPERIENCE_KINDS.map((k, i) => [k, i]))
// Map lookups of strings read from a database are several times faster than keyed object loads.
const toMap = (table: Readonly<Record<string, number>>) => new Map<string, number>(Object.entries(table))
const KIND_MAP = toMap(KIND_WEIGHTS)
const DEPTH_MAP = toMap(DEPTH_WEIGHTS)
const DIRECTION_MAP = toMap(DIRECTION_WEIGHTS)
const INITIATOR_MAP = toMap(INITIATOR_WEIGHTS)

/** Rated valence clamped to an integer -2..2, or null when unrated. */
function normalValence(valence: number | null): number | null {
  if (valence === null || !Number.isFinite(valence)) return null
  return Math.max(-2, Math.min(2, Math.round(valence)))
}

/** True when the experience lowers trust: rated negative, or an unrated failure/escalation/complaint. */
export function isNegativeExperience(e: TrustExperience): boolean {
  const v = normalValence(e.valence)
  return v === null ? NEGATIVE_KINDS.has(e.kind) : v < 0
}

/**
 * A meaningful experience is a non-negative one that is rated, or not routine in depth, or
 * of a kind other than email/message, or initiated by the stakeholder. It is what keeps a
 * relationship from going cold; negative experiences never do (a complaint is attention, not care).
 */
export function isMeaningfulExperience(e: TrustExperience): boolean {
  if (isNegativeExperience(e)) return false
  return normalValence(e.valence) !== null || e.depth !== 'routine' || !ROUTINE_KINDS.has(e.kind) || e.initiator === 'them'
}

/**
 * Signed impulse aᵢ of one experience at its own time, before weekly saturation and repair:
 * kind × depth × direction × initiator weights × valence value, × NEGATIVE_AMPLIFICATION if negative.
 */
export function computeBaseImpulse(e: TrustExperience): number {
  return impulseOf(e, normalValence(e.valence))
}

function impulseOf(e: TrustExperience, v: number | null): number {
  // An unknown word (bad data from outside the type system) weighs 1 rather than poisoning sums with NaN.
  const weight = (KIND_MAP.get(e.kind) ?? 1) * (DEPTH_MAP.get(e.depth) ?? 1) *
    (DIRECTION_MAP.get(e.direction) ?? 1) * (INITIATOR_MAP.get(e.initiator) ?? 1)
  const value = v === null ? (NEGATIVE_KINDS.has(e.kind) ? -CAPTURED_VALUE : CAPTURED_VALUE) : v === 0 ? NEUTRAL_VALUE : v
  return value < 0 ? NEGATIVE_AMPLIFICATION * value * weight : value * weight
}

function clampCadence(cadenceDays: number): number {
  if (!Number.isFinite(cadenceDays)) return DEFAULT_CADENCE_DAYS
  return Math.max(MIN_CADENCE_DAYS, Math.min(MAX_CADENCE_DAYS, cadenceDays))
}

/** Half-lives in days for a cadence: positive, negative and indifference (extra, while overdue). */
export function computeHalfLives(cadenceDays: number): { positive: number; negative: number; indifference: number } {
  const c = clampCadence(cadenceDays)
  const positive = POSITIVE_HALF_LIFE_BASE_DAYS + POSITIVE_HALF_LIFE_PER_CADENCE * c
  return {
    positive,
    negative: NEGATIVE_HALF_LIFE_RATIO * positive,
    indifference: INDIFFERENCE_HALF_LIFE_BASE_DAYS + INDIFFERENCE_HALF_LIFE_PER_CADENCE * c,
  }
}

/** Everything about a history that does not depend on asOf, sorted by (occurredAt, id). */
// Per-history arrays are plain number arrays: V8 keeps them packed on the heap, while a typed
// array of more than 64 bytes gets a separate backing store whose allocation and collection cost
// more than the arithmetic on a typical history of a few dozen experiences.
type Prepared = {
  items: readonly TrustExperience[]
  time: number[]
  /** signed impulse before weekly saturation and repair */
  impulse: number[]
  /** captured (unrated) items: index of their (week, kind) bucket; -1 for rated items */
  bucket: number[]
  bucketCap: number[]
  /** rated positives: index of the rated negative they repair; -1 if none */
  repairs: number[]
  /** cumulative overdue time (ms) up to each item's time */
  overdueAt: number[]
  anchorTime: number[]
  anchorOverdue: number[]
  meaningfulTime: number[]
  cadenceMs: number
  /** decay rates per ms */
  rPos: number
  rNeg: number
  rInd: number
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Indices 0..n-1 ordered by key ascending (keys >= 0), equal keys by index. Each key's low 32
 * mantissa bits are replaced by its index so that a typed array's native numeric sort (no
 * comparator calls, several times faster than Array#sort) yields the permutation; an insertion
 * pass then restores exact order among the rare keys that only differed in those bits.
 */
function orderByKey(keys: Float64Array): Uint32Array {
  const n = keys.length
  const order = new Uint32Array(n)
  const before = (i: number, j: number) => keys[i]! < keys[j]! || (keys[i] === keys[j] && i < j)
  if (IS_LITTLE_ENDIAN) {
    const packed = Float64Array.from(keys)
    const words = new Uint32Array(packed.buffer)
    for (let i = 0; i < n; i++) words[2 * i] = i
    packed.sort()
    for (let i = 0; i < n; i++) order[i] = words[2 * i]!
  } else {
    for (let i = 0; i < n; i++) order[i] = i
    order.sort((i, j) => (before(i, j) ? -1 : 1))
  }
  for (let i = 1; i < n; i++) {
    const current = order[i]!
    let j = i
    while (j > 0 && before(current, order[j - 1]!)) {
      order[j] = order[j - 1]!
      j--
    }
    order[j] = current
  }
  return order
}

/** Up to this many experiences, an insertion sort beats the typed-array sort's setup. */
const SMALL_HISTORY = 32

/** canonicalOrder's permutation by insertion sort: stable, so equal ones keep their input order. */
function insertionOrder(experiences: readonly TrustExperience[]): Uint32Array {
  const order = new Uint32Array(experiences.length)
  for (let i = 0; i < order.length; i++) {
    const e = experiences[i]!
    let j = i
    for (; j > 0; j--) {
      const prior = experiences[order[j - 1]!]!
      if (prior.occurredAt < e.occurredAt || (prior.occurredAt === e.occurredAt && prior.id <= e.id)) break
      order[j] = order[j - 1]!
    }
    order[j] = i
  }
  return order
}

/**
 * The permutation that puts experiences in canonical (occurredAt, id) order (equal ones keep their
 * input order), or null when they already are in it. occurredAt must be finite.
 */
export function canonicalOrder(experiences: readonly TrustExperience[]): Uint32Array | null {
  let isSorted = true
  for (let i = 1; i < experiences.length && isSorted; i++) {
    const a = experiences[i - 1]!
    const b = experiences[i]!
    isSorted = a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.id <= b.id)
  }
  if (isSorted) return null
  if (experiences.length <= SMALL_HISTORY) return insertionOrder(experiences)
  let earliest = Infinity
  for (const e of experiences) earliest = Math.min(earliest, e.occurredAt)
  const order = orderByKey(Float64Array.from(experiences, (e) => e.occurredAt - earliest))
  // Same-time experiences are rare; order them by id so the result never depends on input order.
  for (let i = 0; i < order.length; ) {
    const at = experiences[order[i]!]!.occurredAt
    let j = i + 1
    while (j < order.length && experiences[order[j]!]!.occurredAt === at) j++
    if (j - i > 1) order.set(Array.from(order.subarray(i, j)).sort((x, y) => compareIds(experiences[x]!.id, experiences[y]!.id)), i)
    i = j
  }
  return order
}

/** Canonical (occurredAt, id) order; a no-op for input already in that order. */
function sortCanonically(experiences: readonly TrustExperience[]): readonly TrustExperience[] {
  const order = canonicalOrder(experiences)
  return order === null ? experiences : Array.from(order, (i) => experiences[i]!)
}

function prepare(experiences: readonly TrustExperience[], params: TrustRelationshipParams): Prepared {
  // Canonical order makes every floating-point sum independent of input order (T10).
  let isValid = true
  for (const e of experiences) isValid &&= Number.isFinite(e.occurredAt)
  const items = sortCanonically(isValid ? experiences : experiences.filter((e) => Number.isFinite(e.occurredAt)))
  const n = items.length
  const cadenceDays = clampCadence(params.cadenceDays)
  const halfLives = computeHalfLives(cadenceDays)
  const cadenceMs = cadenceDays * DAY_MS
  const time: number[] = []
  const impulse: number[] = []
  const bucket: number[] = []
  const overdueAt: number[] = []
  const anchors: number[] = []
  const anchorOverdue: number[] = []
  const meaningful: number[] = []
  // Items are in time order, so a week's captured items are contiguous: one slot per kind and week.
  const weekSlots = filled(EXPERIENCE_KINDS.length, -1)
  let currentWeek = NaN
  const caps: number[] = []
  const repairs: number[] = []
  const repairWindowMs = REPAIR_WINDOW_DAYS * DAY_MS
  // A positive repairs the latest rated negative strictly before it (same-time ones don't count).
  let latestNegative = -1
  let pendingNegative = -1
  let groupTime = -Infinity
  for (let i = 0; i < n; i++) {
    const e = items[i]!
    const t = e.occurredAt
    time.push(t)
    if (t > groupTime) {
      if (pendingNegative >= 0) latestNegative = pendingNegative
      pendingNegative = -1
      groupTime = t
    }
    const v = normalValence(e.valence)
    const isRated = v !== null
    const a = impulseOf(e, v)
    impulse.push(a)
    if (a < 0 && isRated) pendingNegative = i
    repairs.push(a > 0 && isRated && latestNegative >= 0 && t - time[latestNegative]! <= repairWindowMs ? latestNegative : -1)
    if (!isRated) {
      const week = Math.floor(t / WEEK_MS)
      if (week !== currentWeek) {
        currentWeek = week
        weekSlots.fill(-1)
      }
      const kindIndex = KIND_INDEX.get(e.kind) ?? 0
      let slot = weekSlots[kindIndex]!
      if (slot < 0) {
        slot = caps.length
        weekSlots[kindIndex] = slot
        const unit = (KIND_MAP.get(e.kind) ?? 1) * CAPTURED_VALUE * (a < 0 ? NEGATIVE_AMPLIFICATION : 1)
        caps.push(CAPTURED_WEEKLY_CAP_ITEMS * unit)
      }
      bucket.push(slot)
    } else {
      bucket.push(-1)
    }
    // The indifference clock restarts at the first experience and at every meaningful one
    // (isMeaningfulExperience inlined: a > 0 exactly when the experience is not negative).
    const isMeaningful = a > 0 && (isRated || e.depth !== 'routine' || e.initiator === 'them' || !ROUTINE_KINDS.has(e.kind))
    if (isMeaningful) meaningful.push(t)
    const last = anchors.length - 1
    if (last < 0 || (isMeaningful && anchors[last]! < t)) {
      const overdue = last < 0 ? 0 : anchorOverdue[last]! + Math.max(0, t - anchors[last]! - cadenceMs)
      anchors.push(t)
      anchorOverdue.push(overdue)
    }
    const j = anchors.length - 1
    overdueAt.push(anchorOverdue[j]! + Math.max(0, t - anchors[j]! - cadenceMs))
  }
  return {
    items, time, impulse, bucket, bucketCap: caps, repairs, overdueAt,
    anchorTime: anchors, anchorOverdue, meaningfulTime: meaningful, cadenceMs,
    rPos: decayPerMs(halfLives.positive), rNeg: decayPerMs(halfLives.negative), rInd: decayPerMs(halfLives.indifference),
  }
}

/** Decay rate per ms for a half-life in days. */
function decayPerMs(halfLifeDays: number): number {
  return Math.LN2 / (halfLifeDays * DAY_MS)
}

/** A packed array of n copies of value. */
function filled(n: number, value: number): number[] {
  const array: number[] = []
  for (let i = 0; i < n; i++) array.push(value)
  return array
}

/** Number of entries of a sorted array that are <= x. */
function countAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

type Evaluation = { trust: number; exactScore: number; counted: number; impulses: number[] | null }

/** One pass over the experiences up to asOf; impulses are the per-experience trust units at asOf. */
function evaluate(p: Prepared, asOf: number, withImpulses: boolean): Evaluation {
  const counted = countAtOrBefore(p.time, asOf)
  const impulses = withImpulses ? filled(counted, 0) : null
  if (counted === 0) return { trust: 0, exactScore: 0, counted, impulses }
  // Weekly saturation of captured items (T8): within a (week, kind) bucket the newest item counts
  // fully and each older one only for what it adds below the cap, so any added item adds trust.
  // room[b] = e^(−S/C): the share of bucket b's cap still free after its newer items.
  const room = filled(p.bucketCap.length, 1)
  const amplitude = filled(counted, 0)
  const repairMass = filled(counted, 0)
  for (let i = counted - 1; i >= 0; i--) {
    const a = p.impulse[i]!
    const b = p.bucket[i]!
    if (b >= 0) {
      const cap = p.bucketCap[b]!
      const taken = -Math.expm1(-Math.abs(a) / cap)
      amplitude[i] = Math.sign(a) * cap * room[b]! * taken
      room[b]! *= 1 - taken
    } else {
      amplitude[i] = a
      if (p.repairs[i]! >= 0) repairMass[p.repairs[i]!]! += a
    }
  }
  const j = countAtOrBefore(p.anchorTime, asOf) - 1
  const overdueNow = p.anchorOverdue[j]! + Math.max(0, asOf - p.anchorTime[j]! - p.cadenceMs)
  let trust = 0
  for (let i = 0; i < counted; i++) {
    let a = amplitude[i]!
    const mass = repairMass[i]!
    if (mass > 0) a *= 1 - REPAIR_MAX_FORGIVENESS * -Math.expm1(-mass / (REPAIR_SCALE * -a))
    const age = asOf - p.time[i]!
    // Positives fade faster than negatives, and faster still while the relationship is overdue.
    const y = a > 0 ? a * Math.exp(-p.rPos * age - p.rInd * (overdueNow - p.overdueAt[i]!)) : a * Math.exp(-p.rNeg * age)
    if (impulses) impulses[i] = y
    trust += y
  }
  const exactScore = trust > 0 ? -SCORE_MAX * Math.expm1(-trust / SATURATION_SCALE) : 0
  return { trust, exactScore, counted, impulses }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10
}

/**
 * Unrounded score (0..100) as of asOf, for analysis and tests; computeTrustScore rounds it.
 */
export function computeExactTrustScore(
  experiences: readonly TrustExperience[],
  params: TrustRelationshipParams,
  asOf: number,
): number {
  return evaluate(prepare(experiences, params), asOf, false).exactScore
}

/**
 * Trust score of one relationship as of `asOf` (epoch ms), from every experience with
 * occurredAt <= asOf; later ones are ignored, so any past date is reproducible.
 *
 * score = 100 · (1 − e^(−max(0, Σ yᵢ) / 12)), where yᵢ is experience i's impulse decayed to asOf.
 * Each contribution's impact is yᵢ · g with g = score / Σ yᵢ (100/12 when Σ yᵢ <= 0), so
 * score = max(0, Σ impact) up to rounding. Deterministic and independent of input order.
 * With { explain: false } the contributions are left out (a bulk recompute stores only scores).
 */
export function computeTrustScore(
  experiences: readonly TrustExperience[],
  params: TrustRelationshipParams,
  asOf: number,
  { explain = true }: { explain?: boolean } = {},
): TrustResult {
  const p = prepare(experiences, params)
  const now = evaluate(p, asOf, explain)
  const before = evaluate(p, asOf - STATE_WINDOW_DAYS * DAY_MS, false)
  const m = countAtOrBefore(p.meaningfulTime, asOf)
  const lastMeaningfulAt = m > 0 ? p.meaningfulTime[m - 1]! : null
  const daysSinceMeaningful = lastMeaningfulAt === null ? null : (asOf - lastMeaningfulAt) / DAY_MS
  // Never having had a meaningful experience counts as cold: nobody has touched this relationship.
  const isCold = lastMeaningfulAt === null || asOf - lastMeaningfulAt > p.cadenceMs
  const score = round1(now.exactScore)
  const scoreBefore = round1(before.exactScore)
  if (!explain) return { score, scoreBefore, state: computeState(score, scoreBefore, isCold), isCold, lastMeaningfulAt, daysSinceMeaningful, contributions: [] }
  const gain = now.trust > 0 ? now.exactScore / now.trust : SCORE_MAX / SATURATION_SCALE
  const impulses = now.impulses ?? []
  const magnitude = new Float64Array(now.counted)
  let totalAbs = 0
  for (let i = 0; i < now.counted; i++) {
    magnitude[i] = Math.abs(impulses[i]!)
    totalAbs += magnitude[i]!
  }
  // Largest |impact| first; among equal ones, the most recent first.
  const order = orderByKey(magnitude).reverse()
  const contributions = Array.from(order, (i): TrustContribution => ({
    experienceId: p.items[i]!.id,
    occurredAt: p.items[i]!.occurredAt,
    impact: impulses[i]! * gain,
    weight: totalAbs > 0 ? magnitude[i]! / totalAbs : 0,
  }))
  return {
    score,
    scoreBefore,
    state: computeState(score, scoreBefore, isCold),
    isCold,
    lastMeaningfulAt,
    daysSinceMeaningful,
    contributions,
  }
}

/**
 * Scores at each time in `points` (any order; output in the same order), each equal to
 * computeTrustScore(experiences, params, at).score. Sorts and weighs the history once, then
 * one linear pass per point.
 */
export function computeTrustTrend(
  experiences: readonly TrustExperience[],
  params: TrustRelationshipParams,
  points: readonly number[],
): TrustTrendPoint[] {
  const p = prepare(experiences, params)
  return points.map((at) => ({ at, score: round1(evaluate(p, at, false).exactScore) }))
}

/**
 * Weighted mean of scores, for a stakeholder across our people or an account weighted by
 * influence × importance. Parts with a non-positive or non-finite weight are ignored; with
 * none left the result is 0 (no trust established). Scores are clamped to 0..100; result
 * rounded to 1 decimal.
 */
export function computeAggregateScore(parts: readonly AggregatePart[]): number {
  let sum = 0
  let weights = 0
  for (const { score, weight } of parts) {
    if (!(weight > 0) || !Number.isFinite(weight) || !Number.isFinite(score)) continue
    sum += Math.max(0, Math.min(SCORE_MAX, score)) * weight
    weights += weight
  }
  return weights > 0 ? round1(sum / weights) : 0
}

/**
 * cold if isCold; else warming when the score rose by >= 3 points over 28 days, cooling when
 * it fell by >= 3, steady otherwise.
 */
export function computeState(scoreNow: number, score28DaysAgo: number, isCold: boolean): TrustState {
  if (isCold) return 'cold'
  // Compare at display precision so 0.1-point float noise never flips the state.
  const delta = round1(scoreNow - score28DaysAgo)
  if (delta >= STATE_THRESHOLD_POINTS) return 'warming'
  if (delta <= -STATE_THRESHOLD_POINTS) return 'cooling'
  return 'steady'
}
