// A week's KPIs from the organisation's history: pure, no I/O, no clock. Given the same history
// and week, the result is the same, so any past week's snapshot can be rebuilt (as the trust
// model rebuilds any past score). See docs/kpis.md for every definition.
import { computeAggregateScore, computeTrustScore, DAY_MS, DEFAULT_CADENCE_DAYS, type TrustExperience } from '../trust/model.ts'
import { stakeholderWeight } from '../trust/refresh.ts'
import { addMoney, sumMoney, type MoneyByCurrency } from './money.ts'

export const SCOPE_TYPES = ['org', 'team', 'user', 'tier', 'account'] as const
export type ScopeType = (typeof SCOPE_TYPES)[number]
/** A relationship is "key" when its importance is at least this (1–5 scale). */
export const KEY_IMPORTANCE = 4
/** Upper bounds of the trust distribution bands: [0,20), [20,40), [40,60), [60,80), [80,100]. */
export const TRUST_BAND_EDGES = [20, 40, 60, 80] as const
const WEEK_MS = 7 * DAY_MS

export type HistoryExperience = TrustExperience & { userIds: readonly string[]; stakeholderIds: readonly string[] }
export type KpiHistory = {
  /** Every reporting line ever held; validTo null = still so. A user counts from their first line. */
  reportingLines: readonly { userId: string; managerId: string | null; validFrom: number; validTo: number | null }[]
  /** Accounts with their current tier and owner (used as they are when an account has no history rows). */
  accounts: readonly { id: string; tier: string; ownerId: string | null }[]
  /** Every tier and owner an account ever had; validTo null = still so. An account's first row reaches back before it was created. */
  accountLines: readonly { accountId: string; tier: string; ownerId: string | null; validFrom: number; validTo: number | null }[]
  stakeholders: readonly { id: string; accountId: string | null; influence: number }[]
  relationships: readonly { id: string; userId: string; stakeholderId: string; importance: number; cadenceDays: number; createdAt: number; archivedAt: number | null }[]
  /** Active (not archived) experiences. */
  experiences: readonly HistoryExperience[]
  revenue: readonly { accountId: string; bookedOn: string; amount: number; currency: string }[]
  opportunities: readonly { accountId: string; openedOn: string; value: number | null; currency: string }[]
  // NPS, CSAT and ESAT are not snapshotted: the series read them from the survey answers (service.ts).
}

export type KpiRow = {
  scopeType: ScopeType
  scopeId: string
  weekStart: string
  people: number
  relationships: number
  keyRelationships: number
  keyCovered: number
  trustAvg: number | null
  trustBands: number[]
  coldCount: number
  experiences: number
  gave: number
  asked: number
  escalations: number
  referrals: number
  revenue: MoneyByCurrency
  newOpportunities: number
  newOpportunityValue: MoneyByCurrency
}

/** Monday (UTC) of the week holding `t`, as YYYY-MM-DD. */
export function weekStartOf(t: number | Date | string): string {
  const d = new Date(typeof t === 'string' ? `${t.slice(0, 10)}T00:00:00Z` : t)
  const day = (d.getUTCDay() + 6) % 7
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10)
}

/** Mondays from the week of `from` to the week of `to`, inclusive. */
export function weeksBetween(from: number | string, to: number | string): string[] {
  const out: string[] = []
  const end = Date.parse(`${weekStartOf(to)}T00:00:00Z`)
  for (let t = Date.parse(`${weekStartOf(from)}T00:00:00Z`); t <= end; t += WEEK_MS) out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

export function trustBand(score: number): number {
  let band = 0
  while (band < TRUST_BAND_EDGES.length && score >= TRUST_BAND_EDGES[band]!) band++
  return band
}

const round1 = (x: number) => Math.round(x * 10) / 10

/**
 * Manager of each user as of t. A user's first known line reaches back before they were added
 * (people are added with their past: imported or demo history counts); a user whose last line
 * ended before t had left.
 */
export function managersAt(lines: KpiHistory['reportingLines'], t: number): Map<string, string | null> {
  const first = new Map<string, number>()
  for (const l of lines) first.set(l.userId, Math.min(first.get(l.userId) ?? Infinity, l.validFrom))
  const out = new Map<string, string | null>()
  for (const l of lines) {
    const from = first.get(l.userId) === l.validFrom ? -Infinity : l.validFrom
    if (from <= t && (l.validTo === null || l.validTo > t)) out.set(l.userId, l.managerId)
  }
  return out
}

/**
 * Tier and owner of each account as of t, from its history; an account's first row reaches back
 * before it was created (imported revenue and experiences can predate the account in Tend), and
 * an account with no history has its current values.
 */
export function accountsAt(history: Pick<KpiHistory, 'accounts' | 'accountLines'>, t: number): Map<string, { id: string; tier: string; ownerId: string | null }> {
  const first = new Map<string, number>()
  for (const l of history.accountLines) first.set(l.accountId, Math.min(first.get(l.accountId) ?? Infinity, l.validFrom))
  const asOf = new Map<string, { tier: string; ownerId: string | null }>()
  for (const l of history.accountLines) {
    const from = first.get(l.accountId) === l.validFrom ? -Infinity : l.validFrom
    if (from <= t && (l.validTo === null || l.validTo > t)) asOf.set(l.accountId, { tier: l.tier, ownerId: l.ownerId })
  }
  const out = new Map<string, { id: string; tier: string; ownerId: string | null }>()
  for (const a of history.accounts) {
    const line = asOf.get(a.id)
    out.set(a.id, line ? { id: a.id, ...line } : { id: a.id, tier: a.tier, ownerId: a.ownerId })
  }
  return out
}

/** For each manager as of t, everyone below them (any depth) plus themselves. */
export function teamsAt(managers: Map<string, string | null>): Map<string, Set<string>> {
  const teams = new Map<string, Set<string>>()
  for (const user of managers.keys()) {
    const seen = new Set<string>([user])
    for (let m = managers.get(user) ?? null; m !== null && !seen.has(m) && managers.has(m); m = managers.get(m) ?? null) {
      seen.add(m)
      let team = teams.get(m)
      if (!team) teams.set(m, (team = new Set([m])))
      team.add(user)
    }
  }
  return teams
}

type RelState = { userId: string; accountId: string | null; score: number; isCold: boolean; isKey: boolean }
type Acc = { people: Set<string>; rels: RelState[]; exps: Set<HistoryExperience>; revenue: MoneyByCurrency[]; opps: { value: number | null; currency: string }[] }
const newAcc = (): Acc => ({ people: new Set(), rels: [], exps: new Set(), revenue: [], opps: [] })

/**
 * KPIs of the week starting `weekStart` (a Monday, YYYY-MM-DD) for every scope, as of the end
 * of that week: trust and coldness of each relationship existing then, the week's
 * experiences, revenue booked and opportunities opened in it, and teams as they were then.
 */
export function computeWeekKpis(history: KpiHistory, weekStart: string): KpiRow[] {
  const start = Date.parse(`${weekStart}T00:00:00Z`)
  const asOf = start + WEEK_MS - 1
  const weekEnd = weekStartOf(start + WEEK_MS)
  const managers = managersAt(history.reportingLines, asOf)
  const teams = teamsAt(managers)
  // Tier and owner as they were at the end of the week, as teams are.
  const accountById = accountsAt(history, asOf)
  const stakeholderById = new Map(history.stakeholders.map((s) => [s.id, s]))
  const accountOfStakeholder = (id: string) => stakeholderById.get(id)?.accountId ?? null

  const scopes = new Map<string, Acc>()
  const acc = (type: ScopeType, id: string) => {
    const key = `${type}\u0000${id}`
    let a = scopes.get(key)
    if (!a) scopes.set(key, (a = newAcc()))
    return a
  }
  // The scopes a user's figures roll up into: themselves, every team above them, the organisation.
  const userScopes = (userId: string): Acc[] => {
    const out = [acc('org', ''), acc('user', userId)]
    for (const [manager, members] of teams) if (members.has(userId)) out.push(acc('team', manager))
    return out
  }
  const accountScopes = (accountId: string | null): Acc[] => {
    const account = accountId ? accountById.get(accountId) : undefined
    return account ? [acc('tier', account.tier), acc('account', account.id)] : []
  }
  acc('org', '')
  for (const user of managers.keys()) for (const s of userScopes(user)) s.people.add(user)

  // Experiences up to the end of the week, by (user, stakeholder) pair and by stakeholder.
  const byPair = new Map<string, HistoryExperience[]>()
  const byStakeholder = new Map<string, HistoryExperience[]>()
  for (const e of history.experiences) {
    if (e.occurredAt > asOf) continue
    for (const s of e.stakeholderIds) {
      const list = byStakeholder.get(s)
      if (list) list.push(e)
      else byStakeholder.set(s, [e])
      for (const u of e.userIds) {
        const key = `${u}\u0000${s}`
        const pair = byPair.get(key)
        if (pair) pair.push(e)
        else byPair.set(key, [e])
      }
    }
    if (e.occurredAt < start) continue
    const inScopes = new Set<Acc>()
    for (const u of e.userIds) if (managers.has(u)) for (const s of userScopes(u)) inScopes.add(s)
    for (const s of e.stakeholderIds) for (const a of accountScopes(accountOfStakeholder(s))) inScopes.add(a)
    inScopes.add(acc('org', ''))
    for (const s of inScopes) s.exps.add(e)
  }

  // Relationships that exist at the end of the week: created (or first experienced) by then, not yet archived.
  const cadenceOf = new Map<string, number>()
  const importanceOf = new Map<string, number>()
  for (const r of history.relationships) {
    const exps = byPair.get(`${r.userId}\u0000${r.stakeholderId}`) ?? []
    const began = Math.min(r.createdAt, ...exps.map((e) => e.occurredAt))
    if (began > asOf || (r.archivedAt !== null && r.archivedAt <= asOf) || !managers.has(r.userId)) continue
    cadenceOf.set(r.stakeholderId, Math.min(cadenceOf.get(r.stakeholderId) ?? Infinity, r.cadenceDays))
    importanceOf.set(r.stakeholderId, Math.max(importanceOf.get(r.stakeholderId) ?? 0, r.importance))
    const result = computeTrustScore(exps, { cadenceDays: r.cadenceDays }, asOf)
    const accountId = accountOfStakeholder(r.stakeholderId)
    const state: RelState = { userId: r.userId, accountId, score: result.score, isCold: result.isCold, isKey: r.importance >= KEY_IMPORTANCE }
    for (const s of [...userScopes(r.userId), ...accountScopes(accountId)]) {
      s.rels.push(state)
      s.people.add(r.userId)
    }
  }

  for (const r of history.revenue) {
    if (r.bookedOn < weekStart || r.bookedOn >= weekEnd) continue
    for (const s of revenueScopes(r.accountId)) s.revenue.push({ [r.currency]: r.amount })
  }
  for (const o of history.opportunities) {
    if (o.openedOn < weekStart || o.openedOn >= weekEnd) continue
    for (const s of revenueScopes(o.accountId)) s.opps.push(o)
  }
  function revenueScopes(accountId: string): Acc[] {
    const owner = accountById.get(accountId)?.ownerId ?? null
    const owned = owner && managers.has(owner) ? userScopes(owner) : [acc('org', '')]
    return [...new Set([...owned, ...accountScopes(accountId)])]
  }

  // An account's trust is its stakeholders' trust weighted by influence × importance, as on the account page.
  const accountTrust = new Map<string, number>()
  for (const account of history.accounts) {
    const parts = history.stakeholders
      .filter((s) => s.accountId === account.id && (byStakeholder.get(s.id)?.length ?? 0) > 0)
      .map((s) => ({
        score: computeTrustScore(byStakeholder.get(s.id)!, { cadenceDays: cadenceOf.get(s.id) ?? DEFAULT_CADENCE_DAYS }, asOf).score,
        weight: stakeholderWeight(s.influence, importanceOf.get(s.id) ?? null),
      }))
    if (parts.length > 0) accountTrust.set(account.id, computeAggregateScore(parts))
  }

  const rows: KpiRow[] = []
  for (const [key, a] of scopes) {
    const [scopeType, scopeId] = key.split('\u0000') as [ScopeType, string]
    if (scopeType === 'account' && a.rels.length === 0 && a.exps.size === 0 && a.revenue.length === 0 && a.opps.length === 0 && !accountTrust.has(scopeId)) continue
    const bands = [0, 0, 0, 0, 0]
    for (const r of a.rels) bands[trustBand(r.score)]!++
    const exps = [...a.exps]
    const oppValue: MoneyByCurrency = {}
    for (const o of a.opps) if (o.value !== null) addMoney(oppValue, o.currency, o.value)
    const meanScore = a.rels.length ? round1(a.rels.reduce((s, r) => s + r.score, 0) / a.rels.length) : null
    rows.push({
      scopeType,
      scopeId,
      weekStart,
      people: a.people.size,
      relationships: a.rels.length,
      keyRelationships: a.rels.filter((r) => r.isKey).length,
      keyCovered: a.rels.filter((r) => r.isKey && !r.isCold).length,
      trustAvg: scopeType === 'account' ? (accountTrust.get(scopeId) ?? null) : meanScore,
      trustBands: bands,
      coldCount: a.rels.filter((r) => r.isCold).length,
      experiences: exps.length,
      gave: exps.filter((e) => e.direction === 'we_gave').length,
      asked: exps.filter((e) => e.direction === 'we_asked').length,
      escalations: exps.filter((e) => e.kind === 'escalation').length,
      referrals: exps.filter((e) => e.kind === 'referral').length,
      revenue: sumMoney(a.revenue),
      newOpportunities: a.opps.length,
      newOpportunityValue: oppValue,
    })
  }
  return rows.sort((x, y) => x.scopeType.localeCompare(y.scopeType) || x.scopeId.localeCompare(y.scopeId))
}
