// Load an organisation's history for computeWeekKpis, and store the weekly snapshots.
import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { toTrustExperience } from '../trust/scoring.ts'
import { computeWeekKpis, weekStartOf, weeksBetween, type KpiHistory, type KpiRow } from './compute.ts'

const ms = (d: Date | null) => (d === null ? null : d.getTime())

/** Everything the KPIs read, for one organisation (archived experiences excluded). */
export async function loadKpiHistory(db: Db, orgId: string): Promise<KpiHistory> {
  const [lines, accounts, accountLines, stakeholders, relationships, experiences, revenue, opportunities] = await Promise.all([
    db.selectFrom('reporting_lines').select(['user_id', 'manager_id', 'valid_from', 'valid_to']).where('org_id', '=', orgId).execute(),
    db.selectFrom('accounts').select(['id', 'tier', 'owner_id']).where('org_id', '=', orgId).where('archived_at', 'is', null).execute(),
    db.selectFrom('account_history').select(['account_id', 'tier', 'owner_id', 'valid_from', 'valid_to']).where('org_id', '=', orgId).execute(),
    db.selectFrom('stakeholders').select(['id', 'account_id', 'influence']).where('org_id', '=', orgId).where('archived_at', 'is', null).execute(),
    db.selectFrom('relationships').select(['id', 'user_id', 'stakeholder_id', 'importance', 'cadence_days', 'created_at', 'archived_at']).where('org_id', '=', orgId).execute(),
    db
      .selectFrom('experiences as e')
      .select(['e.id', 'e.occurred_at', 'e.kind', 'e.valence', 'e.direction', 'e.initiator', 'e.depth', 'e.source'])
      .select(sql<string[]>`coalesce((select array_agg(eu.user_id::text) from experience_users eu where eu.org_id = e.org_id and eu.experience_id = e.id), '{}')`.as('user_ids'))
      .select(sql<string[]>`coalesce((select array_agg(es.stakeholder_id::text) from experience_stakeholders es where es.org_id = e.org_id and es.experience_id = e.id), '{}')`.as('stakeholder_ids'))
      .where('e.org_id', '=', orgId)
      .where('e.archived_at', 'is', null)
      .execute(),
    db.selectFrom('revenue_entries').select(['account_id', 'booked_on', 'amount', 'currency']).where('org_id', '=', orgId).execute(),
    db.selectFrom('opportunities').select(['account_id', 'opened_on', 'value', 'currency']).where('org_id', '=', orgId).execute(),
  ])
  return {
    reportingLines: lines.map((l) => ({ userId: l.user_id, managerId: l.manager_id, validFrom: l.valid_from.getTime(), validTo: ms(l.valid_to) })),
    accounts: accounts.map((a) => ({ id: a.id, tier: a.tier, ownerId: a.owner_id })),
    accountLines: accountLines.map((l) => ({ accountId: l.account_id, tier: l.tier, ownerId: l.owner_id, validFrom: l.valid_from.getTime(), validTo: ms(l.valid_to) })),
    stakeholders: stakeholders.map((s) => ({ id: s.id, accountId: s.account_id, influence: s.influence })),
    relationships: relationships.map((r) => ({ id: r.id, userId: r.user_id, stakeholderId: r.stakeholder_id, importance: r.importance, cadenceDays: r.cadence_days, createdAt: r.created_at.getTime(), archivedAt: ms(r.archived_at) })),
    experiences: experiences.map((e) => ({ ...toTrustExperience(e), userIds: e.user_ids, stakeholderIds: e.stakeholder_ids })),
    revenue: revenue.map((r) => ({ accountId: r.account_id, bookedOn: r.booked_on, amount: r.amount, currency: r.currency.trim() })),
    opportunities: opportunities.map((o) => ({ accountId: o.account_id, openedOn: o.opened_on, value: o.value, currency: o.currency.trim() })),
  }
}

/** The first week with any history (experience, revenue, opportunity), or null when there is none. */
export function firstWeekOf(history: KpiHistory): string | null {
  const times = [
    ...history.experiences.map((e) => e.occurredAt),
    ...history.revenue.map((r) => Date.parse(`${r.bookedOn}T00:00:00Z`)),
    ...history.opportunities.map((o) => Date.parse(`${o.openedOn}T00:00:00Z`)),
  ]
  if (times.length === 0) return null
  return weekStartOf(times.reduce((a, b) => Math.min(a, b)))
}

export async function storeWeek(db: Db, orgId: string, weekStart: string, rows: KpiRow[], now: Date): Promise<void> {
  await db.deleteFrom('kpi_snapshots').where('org_id', '=', orgId).where('week_start', '=', weekStart).execute()
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('kpi_snapshots')
      .values(rows.slice(i, i + 500).map((r) => ({
        org_id: orgId,
        scope_type: r.scopeType,
        scope_id: r.scopeId,
        week_start: r.weekStart,
        people: r.people,
        relationships: r.relationships,
        key_relationships: r.keyRelationships,
        key_covered: r.keyCovered,
        trust_avg: r.trustAvg,
        trust_bands: r.trustBands,
        cold_count: r.coldCount,
        experiences: r.experiences,
        gave: r.gave,
        asked: r.asked,
        escalations: r.escalations,
        referrals: r.referrals,
        revenue: JSON.stringify(r.revenue),
        new_opportunities: r.newOpportunities,
        new_opportunity_value: JSON.stringify(r.newOpportunityValue),
        computed_at: now,
      })))
      .execute()
  }
}

export type SnapshotProgress = { weekStart: string; done: number; total: number }

/**
 * Rebuild the weekly snapshots from `since` (default: the first week with history) up to the
 * week holding `until`, each week in its own transaction; returns the weeks written.
 */
export async function rebuildSnapshots(db: Db, orgId: string, options: { since?: string | undefined; until?: Date | undefined; alsoWeeks?: string[]; onProgress?: (p: SnapshotProgress) => void } = {}): Promise<{ weeks: number; rows: number }> {
  const history = await loadKpiHistory(db, orgId)
  const until = options.until ?? new Date()
  const first = options.since ?? firstWeekOf(history)
  if (first === null) return { weeks: 0, rows: 0 }
  // alsoWeeks: single earlier weeks to compute too (the demo's ROI baseline a year back).
  const weeks = [...new Set([...(options.alsoWeeks ?? []).map((w) => weekStartOf(w)), ...weeksBetween(first, until.getTime())])].sort()
  let rows = 0
  for (const [i, week] of weeks.entries()) {
    const computed = computeWeekKpis(history, week)
    await db.transaction().execute((trx) => storeWeek(trx, orgId, week, computed, until))
    rows += computed.length
    options.onProgress?.({ weekStart: week, done: i + 1, total: weeks.length })
  }
  return { weeks: weeks.length, rows }
}
