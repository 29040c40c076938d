// Two years of experiences for the demo organisation. Each key stakeholder follows a story
// (steady, warming, going cold, an incident and its repair, new) so that the trust scores,
// cold lists and KPIs built on top have something true to show. Pure, like people.ts.

import { randomUUID } from 'node:crypto'
import type { Depth, Direction, ExperienceKind, Initiator, Source } from '../experiences/vocabulary.ts'
import { DAY_MS, type PeoplePlan, type PlannedAccount, type PlannedRelationship, type PlannedStakeholder } from './people.ts'
import type { Random } from './random.ts'
import { DEPARTMENTS, EXECUTIVE, EXPERIENCE_TITLES, NOTES } from './texts.ts'

export type PlannedExperience = {
  id: string
  occurredAt: Date
  kind: ExperienceKind
  valence: number | null
  direction: Direction
  initiator: Initiator
  depth: Depth
  title: string
  notes: string | null
  source: Source
  externalId: string | null
  accountId: string
  createdBy: string | null
  stakeholderIds: string[]
  userIds: string[]
}

type Draft = Omit<PlannedExperience, 'id' | 'occurredAt' | 'externalId' | 'createdBy' | 'accountId' | 'title' | 'notes' | 'source'> & {
  at: number
  title?: string
  notes?: string | null
  source?: Source
}

type Ctx = {
  rnd: Random
  now: Date
  plan: PeoplePlan
  accountOf: Map<string, PlannedAccount>
  /** Colleagues who can join a meeting or be copied on an email: never someone whose story is going cold. */
  colleaguesOf: Map<string, PlannedStakeholder[]>
  companies: string[]
  out: PlannedExperience[]
  seq: number
}

const HOUR_MS = 3_600_000
const REPAIR_BOOST_DAYS = 120
/** Kinds that happen on working days; the others (a card, a message, a dinner) may fall on a weekend. */
const WEEKEND_KINDS: ReadonlySet<ExperienceKind> = new Set(['personal_moment', 'gift', 'message', 'meal', 'event'])

function occurredAt(rnd: Random, at: number, kind: ExperienceKind): Date {
  const day = new Date(at)
  day.setUTCHours(0, 0, 0, 0)
  if (!WEEKEND_KINDS.has(kind)) {
    const weekday = day.getUTCDay()
    if (weekday === 6) day.setUTCDate(day.getUTCDate() - 1)
    if (weekday === 0) day.setUTCDate(day.getUTCDate() + 1)
  }
  const isEmail = kind === 'email'
  day.setUTCHours(isEmail ? rnd.int(7, 19) : rnd.int(8, 17), isEmail ? rnd.int(0, 59) : rnd.pick([0, 15, 30, 45]))
  return day
}

function fill(ctx: Ctx, template: string, s: PlannedStakeholder): string {
  const topics = s.department === 'executive' ? EXECUTIVE.topics : DEPARTMENTS[s.department].topics
  const company = ctx.accountOf.get(s.accountId)!.name
  return template
    .replace('{first}', s.firstName)
    .replace('{company}', company)
    .replace('{topic}', ctx.rnd.pick(topics))
    .replace('{other}', () => {
      const other = ctx.rnd.pick(ctx.companies)
      return other === company ? ctx.companies[0]! === company ? ctx.companies[1]! : ctx.companies[0]! : other
    })
}

function emit(ctx: Ctx, s: PlannedStakeholder, d: Draft) {
  const when = occurredAt(ctx.rnd, d.at, d.kind)
  if (when.getTime() > ctx.now.getTime() - HOUR_MS) return
  const source = d.source ?? 'manual'
  const account = ctx.accountOf.get(s.accountId)!
  ctx.seq++
  ctx.out.push({
    id: randomUUID(),
    occurredAt: when,
    kind: d.kind,
    valence: d.valence,
    direction: d.direction,
    initiator: d.initiator,
    depth: d.depth,
    title: d.title ?? fill(ctx, ctx.rnd.pick(EXPERIENCE_TITLES[d.kind]), s),
    notes: d.notes ?? null,
    source,
    // Captured items carry the id of their origin (a Message-ID, a calendar UID), as real capture would.
    externalId: source === 'email' ? `<demo-${ctx.seq.toString(36)}@mail.${account.domain}>` : source === 'calendar' ? `demo-cal-${ctx.seq.toString(36)}` : null,
    accountId: account.id,
    createdBy: source === 'manual' ? d.userIds[0]! : null,
    stakeholderIds: [...new Set(d.stakeholderIds)],
    userIds: [...new Set(d.userIds)],
  })
}

type Phase = 'before' | 'repair' | 'after'

function pickTouchKind(ctx: Ctx, s: PlannedStakeholder, progress: number): ExperienceKind {
  const giving = s.story === 'warming' ? 1 + 2 * progress : s.story === 'cold' ? 0.4 : 1
  return ctx.rnd.weighted({
    meeting: 28, call: 24, message: 3, meal: 6, visit: 3, event: 4,
    insight: 7 * giving, introduction: 3 * giving, help: 3 * giving, invitation: 3 * giving, gift: 1.5 * giving,
    personal_moment: (s.personalNotes ? 5 : 2) * giving,
    referral: s.story === 'warming' || s.attitude === 'champion' ? 2 : 0.5,
  })
}

function pickValence(ctx: Ctx, s: PlannedStakeholder, progress: number, phase: Phase): number {
  if (s.story === 'warming') return Number(ctx.rnd.weighted({ '2': 10 + 30 * progress, '1': 50, '0': 30 - 20 * progress, '-1': 4 }))
  if (s.story === 'cold') return Number(ctx.rnd.weighted({ '2': 5, '1': 40, '0': 45, '-1': 10 }))
  if (phase !== 'before') return Number(ctx.rnd.weighted({ '2': 30, '1': 50, '0': 18, '-1': 2 }))
  return Number(ctx.rnd.weighted({ '2': 15, '1': 50, '0': 30, '-1': 5 }))
}

/** One meaningful touch between a relationship's owner and the stakeholder. */
function planTouch(ctx: Ctx, rel: PlannedRelationship, s: PlannedStakeholder, at: number, progress: number, phase: Phase) {
  const { rnd } = ctx
  const kind = pickTouchKind(ctx, s, progress)
  const themRate = s.story === 'warming' ? 0.25 + 0.35 * progress : s.story === 'cold' ? 0.15 : 0.35
  const direction: Direction =
    kind === 'referral' ? 'they_gave'
      : ['insight', 'help', 'gift', 'personal_moment'].includes(kind) ? 'we_gave'
        : ['introduction', 'invitation', 'event'].includes(kind) ? (rnd.chance(0.7) ? 'we_gave' : 'they_gave')
          : rnd.weighted({ mutual: 75, we_asked: 15, we_gave: 10 })
  const initiator: Initiator = kind === 'referral' || (direction === 'they_gave' && rnd.chance(0.8)) ? 'them' : rnd.chance(themRate) ? 'them' : 'us'
  const depth: Depth =
    kind === 'personal_moment' || kind === 'gift' ? 'personal'
      : kind === 'meal' ? rnd.pick(['personal', 'meaningful'] as const)
        : kind === 'meeting' ? (rnd.chance(0.35) ? 'meaningful' : 'routine')
          : kind === 'call' ? (rnd.chance(0.2) ? 'meaningful' : 'routine')
            : kind === 'message' ? 'routine' : 'meaningful'
  const isCaptured = kind === 'meeting' && rnd.chance(0.3)
  const valence = isCaptured ? null : pickValence(ctx, s, progress, phase)
  const manager = ctx.plan.managerOf.get(rel.userId)
  const withManager = manager && (kind === 'visit' ? rnd.chance(0.3) : kind === 'meeting' ? rnd.chance(0.1) : false)
  const colleagues = ['meeting', 'visit', 'event', 'meal'].includes(kind) && rnd.chance(0.4) ? rnd.shuffle(ctx.colleaguesOf.get(s.accountId) ?? []).filter((c) => c.id !== s.id).slice(0, rnd.int(1, 2)) : []
  const notes = valence === null || !rnd.chance(0.3) ? null : rnd.pick(valence > 0 ? NOTES.positive : valence < 0 ? NOTES.negative : NOTES.neutral)
  emit(ctx, s, {
    at, kind, valence, direction, initiator, depth, notes,
    source: isCaptured ? 'calendar' : 'manual',
    stakeholderIds: [s.id, ...colleagues.map((c) => c.id)],
    userIds: withManager ? [rel.userId, manager] : [rel.userId],
  })
}

/** A failure on our side, the customer's escalation or complaint, then the repair. */
function planIncident(ctx: Ctx, rel: PlannedRelationship, s: PlannedStakeholder) {
  const { rnd } = ctx
  const at = s.turningPoint!.getTime()
  const manager = ctx.plan.managerOf.get(rel.userId) ?? ctx.plan.head.id
  const team = [rel.userId, manager]
  const boss = ctx.colleaguesOf.get(s.accountId)?.find((c) => c.id === s.reportsToId)
  const people = [s.id, ...(boss && rnd.chance(0.5) ? [boss.id] : [])]
  const base = { direction: 'mutual' as const, depth: 'meaningful' as const }
  emit(ctx, s, { ...base, at, kind: 'service_failure', valence: -2, initiator: 'them', notes: rnd.pick(NOTES.incident), stakeholderIds: [s.id], userIds: [rel.userId] })
  const isEscalation = rnd.chance(0.5)
  emit(ctx, s, { ...base, at: at + rnd.int(1, 3) * DAY_MS, kind: isEscalation ? 'escalation' : 'complaint', valence: isEscalation ? -2 : -1, initiator: 'them', stakeholderIds: people, userIds: team })
  emit(ctx, s, {
    ...base, at: at + rnd.int(4, 8) * DAY_MS, kind: 'help', valence: 1, direction: 'we_gave', initiator: 'us',
    title: `Recovery plan agreed with ${s.firstName}`, notes: rnd.pick(NOTES.recovery), stakeholderIds: people, userIds: team,
  })
  emit(ctx, s, {
    ...base, at: at + rnd.int(20, 40) * DAY_MS, kind: 'meeting', valence: 2, initiator: 'us',
    title: `Post-incident review with ${s.firstName}`, notes: rnd.pick(NOTES.review), stakeholderIds: people, userIds: team,
  })
}

/** Captured email: unrated (valence null). A relationship going cold gets only unanswered mail from us. */
function planEmails(ctx: Ctx, rel: PlannedRelationship, s: PlannedStakeholder) {
  const { rnd } = ctx
  const [minGap, maxGap] = rel.isSecondary ? [30, 60] : rel.cadenceDays <= 30 ? [10, 24] : [18, 45]
  const end = ctx.now.getTime()
  for (let at = rel.createdAt.getTime() + rnd.int(1, 5) * DAY_MS; at < end;) {
    const isCold = s.story === 'cold' && at >= s.turningPoint!.getTime()
    const base = { kind: 'email' as const, valence: null, depth: 'routine' as const, source: 'email' as const, userIds: [rel.userId] }
    if (isCold) {
      emit(ctx, s, { ...base, at, direction: 'we_asked', initiator: 'us', title: fill(ctx, rnd.pick(['Checking in', 'Following up on {topic}', 'Any news on {topic}?']), s), stakeholderIds: [s.id] })
      at += rnd.int(20, 45) * DAY_MS
      continue
    }
    const cc = rnd.chance(0.15) ? rnd.shuffle(ctx.colleaguesOf.get(s.accountId) ?? []).filter((c) => c.id !== s.id).slice(0, 1) : []
    const first: Initiator = rnd.chance(0.5) ? 'us' : 'them'
    const title = fill(ctx, rnd.pick(EXPERIENCE_TITLES.email), s)
    emit(ctx, s, { ...base, at, direction: 'mutual', initiator: first, title, stakeholderIds: [s.id, ...cc.map((c) => c.id)] })
    if (rnd.chance(0.25)) emit(ctx, s, { ...base, at: at + rnd.int(0, 2) * DAY_MS, direction: 'mutual', initiator: first === 'us' ? 'them' : 'us', title: `Re: ${title.replace(/^Re: /, '')}`, stakeholderIds: [s.id] })
    at += rnd.int(minGap, maxGap) * DAY_MS
  }
}

function planRelationshipHistory(ctx: Ctx, rel: PlannedRelationship, s: PlannedStakeholder, isLead: boolean) {
  const { rnd } = ctx
  const start = rel.createdAt.getTime()
  const end = ctx.now.getTime()
  const turn = s.turningPoint?.getTime() ?? Infinity
  for (let at = start + rnd.int(0, 10) * DAY_MS; at < end;) {
    if (s.story === 'cold' && at >= turn) break
    const progress = (at - start) / (end - start)
    const phase: Phase = s.story !== 'incident' || at < turn ? 'before' : at < turn + REPAIR_BOOST_DAYS * DAY_MS ? 'repair' : 'after'
    planTouch(ctx, rel, s, at, progress, phase)
    const factor = rel.isSecondary ? 1 : s.story === 'warming' ? 1.6 - 1.05 * progress : phase === 'repair' ? 0.6 : 0.8
    at += rel.cadenceDays * factor * rnd.float(0.6, 1.3) * DAY_MS
  }
  if (s.story === 'incident' && isLead) planIncident(ctx, rel, s)
  planEmails(ctx, rel, s)
}

const isReachable = (s: PlannedStakeholder, at: number) => !(s.story === 'cold' && at >= s.turningPoint!.getTime())

/** Quarterly (strategic) or half-yearly (key) reviews with several of the account's people and ours. */
function planAccountReviews(ctx: Ctx, account: PlannedAccount, people: PlannedStakeholder[], since: Map<string, number>) {
  const { rnd } = ctx
  if (account.tier === 'standard' || people.length === 0) return
  const every = account.tier === 'strategic' ? 91 : 182
  const manager = ctx.plan.managerOf.get(account.ownerId)!
  const first = Math.min(...people.map((s) => since.get(s.id)!))
  for (let at = first + rnd.int(20, 60) * DAY_MS; at < ctx.now.getTime(); at += every * rnd.float(0.9, 1.1) * DAY_MS) {
    const attendees = people.filter((s) => since.get(s.id)! < at && isReachable(s, at)).slice(0, rnd.int(2, 4))
    const lead = attendees[0]
    if (!lead) continue
    const users = [account.ownerId, ...(account.tier === 'strategic' || rnd.chance(0.5) ? [manager] : []), ...(account.tier === 'strategic' && rnd.chance(0.3) ? [ctx.plan.head.id] : [])]
    emit(ctx, lead, {
      at, kind: 'meeting', valence: Number(rnd.weighted({ '2': 20, '1': 55, '0': 25 })), direction: 'mutual', initiator: 'us', depth: 'meaningful',
      title: account.tier === 'strategic' ? `Quarterly business review: ${account.name}` : `Half-year account review: ${account.name}`,
      stakeholderIds: attendees.map((s) => s.id), userIds: users,
    })
  }
}

/** Our yearly client summit: an invitation that matters, for the strategic and key accounts. */
function planSummits(ctx: Ctx, peopleOf: Map<string, PlannedStakeholder[]>, since: Map<string, number>) {
  const { rnd } = ctx
  for (const daysAgo of [400, 35]) {
    const at = ctx.now.getTime() - daysAgo * DAY_MS
    const year = new Date(at).getUTCFullYear()
    for (const account of ctx.plan.accounts.filter((a) => a.tier !== 'standard')) {
      const guests = (peopleOf.get(account.id) ?? []).filter((s) => since.get(s.id)! < at && isReachable(s, at) && (s.attitude === 'champion' || s.attitude === 'supporter' || rnd.chance(0.3))).slice(0, 3)
      if (!guests[0]) continue
      emit(ctx, guests[0], {
        at, kind: 'event', valence: rnd.chance(0.6) ? 2 : 1, direction: 'we_gave', initiator: 'us', depth: 'meaningful',
        title: `Northwind Client Summit ${year}`, stakeholderIds: guests.map((s) => s.id), userIds: [account.ownerId, ctx.plan.head.id],
      })
    }
  }
}

/** Every experience of the demo organisation, oldest first. */
export function planExperiences(rnd: Random, plan: PeoplePlan, now: Date): PlannedExperience[] {
  const keyPeople = plan.stakeholders.filter((s) => s.story !== null)
  const group = <T>(items: T[], key: (t: T) => string) => {
    const map = new Map<string, T[]>()
    for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item])
    return map
  }
  const ctx: Ctx = {
    rnd,
    now,
    plan,
    accountOf: new Map(plan.accounts.map((a) => [a.id, a])),
    colleaguesOf: group(plan.stakeholders.filter((s) => s.story !== 'cold'), (s) => s.accountId),
    companies: plan.accounts.map((a) => a.name),
    out: [],
    seq: 0,
  }
  const relsOf = group(plan.relationships, (r) => r.stakeholderId)
  const since = new Map<string, number>()
  for (const s of keyPeople) {
    const rels = relsOf.get(s.id)!
    const lead = rels.find((r) => !r.isSecondary) ?? rels[0]!
    since.set(s.id, lead.createdAt.getTime())
    for (const rel of rels) planRelationshipHistory(ctx, rel, s, rel === lead)
  }
  const peopleOf = group([...keyPeople].sort((a, b) => b.influence - a.influence || a.level - b.level), (s) => s.accountId)
  for (const account of plan.accounts) planAccountReviews(ctx, account, peopleOf.get(account.id) ?? [], since)
  planSummits(ctx, peopleOf, since)
  return ctx.out.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
}
