import type { Db } from '../../db/connect.ts'
import { answerValence } from '../surveys/stats.ts'
import type { PeoplePlan } from './people.ts'

// Voice of the customer for the demo: two NPS rounds, a CSAT survey, a staff ESAT pulse, and the
// escalations and referrals the demo's history already tells of. Deterministic (picked by sorted
// name, fixed score patterns, dated relative to `now`, no random draws), written directly as a
// bulk loader. Customers' NPS and CSAT answers become survey experiences, as answers through the
// public page do, so the trust engine hears them.

const DAY = 86_400_000
const HOUR = 3_600_000
// Score patterns: the recent round is better than the earlier one (a trend to show), each has detractors.
const NPS_EARLIER = [9, 7, 10, 6, 8, 9, 3, 10, 7, 9, 8, 5, 9, 10, 6, 8, 9, 7]
const NPS_RECENT = [10, 9, 9, 8, 10, 7, 6, 9, 10, 9, 4, 10, 9, 8, 10, 9, 7, 10, 9, 6]
const CSAT = [5, 4, 4, 5, 3, 5, 2, 4, 5, 4, 5, 4]
const ESAT = [4, 5, 3, 4, 5, 4, 2, 5, 4, 4, 5, 3, 4, 5]
const COMMENTS: Record<number, string> = {
  10: 'They understand our business and always follow through.',
  9: 'Reliable team, quick to answer.',
  6: 'Good people, but the last two deliveries were late.',
  4: 'Too many handovers; we had to chase for answers.',
  3: 'The rollout went badly and nobody owned it.',
  2: 'Support took a week to reply.',
}

export type VoiceCounts = { surveys: number; responses: number; followUps: number; escalations: number; referrals: number; experiences: number; participants: number }

export async function seedVoice(trx: Db, orgId: string, people: PeoplePlan, now: Date): Promise<VoiceCounts> {
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY)
  const ownerOf = new Map(people.accounts.map((a) => [a.id, a.ownerId]))
  const customers = [...people.stakeholders].filter((s) => s.emails[0]).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  const counts: VoiceCounts = { surveys: 0, responses: 0, followUps: 0, escalations: 0, referrals: 0, experiences: 0, participants: 0 }
  const usersOf = new Map<string, string[]>()
  for (const r of people.relationships) usersOf.set(r.stakeholderId, [...(usersOf.get(r.stakeholderId) ?? []), r.userId])

  /** An answer as the trust engine hears it: like submitAnswer, to everyone who knows the stakeholder and the owner. */
  async function answerExperience(input: { name: string; kind: 'nps' | 'csat' }, responseId: string, stakeholderId: string, accountId: string, ownerId: string | null, score: number, at: Date) {
    const userIds = [...new Set([...(usersOf.get(stakeholderId) ?? []), ...(ownerId ? [ownerId] : [])])]
    if (userIds.length === 0) return
    const { id } = await trx.insertInto('experiences').values({
      org_id: orgId, occurred_at: at, kind: 'survey_answer', valence: answerValence(input.kind, score), direction: 'they_gave', initiator: 'us', depth: 'meaningful',
      title: `${input.kind.toUpperCase()} answer: ${score} (${input.name})`, notes: COMMENTS[score] ?? null, source: 'survey', external_id: responseId,
      account_id: accountId, created_at: at, updated_at: at,
    }).returning('id').executeTakeFirstOrThrow()
    await trx.insertInto('experience_stakeholders').values({ org_id: orgId, experience_id: id, stakeholder_id: stakeholderId }).execute()
    await trx.insertInto('experience_users').values(userIds.map((u) => ({ org_id: orgId, experience_id: id, user_id: u }))).execute()
    counts.experiences++
    counts.participants += 1 + userIds.length
    await trx.updateTable('survey_responses').set({ experience_id: id }).where('org_id', '=', orgId).where('id', '=', responseId).execute()
  }

  async function survey(input: { name: string; kind: 'nps' | 'csat' | 'esat'; question: string; sentDaysAgo: number; scores: number[]; staff?: boolean }) {
    const { id } = await trx.insertInto('surveys').values({
      org_id: orgId, name: input.name, kind: input.kind, audience: input.staff ? 'staff' : 'stakeholders', question: input.question,
      reminder_days: 5, created_by: people.head.id, created_at: at(input.sentDaysAgo + 1), updated_at: at(input.sentDaysAgo + 1),
    }).returning('id').executeTakeFirstOrThrow()
    counts.surveys++
    const sent = at(input.sentDaysAgo)
    // A quarter of the invited never answer: they stay as recipients without an answer.
    const invited = input.staff ? people.users.map((u) => ({ user: u, customer: undefined })) : customers.slice(0, Math.ceil(input.scores.length * 1.25)).map((c) => ({ user: undefined, customer: c }))
    for (const [i, who] of invited.entries()) {
      const score = input.scores[i]
      const answeredAt = new Date(sent.getTime() + (1 + (i % 6)) * DAY + (i % 9) * HOUR)
      const day = new Date(Math.floor(answeredAt.getTime() / DAY) * DAY)
      const { id: recipientId } = await trx.insertInto('survey_recipients').values({
        org_id: orgId, survey_id: id, stakeholder_id: who.customer?.id ?? null, user_id: who.user?.id ?? null, account_id: who.customer?.accountId ?? null,
        email: who.customer?.emails[0] ?? who.user?.email ?? null, sent_at: sent, reminded_at: score === undefined || i % 4 === 0 ? at(input.sentDaysAgo - 5) : null,
        responded_at: score === undefined ? null : input.staff ? day : answeredAt,
      }).returning('id').executeTakeFirstOrThrow()
      if (score === undefined) continue
      const ownerId = who.customer ? ownerOf.get(who.customer.accountId) ?? null : null
      const { id: responseId } = await trx.insertInto('survey_responses').values({
        org_id: orgId, survey_id: id, kind: input.kind, recipient_id: input.staff ? null : recipientId, stakeholder_id: who.customer?.id ?? null,
        account_id: who.customer?.accountId ?? null, owner_id: ownerId, team_manager_id: who.user?.managerId ?? null, score,
        comment: COMMENTS[score] ?? null, submitted_at: input.staff ? day : answeredAt,
      }).returning('id').executeTakeFirstOrThrow()
      counts.responses++
      if (who.customer && input.kind !== 'esat') await answerExperience({ name: input.name, kind: input.kind }, responseId, who.customer.id, who.customer.accountId, ownerId, score, answeredAt)
      const isDetractor = input.kind === 'nps' ? score <= 6 : input.kind === 'csat' && score <= 2
      if (isDetractor && ownerId) {
        // Older follow-ups were closed; the recent round's are still open (one overdue).
        const isClosed = input.sentDaysAgo > 60
        await trx.insertInto('follow_ups').values({
          org_id: orgId, response_id: responseId, owner_id: ownerId, due_at: new Date(answeredAt.getTime() + 3 * DAY), created_at: answeredAt,
          closed_at: isClosed ? new Date(answeredAt.getTime() + 2 * DAY) : null, closed_by: isClosed ? ownerId : null,
          resolution: isClosed ? 'Called them, agreed a delivery plan with weekly check-ins.' : null,
        }).execute()
        counts.followUps++
      }
    }
  }

  await survey({ name: 'NPS — spring', kind: 'nps', question: 'How likely is it that you would recommend us to a friend or colleague?', sentDaysAgo: 200, scores: NPS_EARLIER })
  await survey({ name: 'NPS — autumn', kind: 'nps', question: 'How likely is it that you would recommend us to a friend or colleague?', sentDaysAgo: 12, scores: NPS_RECENT })
  await survey({ name: 'Project close-out CSAT', kind: 'csat', question: 'How satisfied are you with the project we just finished?', sentDaysAgo: 45, scores: CSAT })
  await survey({ name: 'Team pulse', kind: 'esat', question: 'How satisfied are you working here?', sentDaysAgo: 30, scores: ESAT, staff: true })

  // Escalations and complaints: one per such experience of the last year, with its first stakeholder.
  const incidents = await trx.selectFrom('experiences as e')
    .innerJoin('experience_stakeholders as es', (j) => j.onRef('es.org_id', '=', 'e.org_id').onRef('es.experience_id', '=', 'e.id'))
    .innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'es.org_id').onRef('s.id', '=', 'es.stakeholder_id'))
    .select(['e.id', 'e.kind', 'e.occurred_at', 'e.title', 'e.valence', 's.id as stakeholder_id', 's.account_id'])
    .where('e.org_id', '=', orgId).where('e.kind', 'in', ['escalation', 'complaint']).where('e.occurred_at', '>=', at(365)).where('s.account_id', 'is not', null)
    .orderBy('e.occurred_at').orderBy('e.id').execute()
  const seen = new Set<string>()
  for (const [i, x] of incidents.filter((r) => !seen.has(r.id) && seen.add(r.id)).entries()) {
    const isSevere = (x.valence ?? -1) <= -2
    const [responseTarget, resolutionTarget] = isSevere ? [8, 120] : [24, 240]
    const responseHours = [2, 6, 30, 4, 12, 1, 50][i % 7]!
    const isResolved = now.getTime() - x.occurred_at.getTime() > 10 * DAY
    await trx.insertInto('escalations').values({
      org_id: orgId, kind: x.kind, severity: isSevere ? 'high' : 'medium', account_id: x.account_id!, stakeholder_id: x.stakeholder_id, owner_id: ownerOf.get(x.account_id!) ?? null,
      title: x.title ?? (x.kind === 'complaint' ? 'Complaint' : 'Escalation'), opened_at: x.occurred_at,
      first_response_at: new Date(x.occurred_at.getTime() + responseHours * HOUR),
      resolved_at: isResolved ? new Date(x.occurred_at.getTime() + [40, 90, 300, 60, 150][i % 5]! * HOUR) : null,
      resolution: isResolved ? 'Root cause fixed and explained to the customer.' : null,
      response_target_hours: responseTarget, resolution_target_hours: resolutionTarget, experience_id: x.id, created_by: people.head.id,
    }).execute()
    counts.escalations++
  }

  // Referrals: one per referral experience, introducing another account of the demo.
  const referrals = await trx.selectFrom('experiences as e')
    .innerJoin('experience_stakeholders as es', (j) => j.onRef('es.org_id', '=', 'e.org_id').onRef('es.experience_id', '=', 'e.id'))
    .select(['e.id', 'e.occurred_at', 'es.stakeholder_id'])
    .where('e.org_id', '=', orgId).where('e.kind', '=', 'referral')
    .orderBy('e.occurred_at').orderBy('e.id').execute()
  const accounts = [...people.accounts].sort((a, b) => a.name.localeCompare(b.name))
  const accountOf = new Map(people.stakeholders.map((s) => [s.id, s.accountId]))
  const done = new Set<string>()
  for (const [i, r] of referrals.filter((x) => !done.has(x.id) && done.add(x.id)).entries()) {
    const status = (['won', 'qualified', 'introduced', 'won', 'lost'] as const)[i % 5]!
    let referred = accounts[(i * 7) % accounts.length]!
    if (referred.id === accountOf.get(r.stakeholder_id)) referred = accounts[(i * 7 + 1) % accounts.length]!
    await trx.insertInto('referrals').values({
      org_id: orgId, referrer_id: r.stakeholder_id, referred_account_id: referred.id, referred_at: r.occurred_at, status,
      value: status === 'won' ? 8_000 + ((i * 3_700) % 40_000) : null, currency: status === 'won' ? 'EUR' : null, experience_id: r.id, created_by: people.head.id,
    }).execute()
    counts.referrals++
  }
  return counts
}
