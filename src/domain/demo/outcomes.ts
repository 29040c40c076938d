// Business outcomes and KPI snapshots for the demo organisation: deterministic for a seed and
// date. Revenue is monthly per account over two years (a few accounts bill in EUR or GBP, with a
// stated rate table), plus a handful of opportunities and RFPs; then twelve weeks of snapshots.
import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { rebuildSnapshots } from '../kpis/history.ts'
import { createRandom } from './random.ts'

const DAY = 86_400_000
export const DEMO_RATES = { base: 'USD', rates: { EUR: 1.08, GBP: 1.27 }, statedAt: '2026-01-01' }
export const DEMO_SNAPSHOT_WEEKS = 12

const monthStart = (now: Date, back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 10)
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10)

export async function seedDemoOutcomes(db: Db, orgId: string, now: Date, seed: number): Promise<{ revenue: number; opportunities: number; snapshotRows: number }> {
  const rnd = createRandom(seed ^ 0x5eed0e)
  const accounts = await db.selectFrom('accounts').select(['id', 'tier']).where('org_id', '=', orgId).orderBy('name').execute()
  const revenue: { org_id: string; account_id: string; booked_on: string; amount: number; currency: string; source: string; external_id: string; description: string }[] = []
  const opps: { org_id: string; account_id: string; kind: string; title: string; stage: string; status: string; value: number; currency: string; opened_on: string; closed_on: string | null; source: string; external_id: string }[] = []
  for (const [i, a] of accounts.entries()) {
    const currency = i % 9 === 4 ? 'EUR' : i % 13 === 6 ? 'GBP' : 'USD'
    const monthly = Math.round((a.tier === 'strategic' ? rnd.int(20_000, 60_000) : a.tier === 'key' ? rnd.int(6_000, 20_000) : rnd.int(500, 6_000)) / 10) * 10
    const trend = rnd.float(-0.03, 0.04) // monthly drift
    const startBack = rnd.chance(0.2) ? rnd.int(3, 18) : 24 // some accounts are newer
    const churnBack = rnd.chance(0.08) ? rnd.int(1, 6) : 0 // a few stopped buying
    for (let back = startBack; back >= churnBack; back--) {
      const amount = Math.round(monthly * (1 + trend) ** (24 - back) * rnd.float(0.85, 1.15) * 100) / 100
      revenue.push({ org_id: orgId, account_id: a.id, booked_on: monthStart(now, back), amount, currency, source: 'demo', external_id: `rev-${i}-${back}`, description: 'Monthly subscription' })
    }
    for (let k = 0; k < rnd.int(0, 3); k++) {
      const opened = now.getTime() - rnd.int(5, 300) * DAY
      const kind = rnd.weighted({ lead: 3, opportunity: 5, rfp: 1 })
      const status = kind === 'rfp' ? rnd.weighted({ retained: 2, won: 1, lost: 1, open: 1 }) : rnd.weighted({ open: 4, won: 2, lost: 1 })
      const closed = status === 'open' ? null : isoDay(Math.min(now.getTime(), opened + rnd.int(14, 90) * DAY))
      opps.push({ org_id: orgId, account_id: a.id, kind, title: kind === 'rfp' ? 'Tender' : kind === 'lead' ? 'Inbound enquiry' : rnd.pick(['Expansion', 'New team', 'Renewal uplift', 'Advisory project']), stage: status === 'open' ? (kind === 'lead' ? 'Prospecting' : 'Engaging') : status, status, value: Math.round(monthly * rnd.int(3, 12)), currency, opened_on: isoDay(opened), closed_on: closed, source: 'demo', external_id: `opp-${i}-${k}` })
    }
  }
  for (let i = 0; i < revenue.length; i += 1000) await db.insertInto('revenue_entries').values(revenue.slice(i, i + 1000)).execute()
  for (let i = 0; i < opps.length; i += 1000) await db.insertInto('opportunities').values(opps.slice(i, i + 1000)).execute()
  await db.updateTable('organisations').set({ settings: sql<string>`jsonb_set(settings, '{outcomes}', ${JSON.stringify({ rates: DEMO_RATES, ltvProjectionYears: 3 })}::jsonb)` }).where('id', '=', orgId).execute()
  const since = isoDay(now.getTime() - (DEMO_SNAPSHOT_WEEKS - 1) * 7 * DAY)
  // A programme: every other rep enrolled six weeks ago, so progress shows against a baseline and the rest.
  const reps = await db.selectFrom('users').select('id').where('org_id', '=', orgId).where('role', '=', 'rep').orderBy('email').execute()
  const cohort = reps.filter((_, i) => i % 2 === 0)
  if (cohort.length > 0) {
    const startedOn = isoDay(now.getTime() - 6 * 7 * DAY)
    const programme = await db.insertInto('programmes').values({ org_id: orgId, name: 'Trusted Advisor cohort 1', started_on: startedOn }).returning('id').executeTakeFirstOrThrow()
    await db.insertInto('programme_members').values(cohort.map((u) => ({ org_id: orgId, programme_id: programme.id, user_id: u.id, enrolled_on: startedOn }))).execute()
  }
  // Plus the weeks six and twelve months back, so the ROI view has trust at the start of its period.
  const back = (months: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate())).toISOString().slice(0, 10)
  const snapshots = await rebuildSnapshots(db, orgId, { since, until: now, alsoWeeks: [back(12), back(6)] })
  return { revenue: revenue.length, opportunities: opps.length, snapshotRows: snapshots.rows }
}
