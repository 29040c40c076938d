import type { Db } from '../../db/connect.ts'
import { AppError, invalidReference, notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { createExperience } from '../experiences/service.ts'
import { periodStart, type Period } from '../surveys/stats.ts'
import * as q from './queries.ts'
import { DEFAULT_TARGETS, type CreateEscalationBody, type Escalation, type EscalationFigures, type EscalationStatsQuery, type ListEscalationsQuery, type Severity } from './schema.ts'

const HOUR = 3_600_000
const hoursBetween = (a: Date, b: Date | null) => (b ? (b.getTime() - a.getTime()) / HOUR : null)

export function toEscalation(row: q.EscalationRow, now = Date.now()): Escalation {
  const responseHours = hoursBetween(row.opened_at, row.first_response_at)
  const resolutionHours = hoursBetween(row.opened_at, row.resolved_at)
  const ageHours = (now - row.opened_at.getTime()) / HOUR
  return {
    id: row.id,
    kind: row.kind as Escalation['kind'],
    severity: row.severity as Severity,
    accountId: row.account_id,
    accountName: row.account_name,
    stakeholderId: row.stakeholder_id!,
    stakeholderName: row.stakeholder_name,
    ownerId: row.owner_id,
    title: row.title,
    description: row.description,
    openedAt: row.opened_at.toISOString(),
    firstResponseAt: row.first_response_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolution: row.resolution,
    responseTargetHours: row.response_target_hours,
    resolutionTargetHours: row.resolution_target_hours,
    responseHours,
    resolutionHours,
    isResponseLate: (responseHours ?? ageHours) > row.response_target_hours,
    isResolutionLate: (resolutionHours ?? ageHours) > row.resolution_target_hours,
    experienceId: row.experience_id,
    createdAt: row.created_at.toISOString(),
  }
}

async function load(db: Db, orgId: string, id: string) {
  const row = await q.getEscalationRow(db, orgId, id)
  if (!row) throw notFound('Escalation')
  return toEscalation(row)
}

export const getEscalation = (db: Db, actor: Actor, id: string) => load(db, actor.orgId, id)

export async function listEscalations(db: Db, actor: Actor, query: ListEscalationsQuery): Promise<Escalation[]> {
  return (await q.listEscalationRows(db, actor.orgId, query)).map((r) => toEscalation(r))
}

function checkTime(value: string | undefined, pointer: string, notBefore?: Date): Date {
  const at = value ? new Date(value) : new Date()
  if (at.getTime() > Date.now() + 60_000) throw new AppError('unprocessable', 'That time is in the future', [{ pointer, detail: 'is in the future' }])
  if (notBefore && at < notBefore) throw new AppError('unprocessable', 'That time is before the escalation was opened', [{ pointer, detail: 'is before openedAt' }])
  return at
}

/**
 * Open an escalation or complaint. It is recorded as a negative experience with the stakeholder who
 * raised it (−2 when high or critical, −1 otherwise), so it weighs on trust like any incident.
 */
export async function createEscalation(db: Db, actor: Actor, body: CreateEscalationBody): Promise<Escalation> {
  const severity = body.severity ?? 'medium'
  const openedAt = checkTime(body.openedAt, '#/openedAt')
  return db.transaction().execute(async (trx) => {
    const stakeholder = await q.findStakeholder(trx, actor.orgId, body.stakeholderId)
    if (!stakeholder) throw invalidReference('#/stakeholderId', 'is not a stakeholder of this organisation')
    const accountId = body.accountId ?? stakeholder.account_id
    if (!accountId) throw invalidReference('#/accountId', 'is required: the stakeholder belongs to no account')
    if (!(await q.accountExists(trx, actor.orgId, accountId))) throw invalidReference('#/accountId', 'is not an account of this organisation')
    if (body.ownerId && !(await q.userExists(trx, actor.orgId, body.ownerId))) throw invalidReference('#/ownerId', 'is not an active user of this organisation')
    const ownerId = body.ownerId === undefined ? (await q.accountOwner(trx, actor.orgId, accountId)) ?? (actor.via === 'system' ? null : actor.userId) : body.ownerId
    const userIds = [...new Set([...(await q.relationshipUsers(trx, actor.orgId, body.stakeholderId)), ...(ownerId ? [ownerId] : []), ...(actor.via === 'system' ? [] : [actor.userId])])]
    const experience = userIds.length
      ? await createExperience(trx, actor, {
        occurredAt: openedAt.toISOString(), kind: body.kind, valence: severity === 'high' || severity === 'critical' ? -2 : -1,
        direction: 'mutual', initiator: 'them', depth: 'meaningful', title: body.title, stakeholderIds: [body.stakeholderId], userIds, accountId,
      })
      : null
    const targets = DEFAULT_TARGETS[severity]
    const id = await q.insertEscalation(trx, actor.orgId, {
      kind: body.kind, severity, account_id: accountId, stakeholder_id: body.stakeholderId, owner_id: ownerId, title: body.title, description: body.description ?? null,
      opened_at: openedAt, response_target_hours: body.responseTargetHours ?? targets.response, resolution_target_hours: body.resolutionTargetHours ?? targets.resolution,
      experience_id: experience?.id ?? null, created_by: actor.via === 'system' ? null : actor.userId,
    })
    const escalation = await load(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'escalation.opened', 'escalation', id, null, escalation)
    return escalation
  })
}

export async function respondToEscalation(db: Db, actor: Actor, id: string, at: string | undefined): Promise<Escalation> {
  return db.transaction().execute(async (trx) => {
    const before = await load(trx, actor.orgId, id)
    if (before.firstResponseAt) throw new AppError('conflict', 'The first response is already recorded')
    await q.updateEscalationRow(trx, actor.orgId, id, { first_response_at: checkTime(at, '#/at', new Date(before.openedAt)) })
    const after = await load(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'escalation.responded', 'escalation', id, before, after)
    return after
  })
}

export async function resolveEscalation(db: Db, actor: Actor, id: string, resolution: string, at: string | undefined): Promise<Escalation> {
  return db.transaction().execute(async (trx) => {
    const before = await load(trx, actor.orgId, id)
    if (before.resolvedAt) throw new AppError('conflict', 'This escalation is already resolved')
    const resolvedAt = checkTime(at, '#/at', new Date(before.openedAt))
    // Resolving answers it too, if nobody recorded a first response.
    await q.updateEscalationRow(trx, actor.orgId, id, { resolved_at: resolvedAt, resolution, ...(before.firstResponseAt ? {} : { first_response_at: resolvedAt }) })
    const after = await load(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'escalation.resolved', 'escalation', id, before, after)
    return after
  })
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Counts, median times and on-time rates of a set of escalations (pure). */
export function computeFigures(items: Escalation[]): EscalationFigures {
  const answered = items.filter((e) => e.responseHours !== null)
  const resolved = items.filter((e) => e.resolutionHours !== null)
  return {
    opened: items.length,
    resolved: resolved.length,
    open: items.length - resolved.length,
    complaints: items.filter((e) => e.kind === 'complaint').length,
    medianResponseHours: median(answered.map((e) => e.responseHours!)),
    medianResolutionHours: median(resolved.map((e) => e.resolutionHours!)),
    responseOnTimeRate: answered.length ? answered.filter((e) => !e.isResponseLate).length / answered.length : null,
    resolutionOnTimeRate: resolved.length ? resolved.filter((e) => !e.isResolutionLate).length / resolved.length : null,
  }
}

export async function computeEscalationStats(db: Db, actor: Actor, query: EscalationStatsQuery) {
  const items = (await q.listEscalationRows(db, actor.orgId, { ...query, limit: 100_000 })).map((r) => toEscalation(r))
  const byPeriod = new Map<string, Escalation[]>()
  const byAccount = new Map<string, Escalation[]>()
  for (const e of items) {
    const p = periodStart(new Date(e.openedAt), (query.period ?? 'month') as Period)
    byPeriod.set(p, [...(byPeriod.get(p) ?? []), e])
    byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), e])
  }
  const activeAccounts = query.accountId ? 1 : await q.countActiveAccounts(db, actor.orgId)
  return {
    overall: computeFigures(items),
    activeAccounts,
    perAccountRate: activeAccounts ? items.length / activeAccounts : null,
    byPeriod: [...byPeriod].sort(([a], [b]) => a.localeCompare(b)).map(([period, xs]) => ({ period, figures: computeFigures(xs) })),
    byAccount: [...byAccount].map(([accountId, xs]) => ({ accountId, accountName: xs[0]!.accountName, figures: computeFigures(xs) })).sort((a, b) => b.figures.opened - a.figures.opened || a.accountName.localeCompare(b.accountName)),
  }
}
