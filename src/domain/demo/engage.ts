import type { Db } from '../../db/connect.ts'
import type { PeoplePlan, PlannedStakeholder } from './people.ts'

// Moments, close people and relationship plans for the demo: a handful, deterministic (picked by
// sorted name, dated relative to `now`, no random draws so the rest of the demo is unchanged), and
// centred on the demo login (the head) so Today shows upcoming moments and an overdue give.

const DAY_MS = 86_400_000
const dayOffset = (now: Date, days: number) => new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10)
/** The same month and day as `now + days`, in an earlier year: a yearly date whose next occurrence is in `days` days. */
const yearlyIn = (now: Date, days: number, year: number) => `${year}${dayOffset(now, days).slice(4)}`.replace(/^(\d{4})-02-29$/, '$1-02-28')

const PARTNERS = ['Daniel', 'Sofia', 'Marc', 'Elena', 'Tomás', 'Ingrid']
const CHILDREN = ['Lea', 'Noah', 'Mila', 'Jonas', 'Ava', 'Luca']

export type EngagementCounts = { moments: number; closePeople: number; plans: number; planActivities: number }

export async function seedEngagement(trx: Db, orgId: string, people: PeoplePlan, now: Date): Promise<EngagementCounts> {
  const byId = new Map(people.stakeholders.map((s) => [s.id, s]))
  const headIds = new Set(people.relationships.filter((r) => r.userId === people.head.id).map((r) => r.stakeholderId))
  const known = [...headIds].map((id) => byId.get(id)!).sort((a, b) => a.name.localeCompare(b.name))
  // The head's first four contacts agreed to personal data being kept (recorded three weeks ago),
  // so the demo login has personal moments to show.
  const consenting = known.slice(0, 4)
  for (const s of consenting.filter((k) => k.consentAt === null)) {
    const consentAt = new Date(Math.max(s.createdAt.getTime() + DAY_MS, now.getTime() - 21 * DAY_MS))
    await trx.updateTable('stakeholders').set({ has_consent: true, consent_at: consentAt }).where('org_id', '=', orgId).where('id', '=', s.id).execute()
  }
  let moments = 0
  let closePeople = 0

  const addPerson = async (s: PlannedStakeholder, name: string, relation: string, notes: string | null) => {
    closePeople++
    return (await trx.insertInto('close_people').values({ org_id: orgId, stakeholder_id: s.id, name, relation, notes }).returning('id').executeTakeFirstOrThrow()).id
  }
  const addMoment = async (s: PlannedStakeholder, m: { kind: string; on_date: string; recurrence: string; lead_days?: number; close_person_id?: string; notes?: string; title?: string }) => {
    moments++
    await trx.insertInto('moments').values({ org_id: orgId, stakeholder_id: s.id, created_by: people.head.id, lead_days: 7, ...m }).execute()
  }

  // Personal moments only for stakeholders who consented.
  const [a, b, c, d] = consenting
  if (a) {
    await addMoment(a, { kind: 'birthday', on_date: yearlyIn(now, 3, 1974), recurrence: 'yearly', notes: 'Prefers a call to an e-mail' })
    const partner = await addPerson(a, PARTNERS[0]!, 'spouse', 'Architect; they met sailing')
    await addMoment(a, { kind: 'wedding', on_date: yearlyIn(now, 12, 2004), recurrence: 'yearly', close_person_id: partner, lead_days: 10 })
  }
  if (b) {
    const child = await addPerson(b, CHILDREN[1]!, 'child', 'Finishing an engineering degree')
    await addPerson(b, PARTNERS[1]!, 'partner', null)
    await addMoment(b, { kind: 'graduation', on_date: dayOffset(now, 9), recurrence: 'once', close_person_id: child, lead_days: 14 })
  }
  if (c) {
    await addMoment(c, { kind: 'birthday', on_date: '1984-02-29', recurrence: 'yearly', notes: 'A leap-day birthday: celebrated on 28 February in other years' })
    await addPerson(c, 'Ruth', 'assistant', 'Keeps the diary; thank her')
  }
  if (d) await addMoment(d, { kind: 'birthday', on_date: yearlyIn(now, 22, 1969), recurrence: 'yearly' })
  // Professional moments need no consent.
  for (const [i, s] of known.slice(4, 6).entries()) {
    await addMoment(s, i === 0 ? { kind: 'company_anniversary', on_date: yearlyIn(now, 17, 2016), recurrence: 'yearly', title: '10 years at the company' } : { kind: 'promotion', on_date: dayOffset(now, 5), recurrence: 'once' })
  }

  // One account plan and one stakeholder plan for the head, with an overdue give.
  let plans = 0
  let planActivities = 0
  const addActivity = async (planId: string, kind: string, title: string, due: number | null) => {
    planActivities++
    await trx.insertInto('plan_activities').values({ org_id: orgId, plan_id: planId, kind, title, owner_id: people.head.id, due_on: due === null ? null : dayOffset(now, due) }).execute()
  }
  const first = known[0]
  if (first?.accountId) {
    const account = people.accounts.find((x) => x.id === first.accountId)!
    plans++
    const { id } = await trx.insertInto('relationship_plans').values({
      org_id: orgId, account_id: account.id, title: `Grow with ${account.name}`, owner_id: people.head.id,
      objectives: ['Open their second region without adding headcount', 'Be seen by their board as the partner who brings ideas'],
    }).returning('id').executeTakeFirstOrThrow()
    await addActivity(id, 'introduction', 'Introduce their COO to our logistics partner', -4)
    await addActivity(id, 'insight', 'Share the regional expansion benchmark', 6)
    await addActivity(id, 'invitation', 'Invite the leadership team to the spring round table', 25)
  }
  const second = known[1]
  if (second) {
    plans++
    const { id } = await trx.insertInto('relationship_plans').values({
      org_id: orgId, stakeholder_id: second.id, title: `Make ${second.name} a hero`, owner_id: people.head.id,
      objectives: [second.goals?.split(/[.;\n]/)[0]?.trim() || 'Deliver the transformation on time'],
    }).returning('id').executeTakeFirstOrThrow()
    await addActivity(id, 'help', 'Lend our analyst for their board pack', -2)
    await addActivity(id, 'event', 'Dinner at the industry awards', 14)
  }
  return { moments, closePeople, plans, planActivities }
}
