// Pure survey statistics: NPS, CSAT and ESAT with their confidence intervals. No I/O, no clock.
//
// NPS = % promoters (9–10) − % detractors (0–6), from −100 to 100.
//   95 % interval: the adjusted-Wald interval of Rocks (2016, The American Statistician), which
//   performed best among six methods there: add 3 to n and ¾ to both the promoter and detractor
//   counts, then use the variance of a difference of two proportions from one multinomial sample,
//   var = p + d − (p − d)², with a normal approximation (z = 1.96). The pseudo-counts keep the
//   interval from collapsing to a point when every answer is alike (all passives, one answer).
// CSAT / ESAT = % of answers 4 or 5 on a 1–5 scale.
//   95 % interval: the Wilson score interval for a binomial proportion, which behaves at 0 %, 100 %
//   and small n (the plain Wald interval has zero width there).
// Both are reported in the same units as the score (NPS points or percentage points), clamped to
// the score's range. With one answer the interval is computed the same way but flagged
// `basis: 'single_answer'`: it is very wide and says only that one person answered.

export const Z95 = 1.959963984540054

export type Interval = { low: number; high: number; level: 0.95; method: 'adjusted_wald' | 'wilson' }
export type Basis = 'none' | 'single_answer' | 'sample'

export type NpsStats = {
  n: number
  promoters: number
  passives: number
  detractors: number
  /** null when nobody answered. */
  nps: number | null
  mean: number | null
  ci: Interval | null
  basis: Basis
}

export type SatisfactionStats = {
  n: number
  /** Answers 4–5. */
  satisfied: number
  /** Answers 3. */
  neutral: number
  /** Answers 1–2. */
  dissatisfied: number
  /** % satisfied, 0–100; null when nobody answered. */
  score: number | null
  mean: number | null
  ci: Interval | null
  basis: Basis
}

export type NpsCategory = 'promoter' | 'passive' | 'detractor'
export type SatisfactionCategory = 'satisfied' | 'neutral' | 'dissatisfied'

export function npsCategory(score: number): NpsCategory {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor'
}

export function satisfactionCategory(score: number): SatisfactionCategory {
  return score >= 4 ? 'satisfied' : score === 3 ? 'neutral' : 'dissatisfied'
}

const basisOf = (n: number): Basis => (n === 0 ? 'none' : n === 1 ? 'single_answer' : 'sample')
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
const mean = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length)

/** Adjusted-Wald 95 % interval for NPS, in NPS points (−100…100). */
export function npsInterval(promoters: number, detractors: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null
  const nAdj = n + 3
  const p = (promoters + 0.75) / nAdj
  const d = (detractors + 0.75) / nAdj
  const centre = p - d
  const se = Math.sqrt((p + d - centre * centre) / nAdj)
  return { low: clamp(100 * (centre - z * se), -100, 100), high: clamp(100 * (centre + z * se), -100, 100), level: 0.95, method: 'adjusted_wald' }
}

/** Wilson score 95 % interval for a proportion, in percentage points (0…100). */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null
  const p = successes / n
  const z2 = z * z
  const denom = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denom
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom
  return { low: clamp(100 * (centre - half), 0, 100), high: clamp(100 * (centre + half), 0, 100), level: 0.95, method: 'wilson' }
}

/** NPS of 0–10 answers. */
export function computeNps(scores: readonly number[]): NpsStats {
  let promoters = 0
  let detractors = 0
  for (const s of scores) {
    const c = npsCategory(s)
    if (c === 'promoter') promoters++
    else if (c === 'detractor') detractors++
  }
  const n = scores.length
  return {
    n,
    promoters,
    passives: n - promoters - detractors,
    detractors,
    nps: n === 0 ? null : (100 * (promoters - detractors)) / n,
    mean: mean(scores),
    ci: npsInterval(promoters, detractors, n),
    basis: basisOf(n),
  }
}

/** CSAT (customers) or ESAT (staff) of 1–5 answers: the share answering 4 or 5. */
export function computeSatisfaction(scores: readonly number[]): SatisfactionStats {
  let satisfied = 0
  let neutral = 0
  for (const s of scores) {
    const c = satisfactionCategory(s)
    if (c === 'satisfied') satisfied++
    else if (c === 'neutral') neutral++
  }
  const n = scores.length
  return {
    n,
    satisfied,
    neutral,
    dissatisfied: n - satisfied - neutral,
    score: n === 0 ? null : (100 * satisfied) / n,
    mean: mean(scores),
    ci: wilsonInterval(satisfied, n),
    basis: basisOf(n),
  }
}

/** ESAT groups smaller than this are not shown to anyone: a few answers would identify people. */
export const MIN_ESAT_GROUP = 5

export type Suppressed = { suppressed: true; n: null; reason: string }

/** ESAT of a group, or a suppression notice when the group is below the anonymity threshold. */
export function computeEsat(scores: readonly number[], minGroup = MIN_ESAT_GROUP): SatisfactionStats | Suppressed {
  if (scores.length > 0 && scores.length < minGroup) return { suppressed: true, n: null, reason: `fewer than ${minGroup} answers: hidden to keep them anonymous` }
  return computeSatisfaction(scores)
}

/**
 * Valence (−2…+2) of the experience an answer records for the trust engine. NPS: detractors are
 * negative (0–4 → −2, 5–6 → −1), passives neutral, 9 → +1, 10 → +2. CSAT: 1 → −2 … 5 → +2.
 */
export function answerValence(kind: 'nps' | 'csat', score: number): number {
  if (kind === 'csat') return clamp(Math.round(score) - 3, -2, 2)
  if (score <= 4) return -2
  if (score <= 6) return -1
  if (score <= 8) return 0
  return score === 9 ? 1 : 2
}

/** Whether an answer opens a follow-up: an NPS detractor (0–6) or a dissatisfied CSAT answer (1–2). */
export function needsFollowUp(kind: string, score: number | null): boolean {
  if (score === null) return false
  if (kind === 'nps') return npsCategory(score) === 'detractor'
  if (kind === 'csat') return satisfactionCategory(score) === 'dissatisfied'
  return false
}

export type Period = 'week' | 'month' | 'quarter' | 'year'

/** The first instant (UTC) of the period holding `date`, as YYYY-MM-DD. Weeks start on Monday (ISO). */
export function periodStart(date: Date, period: Period): string {
  const y = date.getUTCFullYear()
  const m = date.getUTCMonth()
  let start: Date
  if (period === 'year') start = new Date(Date.UTC(y, 0, 1))
  else if (period === 'quarter') start = new Date(Date.UTC(y, m - (m % 3), 1))
  else if (period === 'month') start = new Date(Date.UTC(y, m, 1))
  else {
    const day = (date.getUTCDay() + 6) % 7
    start = new Date(Date.UTC(y, m, date.getUTCDate() - day))
  }
  return start.toISOString().slice(0, 10)
}
