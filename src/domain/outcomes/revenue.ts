// Revenue sums over date windows, per account and currency, read from the rollup
// (revenue_monthly and revenue_totals, kept by triggers on revenue_entries: migration 0011) and
// exactly equal to summing the entries themselves.
//
// Everything booked before a date D is the running sum through the month before D's month (one
// rollup row per account) plus the entries of D's month before D (none when D is the 1st). A
// window [from, to) is then "before to" less "before from"; with no start it is "before to",
// with no end the total less "before from". Sums stay in SQL numeric: no floating-point drift.
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../db/connect.ts'

/** [from, to) over booked_on (YYYY-MM-DD); from null = since the beginning, to null = no end. */
export type RevenueWindow = { from: string | null; to: string | null }
/** A window edge: revenue before `at` = running sums through `monthBefore` + entries in `partial`. */
export type RevenueEdge = { at: string; monthBefore: string; partial: { from: string; to: string } | null }

/** First day of the month holding `day`. */
export const monthOf = (day: string) => `${day.slice(0, 7)}-01`
/** First day of the following month. */
export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}-01`
}
/** First day of the preceding month. */
export function previousMonth(month: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  return m === 1 ? `${String(y - 1).padStart(4, '0')}-12-01` : `${month.slice(0, 4)}-${String(m - 1).padStart(2, '0')}-01`
}

/** The distinct edges of these windows and how to read "revenue before" each. Pure. */
export function planRevenueRead(windows: readonly RevenueWindow[]): RevenueEdge[] {
  if (windows.length === 0) throw new Error('planRevenueRead needs at least one window')
  const edges = new Set<string>()
  for (const w of windows) for (const e of [w.from, w.to]) if (e !== null) edges.add(e)
  return [...edges].sort().map((at) => {
    const month = monthOf(at)
    return { at, monthBefore: previousMonth(month), partial: at === month ? null : { from: month, to: at } }
  })
}

export type RevenueSums = { accountId: string; currency: string; sums: (number | null)[] }

/**
 * Revenue per account and currency in each window (null where nothing was booked in it), for
 * one organisation. One query: one totals row, one rollup row per edge and the entries of the
 * edges' months before them, per account and currency.
 */
export async function sumRevenue(db: Db, orgId: string, windows: readonly RevenueWindow[]): Promise<RevenueSums[]> {
  const edges = planRevenueRead(windows)
  const index = new Map(edges.map((e, k) => [e.at, k]))
  const ref = (name: string) => sql.ref(name)
  const joins: RawBuilder<unknown>[] = []
  const befores: RawBuilder<unknown>[] = []
  if (edges.length) {
    const cols = edges.map((e, k) => sql`sum(cum_amount) FILTER (WHERE month_start = ${e.monthBefore}::date) AS ${ref(`m${k}`)}, sum(cum_entries) FILTER (WHERE month_start = ${e.monthBefore}::date) AS ${ref(`mn${k}`)}`)
    joins.push(sql`LEFT JOIN (SELECT account_id, currency, ${sql.join(cols)} FROM revenue_monthly
      WHERE org_id = ${orgId} AND month_start IN (${sql.join(edges.map((e) => sql`${e.monthBefore}::date`))}) GROUP BY 1, 2) m
      ON m.account_id = t.account_id AND m.currency = t.currency`)
  }
  const partial = edges.filter((e) => e.partial !== null)
  if (partial.length) {
    const inRange = (e: RevenueEdge) => sql`booked_on >= ${e.partial!.from}::date AND booked_on < ${e.partial!.to}::date`
    const cols = partial.map((e) => sql`sum(amount) FILTER (WHERE ${inRange(e)}) AS ${ref(`p${index.get(e.at)}`)}, count(*) FILTER (WHERE ${inRange(e)}) AS ${ref(`pn${index.get(e.at)}`)}`)
    joins.push(sql`LEFT JOIN (SELECT account_id, currency, ${sql.join(cols)} FROM revenue_entries
      WHERE org_id = ${orgId} AND (${sql.join(partial.map((e) => sql`(${inRange(e)})`), sql` OR `)}) GROUP BY 1, 2) p
      ON p.account_id = t.account_id AND p.currency = t.currency`)
  }
  for (const [k, e] of edges.entries()) {
    // Before the first month covered nothing was booked; after the last, everything was.
    const atMonth = (cum: string, total: string) => sql`CASE WHEN ${e.monthBefore}::date < t.first_month THEN 0 WHEN ${e.monthBefore}::date > t.last_month THEN ${sql.ref(`t.${total}`)} ELSE ${sql.ref(`m.${cum}${k}`)} END`
    const part = (col: string) => (e.partial ? sql` + coalesce(${sql.ref(`p.${col}${k}`)}, 0)` : sql``)
    befores.push(sql`${atMonth('m', 'amount')}${part('p')} AS ${ref(`b${k}`)}, ${atMonth('mn', 'entries')}${part('pn')} AS ${ref(`bn${k}`)}`)
  }
  const before = (at: string | null, n: boolean) => (at === null ? sql`0` : ref(`${n ? 'bn' : 'b'}${index.get(at)}`))
  const upTo = (at: string | null, n: boolean) => (at === null ? ref(n ? 'total_n' : 'total') : ref(`${n ? 'bn' : 'b'}${index.get(at)}`))
  const columns = windows.map((w, i) => sql`${upTo(w.to, false)} - ${before(w.from, false)} AS ${ref(`w${i}`)}, ${upTo(w.to, true)} - ${before(w.from, true)} AS ${ref(`n${i}`)}`)
  const rows = await sql<Record<string, unknown> & { account_id: string; currency: string }>`
    WITH b AS (
      SELECT t.account_id, t.currency, t.amount AS total, t.entries AS total_n${befores.length ? sql`, ${sql.join(befores)}` : sql``}
      FROM revenue_totals t ${joins.length ? sql.join(joins, sql` `) : sql``}
      WHERE t.org_id = ${orgId} AND t.entries > 0
    )
    SELECT account_id, currency, ${sql.join(columns)} FROM b`.execute(db)
  return rows.rows.map((r) => ({
    accountId: r.account_id,
    currency: r.currency.trim(),
    sums: windows.map((_, i) => (Number(r[`n${i}`]) > 0 ? Number(r[`w${i}`]) : null)),
  }))
}
