import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { KpiSnapshotsTable } from '../../db/schema.ts'
import type { Selectable } from 'kysely'
import { AppError, forbidden, notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { TIERS } from '../accounts/schema.ts'
import { sumRevenue } from '../outcomes/revenue.ts'
import { getOutcomeSettings } from '../outcomes/service.ts'
import { computeResults, type ResultsQuery, type Stats } from '../surveys/results.ts'
import { listSubtreeIds } from '../users/queries.ts'
import { weekStartOf, type ScopeType } from './compute.ts'
import { rebuildSnapshots } from './history.ts'
import { convertMoney, type RateTable } from './money.ts'
import { computeRoi, type RoiAccountInput } from './roi.ts'
import { VOICE_NOTE, type BreakdownQuery, type KpiPoint, type RoiQuery, type SeriesQuery } from './schema.ts'

type SnapshotRow = Selectable<KpiSnapshotsTable>

export function toKpiPoint(r: SnapshotRow, rates: RateTable | null): KpiPoint {
  return {
    weekStart: r.week_start,
    scopeType: r.scope_type as ScopeType,
    scopeId: r.scope_id,
    people: r.people,
    relationships: r.relationships,
    keyRelationships: r.key_relationships,
    keyCovered: r.key_covered,
    coverage: r.key_relationships > 0 ? Math.round((r.key_covered / r.key_relationships) * 1000) / 1000 : null,
    trustAvg: r.trust_avg,
    trustBands: r.trust_bands,
    coldCount: r.cold_count,
    experiences: r.experiences,
    gave: r.gave,
    asked: r.asked,
    escalations: r.escalations,
    referrals: r.referrals,
    // Filled by getSeries from the survey answers (voiceByWeek); breakdowns leave them null.
    nps: null,
    csat: null,
    esat: null,
    revenue: r.revenue,
    revenueConverted: convertMoney(r.revenue, rates, rates?.base ?? 'USD'),
    newOpportunities: r.new_opportunities,
    newOpportunityValue: r.new_opportunity_value,
  }
}

/** Who may see which scope: aggregates for everyone with the permission; people-level figures by reporting line. */
async function checkScope(db: Db, actor: Actor, scope: ScopeType, id: string): Promise<string> {
  if (scope === 'org') return (await db.selectFrom('organisations').select('name').where('id', '=', actor.orgId).executeTakeFirstOrThrow()).name
  if (scope === 'tier') {
    if (!(TIERS as readonly string[]).includes(id)) throw new AppError('invalid_request', `Unknown tier "${id}"`, [{ parameter: 'id', detail: `one of ${TIERS.join(', ')}` }])
    return `Tier: ${id}`
  }
  if (scope === 'account') {
    if (actor.role === 'analyst') throw forbidden('Analysts see aggregates only')
    const acc = await db.selectFrom('accounts').select('name').where('org_id', '=', actor.orgId).where('id', '=', isUuid(id) ? id : '00000000-0000-0000-0000-000000000000').executeTakeFirst()
    if (!acc) throw notFound('Account')
    return acc.name
  }
  const user = isUuid(id) ? await db.selectFrom('users').select('name').where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst() : undefined
  if (!user) throw notFound('User')
  if (actor.role === 'admin' || (actor.role === 'analyst' && scope === 'team')) return scope === 'team' ? `Team of ${user.name}` : user.name
  if (actor.role === 'analyst') throw forbidden('Analysts see aggregates only, not one person\'s figures')
  if (id !== actor.userId && !(await listSubtreeIds(db, actor.orgId, actor.userId)).includes(id)) throw forbidden('You can see your own team only')
  return scope === 'team' ? `Team of ${user.name}` : user.name
}
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)

/** One scope's weekly KPIs over a range of weeks. */
export async function getSeries(db: Db, actor: Actor, query: SeriesQuery) {
  const scope = query.scope ?? 'org'
  const id = scope === 'org' ? '' : (query.id ?? (scope === 'user' || scope === 'team' ? actor.userId : ''))
  const label = await checkScope(db, actor, scope, id)
  let qb = db.selectFrom('kpi_snapshots').selectAll().where('org_id', '=', actor.orgId).where('scope_type', '=', scope).where('scope_id', '=', id)
  if (query.from) qb = qb.where('week_start', '>=', weekStartOf(query.from))
  if (query.to) qb = qb.where('week_start', '<=', query.to)
  const [rows, settings, voice] = await Promise.all([qb.orderBy('week_start').execute(), getOutcomeSettings(db, actor.orgId), voiceByWeek(db, actor, scope, id, query.from, query.to)])
  const notes = [VOICE_NOTE]
  if (rows.length === 0) notes.push('No snapshots for this scope yet: run `tend kpis snapshot` (or rebuild from the dashboard).')
  const points = rows.map((r) => ({ ...toKpiPoint(r, settings.rates), nps: voice.nps.get(r.week_start) ?? null, csat: voice.csat.get(r.week_start) ?? null, esat: voice.esat.get(r.week_start) ?? null }))
  return { scopeType: scope, scopeId: id, label, notes, points }
}

/**
 * NPS, CSAT and ESAT of the answers submitted in each week (Monday UTC), for one scope, computed
 * by the surveys domain from the answers themselves (they number in the thousands, not millions).
 * Customer answers belong to an account and to its owner and owner's team at the time of the
 * answer; staff answers (ESAT) only to the organisation and the respondent's team, never to a
 * person or an account, and weeks under 5 answers are suppressed there.
 */
async function voiceByWeek(db: Db, actor: Actor, scope: ScopeType, id: string, from: string | undefined, to: string | undefined) {
  const filter: Partial<ResultsQuery> = scope === 'account' ? { accountId: id } : scope === 'user' ? { ownerId: id } : scope === 'team' ? { teamOf: id } : scope === 'tier' ? { tier: id } : {}
  // The weeks shown: from the week of `from` to the end of the week of `to` (its last point).
  const range = {
    ...(from ? { from: `${weekStartOf(from)}T00:00:00.000Z` } : {}),
    ...(to ? { to: new Date(Date.parse(`${weekStartOf(to)}T00:00:00.000Z`) + 7 * 86_400_000).toISOString() } : {}),
  }
  const byWeek = async (kind: 'nps' | 'csat' | 'esat') => {
    if (kind === 'esat' && scope !== 'org' && scope !== 'team') return new Map<string, Stats>()
    const results = await computeResults(db, actor, { kind, period: 'week', ...range, ...filter })
    return new Map(results.trend.map((t) => [t.period, t.stats]))
  }
  const [nps, csat, esat] = await Promise.all([byWeek('nps'), byWeek('csat'), byWeek('esat')])
  return { nps, csat, esat }
}

/** Every team, user, tier or account of one week (the latest by default), as the caller may see them, by name. */
export async function getBreakdown(db: Db, actor: Actor, query: BreakdownQuery) {
  const by = query.by
  if (actor.role === 'analyst' && (by === 'user' || by === 'account')) throw forbidden('Analysts see aggregates only')
  const latest = await db.selectFrom('kpi_snapshots').select(sql<string | null>`max(week_start)::text`.as('w')).where('org_id', '=', actor.orgId).where('scope_type', '=', 'org').executeTakeFirst()
  const week = query.week ? weekStartOf(query.week) : (latest?.w ?? null)
  if (!week) return { by, weekStart: null, items: [] }
  // Names are joined in SQL (by primary key: scope_id holds the uuid as text): one round trip.
  let qb = db.selectFrom('kpi_snapshots as k')
    .leftJoin('users as u', (j) => j.onRef('u.org_id', '=', 'k.org_id').on(sql<boolean>`u.id = case when k.scope_type in ('user', 'team') then k.scope_id::uuid end`))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 'k.org_id').on(sql<boolean>`a.id = case when k.scope_type = 'account' then k.scope_id::uuid end`))
    .selectAll('k')
    .select(sql<string>`coalesce(${by === 'team' ? sql`'Team of ' || u.name` : sql`coalesce(u.name, a.name)`}, k.scope_id)`.as('label'))
    .where('k.org_id', '=', actor.orgId).where('k.scope_type', '=', by).where('k.week_start', '=', week)
  if ((by === 'user' || by === 'team') && actor.role !== 'admin' && actor.role !== 'analyst') qb = qb.where('k.scope_id', 'in', await listSubtreeIds(db, actor.orgId, actor.userId))
  const [rows, settings] = await Promise.all([qb.orderBy('label').orderBy('k.scope_id').limit(query.limit ?? BREAKDOWN_LIMIT).execute(), getOutcomeSettings(db, actor.orgId)])
  const items = rows.map((r) => ({ ...toKpiPoint(r, settings.rates), label: r.label }))
  return { by, weekStart: week, items }
}
export const BREAKDOWN_LIMIT = 1000

export async function rebuild(db: Db, actor: Actor, since?: string) {
  const result = await rebuildSnapshots(db, actor.orgId, { since })
  await recordAudit(db, actor, 'kpis.rebuilt', 'organisation', actor.orgId, null, { since: since ?? null, ...result })
  return result
}

const addMonths = (iso: string, months: number) => {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCMonth(d.getUTCMonth() + months)
  return d.toISOString().slice(0, 10)
}

/** Revenue growth and retention by trust band at the start of a period, and their correlation. */
export async function getRoi(db: Db, actor: Actor, query: RoiQuery, now = new Date()) {
  const months = query.months ?? 12
  const periodStart = query.periodStart ?? addMonths(now.toISOString().slice(0, 10), -months)
  const before = addMonths(periodStart, -months)
  const after = addMonths(periodStart, months)
  // Trust at the start: the account snapshots of the last week with any, up to the period's start.
  const trustWeekQuery = db.selectFrom('kpi_snapshots').select(sql<string>`max(week_start)`.as('w'))
    .where('org_id', '=', actor.orgId).where('scope_type', '=', 'account').where('week_start', '<=', weekStartOf(periodStart))
  // One round of queries, side by side.
  const [settings, week, accounts, trust, revenue] = await Promise.all([
    getOutcomeSettings(db, actor.orgId),
    db.selectFrom('kpi_snapshots').select(sql<string | null>`max(week_start)::text`.as('w'))
      .where('org_id', '=', actor.orgId).where('scope_type', '=', 'account').where('week_start', '<=', weekStartOf(periodStart)).executeTakeFirst(),
    db.selectFrom('accounts').select(['id', 'name']).where('org_id', '=', actor.orgId).where('archived_at', 'is', null).execute(),
    db.selectFrom('kpi_snapshots').select(['scope_id', 'trust_avg']).where('org_id', '=', actor.orgId).where('scope_type', '=', 'account').where('week_start', '=', trustWeekQuery).execute(),
    sumRevenue(db, actor.orgId, [{ from: before, to: periodStart }, { from: periodStart, to: after }]),
  ])
  const currency = query.currency ?? settings.rates?.base ?? 'USD'
  const trustWeek = week?.w ?? weekStartOf(periodStart)
  const trustOf = new Map(trust.map((t) => [t.scope_id, t.trust_avg]))
  const inputs = new Map<string, RoiAccountInput>(accounts.map((a) => [a.id, { accountId: a.id, name: a.name, trust: trustOf.get(a.id) ?? null, revenueBefore: {}, revenueAfter: {} }]))
  for (const { accountId, currency, sums: [revenueBefore, revenueAfter] } of revenue) {
    const input = inputs.get(accountId)
    if (!input) continue
    if (revenueBefore != null) input.revenueBefore[currency] = revenueBefore
    if (revenueAfter != null) input.revenueAfter[currency] = revenueAfter
  }
  // Accounts with no revenue in either period tell nothing about growth: left out silently as not customers then.
  const withRevenue = [...inputs.values()].filter((i) => Object.keys(i.revenueBefore).length || Object.keys(i.revenueAfter).length)
  return { periodStart, months, trustWeek, ...computeRoi(withRevenue, settings.rates, currency) }
}
