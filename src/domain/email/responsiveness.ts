import type { Db } from '../../db/connect.ts'
import type { Actor } from '../auth/roles.ts'
import * as q from './queries.ts'
import type { Responsiveness, ResponsivenessQuery } from './schema.ts'
import { distribution } from './stats.ts'

/** Reply times (minutes) and unanswered counts collected per group. */
class Groups {
  private groups = new Map<string, { minutes: number[]; unanswered: number }>()
  add(key: string, minutes: number | null) {
    const g = this.groups.get(key) ?? { minutes: [], unanswered: 0 }
    if (minutes === null) g.unanswered++
    else g.minutes.push(minutes)
    this.groups.set(key, g)
  }
  entries() {
    return [...this.groups]
  }
}

/**
 * How fast our people answer what stakeholders write to them: for each message a stakeholder
 * sent to one or more of our people, the time to the first reply from any of our people. A
 * message still unanswered counts as unanswered once it is older than the target; younger
 * ones are still pending and left out. Per person (each recipient), team (a manager and their
 * direct reports) and account.
 */
export async function getResponsiveness(db: Db, actor: Actor, query: ResponsivenessQuery, now = new Date()): Promise<Responsiveness> {
  const targetHours = query.targetHours ?? 24
  const targetMinutes = targetHours * 60
  const rows = await q.listInbound(db, actor.orgId, { from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined })
  const users = await db.selectFrom('users').select(['id', 'name', 'manager_id']).where('org_id', '=', actor.orgId).execute()
  const userById = new Map(users.map((u) => [u.id, u]))
  const overall = new Groups()
  const byUser = new Groups()
  const byTeam = new Groups()
  const byAccount = new Groups()
  for (const r of rows) {
    const minutes = r.replied_at ? (r.replied_at.getTime() - r.sent_at.getTime()) / 60_000 : null
    if (minutes === null && now.getTime() - r.sent_at.getTime() < targetMinutes * 60_000) continue
    overall.add('all', minutes)
    const teams = new Set<string>()
    for (const userId of r.recipient_ids) {
      byUser.add(userId, minutes)
      const user = userById.get(userId)
      // Their team is their manager's; someone with no manager leads their own.
      if (user) teams.add(user.manager_id ?? user.id)
    }
    for (const team of teams) byTeam.add(team, minutes)
    if (r.account_id) byAccount.add(r.account_id, minutes)
  }
  const accountIds = byAccount.entries().map(([id]) => id)
  const accounts = accountIds.length ? await db.selectFrom('accounts').select(['id', 'name']).where('org_id', '=', actor.orgId).where('id', 'in', accountIds).execute() : []
  const accountName = new Map(accounts.map((a) => [a.id, a.name]))
  const dist = (g: { minutes: number[]; unanswered: number }) => distribution(g.minutes, g.unanswered, targetMinutes)
  const bySize = <T extends { answered: number; unanswered: number }>(a: T, b: T) => b.answered + b.unanswered - (a.answered + a.unanswered)
  return {
    targetHours,
    overall: dist(overall.entries()[0]?.[1] ?? { minutes: [], unanswered: 0 }),
    byUser: byUser.entries().map(([userId, g]) => ({ userId, name: userById.get(userId)?.name ?? '', ...dist(g) })).sort(bySize),
    byTeam: byTeam.entries().map(([managerId, g]) => ({ managerId, name: `Team of ${userById.get(managerId)?.name ?? ''}`, ...dist(g) })).sort(bySize),
    byAccount: byAccount.entries().map(([accountId, g]) => ({ accountId, name: accountName.get(accountId) ?? '', ...dist(g) })).sort(bySize),
  }
}
