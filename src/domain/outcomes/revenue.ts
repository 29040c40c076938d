// Revenue sums over date windows, per account and currency, read from the monthly rollup
// (revenue_monthly and revenue_totals, kept by triggers on revenue_entries: migration 0011)
// and exactly equal to summing the entries themselves.
//
// A whole calendar month that no window edge cuts lies entirely inside or outside every window,
// so its rollup row stands for its entries. A month that an edge cuts (an edge not on the 1st)
// is read from its entries. "Since the beginning" windows are the account's total minus what
// was booked from the window's end on, so lifetime value reads the few rows after `to`, not
// every month since the first. Sums are done in SQL numeric: no floating-point drift.
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../db/connect.ts'

/** [from, to) over booked_on (YYYY-MM-DD); from null = since the beginning, to null = no end. */
export type RevenueWindow = { from: string | null; to: string | null }
export type RevenuePlan = {
  /** Read rollup months from this month start … */
  monthsFrom: string | null
  /** … to before this date (null: no end), except the cut months. */
  monthsTo: string | null
  /** Months an edge cuts: read from their entries instead. */
  cutMonths: string[]
  /** Entry ranges [from, to) covering the cut months (within the read span). */
  entryRanges: { from: string; to: string }[]
  /** Whether any window needs the all-time totals. */
  needsTotals: boolean
}

/** First day of the month holding `day`. */
export const monthOf = (day: string) => `${day.slice(0, 7)}-01`
/** First day of the following month. */
export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}-01`
}
const minOf = (xs: (string | null)[]) => (xs.includes(null) ? null : (xs as string[]).reduce((a, b) => (a < b ? a : b)))
const maxOf = (xs: (string | null)[]) => (xs.includes(null) ? null : (xs as string[]).reduce((a, b) => (a > b ? a : b)))

/**
 * Which rollup months and which entries to read for these windows. Pure. A window with no
 * start is read as (total − [its end, ∞)), so the span read is the union of the bounded
 * windows and of [end, ∞) of the unbounded ones.
 */
export function planRevenueRead(windows: readonly RevenueWindow[]): RevenuePlan {
  if (windows.length === 0) throw new Error('planRevenueRead needs at least one window')
  // A window with no start reads [its end, ∞) to take away from the total; with no end either, nothing.
  const read: { from: string; to: string | null }[] = []
  for (const w of windows) {
    if (w.from !== null) read.push({ from: w.from, to: w.to })
    else if (w.to !== null) read.push({ from: w.to, to: null })
  }
  const needsTotals = windows.some((w) => w.from === null)
  if (read.length === 0) return { monthsFrom: null, monthsTo: null, cutMonths: [], entryRanges: [], needsTotals }
  const lo = minOf(read.map((s) => s.from))!
  const hi = maxOf(read.map((s) => s.to))
  const edges = new Set<string>()
  for (const s of read) {
    edges.add(s.from)
    if (s.to !== null) edges.add(s.to)
  }
  const cutMonths = [...new Set([...edges].filter((e) => monthOf(e) !== e).map(monthOf))].sort()
  const entryRanges: { from: string; to: string }[] = []
  for (const m of cutMonths) {
    const from = m < lo ? lo : m
    const end = nextMonth(m)
    const to = hi !== null && hi < end ? hi : end
    if (from >= to) continue
    const last = entryRanges.at(-1)
    if (last && last.to === from) last.to = to
    else entryRanges.push({ from, to })
  }
  return { monthsFrom: monthOf(lo), monthsTo: hi, cutMonths, entryRanges, needsTotals }
}

export type RevenueSums = { accountId: string; currency: string; sums: (number | null)[] }

/**
 * Revenue per account and currency in each window (null where nothing was booked in it), for
 * one organisation. One query: rollup rows, cut months' entries and totals, summed in SQL.
 */
export async function sumRevenue(db: Db, orgId: string, windows: readonly RevenueWindow[]): Promise<RevenueSums[]> {
  const plan = planRevenueRead(windows)
  const parts: RawBuilder<unknown>[] = []
  if (plan.monthsFrom !== null) {
    parts.push(sql`SELECT account_id, currency, month_start AS d, amount, entries AS n FROM revenue_monthly
      WHERE org_id = ${orgId} AND month_start >= ${plan.monthsFrom}::date
      ${plan.monthsTo === null ? sql`` : sql`AND month_start < ${plan.monthsTo}::date`}
      ${plan.cutMonths.length ? sql`AND month_start <> ALL(${sql.val(plan.cutMonths)}::date[])` : sql``}`)
  }
  if (plan.entryRanges.length) {
    const ranges = sql.join(plan.entryRanges.map((r) => sql`(booked_on >= ${r.from}::date AND booked_on < ${r.to}::date)`), sql` OR `)
    parts.push(sql`SELECT account_id, currency, booked_on AS d, amount, 1 AS n FROM revenue_entries WHERE org_id = ${orgId} AND (${ranges})`)
  }
  if (plan.needsTotals) parts.push(sql`SELECT account_id, currency, NULL::date AS d, amount, entries AS n FROM revenue_totals WHERE org_id = ${orgId}`)

  // A bounded window's sum is null when no row falls in it, and a rollup row exists only when it
  // has entries, so null means "nothing booked" as when summing entries. A window since the
  // beginning is the total less what came from its end on; entry counts tell whether anything
  // is left.
  const columns = windows.map((w, i) => {
    const name = sql.ref(`w${i}`)
    const count = sql.ref(`n${i}`)
    if (w.from !== null) {
      const f = w.to === null ? sql`d >= ${w.from}::date` : sql`d >= ${w.from}::date AND d < ${w.to}::date`
      return sql`sum(amount) FILTER (WHERE ${f}) AS ${name}, NULL::int AS ${count}`
    }
    const after = w.to === null ? sql`FALSE` : sql`d >= ${w.to}::date`
    return sql`coalesce(sum(amount) FILTER (WHERE d IS NULL), 0) - coalesce(sum(amount) FILTER (WHERE ${after}), 0) AS ${name},
      coalesce(sum(n) FILTER (WHERE d IS NULL), 0) - coalesce(sum(n) FILTER (WHERE ${after}), 0) AS ${count}`
  })
  const rows = await sql<Record<string, unknown> & { account_id: string; currency: string }>`
    SELECT account_id, currency, ${sql.join(columns)}
    FROM (${sql.join(parts, sql` UNION ALL `)}) r
    GROUP BY account_id, currency`.execute(db)
  return rows.rows.map((r) => ({
    accountId: r.account_id,
    currency: r.currency.trim(),
    sums: windows.map((w, i) => (w.from !== null ? (r[`w${i}`] === null ? null : Number(r[`w${i}`])) : Number(r[`n${i}`]) > 0 ? Number(r[`w${i}`]) : null)),
  }))
}
