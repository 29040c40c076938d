// Pure figures of a set of reply times (in minutes): the responsiveness KPI and its shape.

/** Histogram buckets of reply times: the upper bound of each, in minutes (the last is open). */
export const REPLY_BUCKETS = [
  { label: '< 1 h', maxMinutes: 60 },
  { label: '1–4 h', maxMinutes: 240 },
  { label: '4–24 h', maxMinutes: 1440 },
  { label: '1–3 days', maxMinutes: 4320 },
  { label: '3–7 days', maxMinutes: 10080 },
  { label: '> 7 days', maxMinutes: Infinity },
] as const

export type Distribution = {
  answered: number
  unanswered: number
  /** Share of mail answered within the target, 0..1 (null when nothing was received). */
  withinTarget: number | null
  medianMinutes: number | null
  p90Minutes: number | null
  histogram: { label: string; count: number }[]
}

/** The p-quantile (0..1) of sorted values, by linear interpolation between closest ranks. */
export function quantile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = (sorted.length - 1) * p
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo)
}

export function distribution(minutes: number[], unanswered: number, targetMinutes: number): Distribution {
  const sorted = [...minutes].sort((a, b) => a - b)
  const histogram = REPLY_BUCKETS.map((b) => ({ label: b.label, count: 0 }))
  for (const m of sorted) histogram[REPLY_BUCKETS.findIndex((b) => m < b.maxMinutes)]!.count++
  const total = sorted.length + unanswered
  const round = (v: number | null) => (v === null ? null : Math.round(v))
  return {
    answered: sorted.length,
    unanswered,
    withinTarget: total === 0 ? null : sorted.filter((m) => m <= targetMinutes).length / total,
    medianMinutes: round(quantile(sorted, 0.5)),
    p90Minutes: round(quantile(sorted, 0.9)),
    histogram,
  }
}
