// The people of the demo organisation: our team, the customer accounts with their org charts,
// and who owns which relationship. Pure: everything follows from the contacts, the seed and `now`.

import { randomUUID } from 'node:crypto'
import type { Role } from '../auth/roles.ts'
import type { DemoContact } from './contacts.ts'
import { domainOf, localPartOf } from './contacts.ts'
import type { Random } from './random.ts'
import {
  CEO_TITLES, DEPARTMENT_NAMES, DEPARTMENTS, EXECUTIVE, INDUSTRIES, INTERESTS, PERSONAL_NOTES, RELATIONSHIP_NOTES, TAG_INTERESTS, TEAM,
  type DepartmentName,
} from './texts.ts'

export const DAY_MS = 86_400_000

/** What happens to a key stakeholder over the two years: the stories the demo must show. */
export const STORIES = ['steady', 'warming', 'cold', 'incident', 'new'] as const
export type Story = (typeof STORIES)[number]

export type PlannedUser = { id: string; name: string; email: string; role: Role; managerId: string | null; createdAt: Date }

export type PlannedAccount = {
  id: string
  name: string
  domain: string
  tier: 'strategic' | 'key' | 'standard'
  industry: string
  ownerId: string
  status: 'prospect' | 'active' | 'at_risk'
  notes: string | null
  createdAt: Date
}

export type PlannedStakeholder = {
  id: string
  accountId: string
  firstName: string
  name: string
  emails: string[]
  phones: string[]
  title: string
  /** 0 chief executive, 1 department chief, 2 head, 3 manager, 4 specialist */
  level: number
  department: DepartmentName | 'executive'
  reportsToId: string | null
  influence: number
  attitude: 'champion' | 'supporter' | 'neutral' | 'skeptic' | 'detractor'
  goals: string | null
  pains: string | null
  interests: string | null
  personalNotes: string | null
  consentAt: Date | null
  createdAt: Date
  /** Set for stakeholders someone in our team has a relationship with. */
  story: Story | null
  /** Cold story: the day meaningful contact stopped. Incident story: the day it happened. */
  turningPoint: Date | null
}

export type PlannedRelationship = {
  id: string
  userId: string
  stakeholderId: string
  importance: number
  cadenceDays: number
  targetStrength: number
  privateNotes: string | null
  createdAt: Date
  /** A manager's or the head's relationship beside the account owner's: fewer touches of its own. */
  isSecondary: boolean
}

export type PeoplePlan = {
  users: PlannedUser[]
  head: PlannedUser
  managerOf: Map<string, string>
  accounts: PlannedAccount[]
  stakeholders: PlannedStakeholder[]
  relationships: PlannedRelationship[]
}

const STRATEGIC_ACCOUNTS = 5
const KEY_ACCOUNTS = 15
/** The last rep of the third team joined nine months ago: a lighter book, newer relationships. */
const NEW_JOINER_DAYS = 270

const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS)

function planUsers(slug: string, now: Date): { users: PlannedUser[]; head: PlannedUser; reps: PlannedUser[] } {
  const email = (name: string) => {
    const [first = name, ...rest] = name.split(' ')
    return `${localPartOf(first, rest.join(''))}@${slug}.tend.example`
  }
  const user = (name: string, role: Role, managerId: string | null, joinedDaysAgo = 800, address = email(name)): PlannedUser =>
    ({ id: randomUUID(), name, email: address, role, managerId, createdAt: daysAgo(now, joinedDaysAgo) })
  const head = user(TEAM.head, 'admin', null, 900, `${slug}@tend.example`)
  const users = [head]
  const reps: PlannedUser[] = []
  TEAM.teams.forEach((team, t) => {
    const manager = user(team.manager, 'manager', head.id, 850)
    users.push(manager)
    team.reps.forEach((name, r) => {
      const isNewJoiner = t === TEAM.teams.length - 1 && r === team.reps.length - 1
      const rep = user(name, 'rep', manager.id, isNewJoiner ? NEW_JOINER_DAYS : 800 - 20 * r)
      users.push(rep)
      reps.push(rep)
    })
  })
  users.push(user(TEAM.analyst, 'analyst', null, 600))
  return { users, head, reps }
}

function groupByCompany(contacts: DemoContact[]): [string, DemoContact[]][] {
  const byCompany = new Map<string, DemoContact[]>()
  for (const c of contacts) byCompany.set(c.company, [...(byCompany.get(c.company) ?? []), c])
  // Larger accounts first: they become the strategic and key ones, as in most books of business.
  return [...byCompany.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
}

const clamp = (n: number, min: number, max: number) => Math.max(min, Math.min(max, n))

/** An org chart for one account: a chief executive (if the account is big enough), then departments. */
function planAccountPeople(rnd: Random, account: PlannedAccount, contacts: DemoContact[], now: Date): PlannedStakeholder[] {
  // VIPs and people tagged "manager" in the sample data sit higher in the chart.
  const ranked = rnd.shuffle(contacts).sort((a, b) => Number(b.tags.some((t) => t === 'vip' || t === 'manager')) - Number(a.tags.some((t) => t === 'vip' || t === 'manager')))
  const hasCeo = ranked.length >= 6
  const departments = rnd.shuffle(DEPARTMENT_NAMES).slice(0, clamp(Math.ceil((ranked.length - (hasCeo ? 1 : 0)) / 4), 1, 6))
  const usedEmails = new Set<string>()
  const people: PlannedStakeholder[] = []
  const chain = new Map<DepartmentName, PlannedStakeholder[]>()
  let ceo: PlannedStakeholder | undefined

  ranked.forEach((c, i) => {
    const isCeo = hasCeo && i === 0
    const department = isCeo ? 'executive' : departments[(i - (hasCeo ? 1 : 0)) % departments.length]!
    const peers = isCeo ? [] : (chain.get(department as DepartmentName) ?? [])
    const position = peers.length
    const level = isCeo ? 0 : position === 0 ? 1 : position === 1 ? 2 : (position - 2) % 3 === 0 ? 3 : 4
    const dept = isCeo ? undefined : DEPARTMENTS[department as DepartmentName]
    const title = isCeo ? rnd.pick(CEO_TITLES) : rnd.pick(level === 1 ? dept!.chief : level === 2 ? dept!.head : level === 3 ? dept!.manager : dept!.specialist)
    const boss = isCeo ? null : level === 1 ? (ceo ?? null) : level === 4 ? ([...peers].reverse().find((p) => p.level === 3) ?? peers[1] ?? null) : level === 3 ? peers[1]! : peers[0]!
    const isVip = c.tags.includes('vip')
    const influence = clamp([5, 4, 3, 2, 1][level]! + (isVip ? 1 : 0) + (rnd.chance(0.25) ? rnd.pick([-1, 1]) : 0), 1, 5)
    let work = `${localPartOf(c.firstName, c.lastName)}@${account.domain}`
    for (let n = 2; usedEmails.has(work); n++) work = `${localPartOf(c.firstName, c.lastName)}${n}@${account.domain}`
    usedEmails.add(work)
    const isKeyPerson = level <= 2 || (account.tier !== 'standard' && level <= 3)
    const profile = isCeo ? EXECUTIVE : dept!
    const interests = [...c.tags.flatMap((t) => TAG_INTERESTS[t] ?? []), ...(isKeyPerson && rnd.chance(0.6) ? [rnd.pick(INTERESTS)] : [])]
    const hasConsent = isKeyPerson && rnd.chance(0.3)
    const createdAt = new Date(Math.min(account.createdAt.getTime() + rnd.int(0, 400) * DAY_MS, now.getTime() - 10 * DAY_MS))
    const person: PlannedStakeholder = {
      id: randomUUID(),
      accountId: account.id,
      firstName: c.firstName,
      name: `${c.firstName} ${c.lastName}`,
      // The work address first (what email capture matches on); the sample's address second.
      emails: [work, ...c.emails.filter((e) => e !== work)],
      phones: c.phones,
      title,
      level,
      department,
      reportsToId: boss?.id ?? null,
      influence,
      attitude: rnd.weighted({ champion: 5, supporter: 25, neutral: 50, skeptic: 15, detractor: 5 }),
      goals: isKeyPerson ? rnd.pick(profile.goals) : null,
      pains: isKeyPerson ? rnd.pick(profile.pains) : null,
      interests: interests.length ? interests.join('. ') : null,
      personalNotes: hasConsent ? rnd.pick(PERSONAL_NOTES) : null,
      consentAt: hasConsent ? new Date(Math.min(createdAt.getTime() + rnd.int(1, 60) * DAY_MS, now.getTime() - DAY_MS)) : null,
      createdAt,
      story: null,
      turningPoint: null,
    }
    if (isCeo) ceo = person
    else chain.set(department as DepartmentName, [...peers, person])
    people.push(person)
  })
  return people
}

function cadenceFor(rnd: Random, importance: number, isSecondary: boolean): number {
  if (isSecondary) return rnd.pick([60, 90])
  if (importance >= 5) return rnd.pick([14, 14, 30])
  if (importance === 4) return rnd.pick([14, 30, 30])
  if (importance === 3) return rnd.pick([30, 60])
  return rnd.pick([60, 90, 90])
}

function planRelationship(rnd: Random, user: PlannedUser, s: PlannedStakeholder, account: PlannedAccount, isSecondary: boolean): PlannedRelationship {
  const tierBonus = account.tier === 'strategic' ? 1 : account.tier === 'standard' ? -1 : 0
  const importance = clamp(s.influence + tierBonus + (rnd.chance(0.3) ? rnd.pick([-1, 1]) : 0), 1, 5)
  return {
    id: randomUUID(),
    userId: user.id,
    stakeholderId: s.id,
    importance,
    cadenceDays: cadenceFor(rnd, importance, isSecondary),
    targetStrength: clamp(50 + importance * 7 + rnd.int(-5, 5), 0, 100),
    privateNotes: rnd.chance(0.2) ? rnd.pick(RELATIONSHIP_NOTES) : null,
    createdAt: s.createdAt,
    isSecondary,
  }
}

/** Stories are dealt from fixed quotas, so every seed shows each story several times. */
function dealStories(rnd: Random, keyPeople: PlannedStakeholder[]) {
  const quotas: [Story, number][] = [['incident', 0.06], ['cold', 0.12], ['warming', 0.15], ['new', 0.08]]
  const deck = rnd.shuffle(keyPeople)
  let i = 0
  for (const [story, share] of quotas) for (const end = i + Math.max(3, Math.round(share * deck.length)); i < end && i < deck.length; i++) deck[i]!.story = story
  for (; i < deck.length; i++) deck[i]!.story = 'steady'
}

export function planPeople(rnd: Random, contacts: DemoContact[], slug: string, now: Date): PeoplePlan {
  const { users, head, reps } = planUsers(slug, now)
  const managerOf = new Map(users.filter((u) => u.managerId).map((u) => [u.id, u.managerId!]))
  const load = new Map(reps.map((r) => [r.id, 0]))
  const capacity = (rep: PlannedUser) => (now.getTime() - rep.createdAt.getTime() < 365 * DAY_MS ? 0.5 : 1)

  const accounts: PlannedAccount[] = []
  const stakeholders: PlannedStakeholder[] = []
  const peopleOf = new Map<string, PlannedStakeholder[]>()
  groupByCompany(contacts).forEach(([company, members], i) => {
    const owner = [...reps].sort((a, b) => load.get(a.id)! / capacity(a) - load.get(b.id)! / capacity(b))[0]!
    load.set(owner.id, load.get(owner.id)! + members.length)
    const tier = i < STRATEGIC_ACCOUNTS ? 'strategic' : i < STRATEGIC_ACCOUNTS + KEY_ACCOUNTS ? 'key' : 'standard'
    const industry = rnd.pick(INDUSTRIES)
    const createdAt = daysAgo(now, rnd.int(740, 1100))
    const notes = tier === 'strategic' ? `Client since ${createdAt.getUTCFullYear() - rnd.int(1, 6)}. Framework agreement renewed every three years; ${industry.toLowerCase()} group.` : null
    const account: PlannedAccount = { id: randomUUID(), name: company, domain: domainOf(company), tier, industry, ownerId: owner.id, status: 'active', notes, createdAt }
    accounts.push(account)
    const people = planAccountPeople(rnd, account, members, now)
    peopleOf.set(account.id, people)
    stakeholders.push(...people)
  })

  const relationships: PlannedRelationship[] = []
  const byId = new Map(users.map((u) => [u.id, u]))
  for (const rep of reps) {
    const own = accounts.filter((a) => a.ownerId === rep.id)
    const tops = own.map((a) => peopleOf.get(a.id)![0]!)
    const others = own.flatMap((a) => peopleOf.get(a.id)!.slice(1)).sort((a, b) => b.influence - a.influence || a.level - b.level)
    const target = capacity(rep) < 1 ? rnd.int(15, 20) : rnd.int(22, 40)
    for (const s of [...tops, ...others].slice(0, Math.max(target, tops.length))) {
      relationships.push(planRelationship(rnd, rep, s, accounts.find((a) => a.id === s.accountId)!, false))
    }
  }
  // Managers hold the senior relationships of their team's bigger accounts; the head, the CEOs of strategic ones.
  for (const account of accounts.filter((a) => a.tier !== 'standard')) {
    const manager = byId.get(managerOf.get(account.ownerId)!)!
    const seniors = peopleOf.get(account.id)!.filter((s) => s.level <= 1 && s.influence >= 4).slice(0, account.tier === 'strategic' ? 3 : 1)
    for (const s of seniors) relationships.push(planRelationship(rnd, manager, s, account, true))
    const ceo = peopleOf.get(account.id)![0]!
    if (account.tier === 'strategic' && ceo.level === 0) relationships.push(planRelationship(rnd, head, ceo, account, true))
  }

  const keyPeople = [...new Set(relationships.map((r) => r.stakeholderId))].map((id) => stakeholders.find((s) => s.id === id)!)
  dealStories(rnd, keyPeople)
  shapeStories(rnd, { keyPeople, relationships, accounts, users: byId, now })
  return { users, head, managerOf, accounts, stakeholders, relationships }
}

/** Dates, attitudes and account statuses that follow from each key stakeholder's story. */
function shapeStories(rnd: Random, ctx: { keyPeople: PlannedStakeholder[]; relationships: PlannedRelationship[]; accounts: PlannedAccount[]; users: Map<string, PlannedUser>; now: Date }) {
  const { now } = ctx
  const relsOf = (s: PlannedStakeholder) => ctx.relationships.filter((r) => r.stakeholderId === s.id)
  for (const s of ctx.keyPeople) {
    const rels = relsOf(s)
    const primary = rels.find((r) => !r.isSecondary) ?? rels[0]!
    const story = s.story!
    const ownerJoined = ctx.users.get(primary.userId)!.createdAt
    let startDays = story === 'new' ? rnd.int(45, 200) : rnd.chance(0.2) ? rnd.int(420, 600) : rnd.int(690, 730)
    startDays = Math.min(startDays, Math.floor((now.getTime() - ownerJoined.getTime()) / DAY_MS) - rnd.int(5, 30))
    const start = daysAgo(now, startDays)
    s.createdAt = new Date(Math.min(s.createdAt.getTime(), start.getTime()))
    for (const r of rels) r.createdAt = r.isSecondary ? daysAgo(now, Math.min(startDays, rnd.int(300, 700))) : start
    if (story === 'cold') s.turningPoint = daysAgo(now, Math.min(startDays - 90, primary.cadenceDays + rnd.int(75, 200)))
    if (story === 'incident') s.turningPoint = daysAgo(now, Math.min(startDays - 60, rnd.int(120, 420)))
    if (s.consentAt && s.consentAt < s.createdAt) s.consentAt = new Date(s.createdAt.getTime() + DAY_MS)
    if (s.consentAt && s.consentAt > now) s.consentAt = daysAgo(now, 1)
    s.attitude = rnd.weighted(
      story === 'warming' ? { champion: 40, supporter: 60, neutral: 0, skeptic: 0, detractor: 0 }
        : story === 'cold' ? { champion: 0, supporter: 0, neutral: 50, skeptic: 35, detractor: 15 }
          : story === 'incident' ? { champion: 0, supporter: 50, neutral: 40, skeptic: 10, detractor: 0 }
            : story === 'new' ? { champion: 0, supporter: 40, neutral: 60, skeptic: 0, detractor: 0 }
              : { champion: 20, supporter: 50, neutral: 30, skeptic: 0, detractor: 0 },
    )
  }
  for (const account of ctx.accounts) {
    const people = ctx.keyPeople.filter((s) => s.accountId === account.id)
    // At risk: a fresh incident, or several senior people going cold at once.
    const recentIncident = people.some((s) => s.story === 'incident' && now.getTime() - s.turningPoint!.getTime() < 120 * DAY_MS)
    const coldSeniors = people.filter((s) => s.story === 'cold' && s.influence >= 4).length
    if (recentIncident || coldSeniors >= 2 || (coldSeniors === 1 && people.length <= 3)) account.status = 'at_risk'
    else if (account.tier === 'standard' && people.every((s) => s.story === 'new')) account.status = 'prospect'
    const earliest = Math.min(...people.map((s) => s.createdAt.getTime()))
    if (earliest < account.createdAt.getTime()) account.createdAt = new Date(earliest - 7 * DAY_MS)
  }
}
