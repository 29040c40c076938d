import type { Db } from '../../db/connect.ts'
import { AppError, forbidden, invalidReference, notFound, unprocessable } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { createExperience } from '../experiences/service.ts'
import { getUserTimeZone, listSubtreeIds } from '../users/queries.ts'
import { addDays, daysBetween, isValidTimeZone, nextOccurrence, occurrencesBetween, todayIn, yearsAt, type Recurrence } from './dates.ts'
import { momentLabel, suggestGestures } from './gestures.ts'
import * as q from './queries.ts'
import {
  PROFESSIONAL_KINDS, toClosePerson, toMoment,
  type ActOnMomentBody, type ClosePerson, type CreateClosePersonBody, type CreateMomentBody, type Moment, type MomentKind,
  type Occurrence, type UpcomingQuery, type UpdateClosePersonBody, type UpdateMomentBody,
} from './schema.ts'

/** Personal data needs the stakeholder's consent: close people, and every moment but professional ones. */
export function isPersonal(kind: string, closePersonId: string | null): boolean {
  return closePersonId !== null || !PROFESSIONAL_KINDS.includes(kind as MomentKind)
}

const CONSENT_DETAIL = 'is personal data: record the stakeholder\'s consent first (hasConsent on the stakeholder)'

async function loadStakeholder(db: Db, actor: Actor, id: string) {
  const s = await q.getStakeholderBasics(db, actor.orgId, id)
  if (!s) throw notFound('Stakeholder')
  return s
}

async function loadMoment(db: Db, actor: Actor, id: string) {
  const row = await q.getMomentRow(db, actor.orgId, id)
  if (!row) throw notFound('Moment')
  const s = await loadStakeholder(db, actor, row.stakeholder_id)
  // Without consent a personal moment does not exist for anyone.
  if (isPersonal(row.kind, row.close_person_id) && !s.has_consent) throw notFound('Moment')
  return { row, stakeholder: s }
}

async function loadClosePerson(db: Db, actor: Actor, id: string) {
  const row = await q.getClosePersonRow(db, actor.orgId, id)
  if (!row) throw notFound('Close person')
  const s = await loadStakeholder(db, actor, row.stakeholder_id)
  if (!s.has_consent) throw notFound('Close person')
  return { row, stakeholder: s }
}

// --- close people -------------------------------------------------------------------------

export async function listClosePeople(db: Db, actor: Actor, stakeholderId: string): Promise<ClosePerson[]> {
  const s = await loadStakeholder(db, actor, stakeholderId)
  if (!s.has_consent) return []
  return (await q.listClosePeopleRows(db, actor.orgId, stakeholderId)).map(toClosePerson)
}

export async function createClosePerson(db: Db, actor: Actor, stakeholderId: string, body: CreateClosePersonBody): Promise<ClosePerson> {
  return db.transaction().execute(async (trx) => {
    const s = await loadStakeholder(trx, actor, stakeholderId)
    if (!s.has_consent) throw unprocessable('#/name', CONSENT_DETAIL)
    const person = toClosePerson(await q.insertClosePerson(trx, actor.orgId, stakeholderId, { name: body.name, relation: body.relation, notes: body.notes ?? null }))
    await recordAudit(trx, actor, 'close_person.created', 'close_person', person.id, null, person)
    return person
  })
}

export async function updateClosePerson(db: Db, actor: Actor, id: string, body: UpdateClosePersonBody): Promise<ClosePerson> {
  return db.transaction().execute(async (trx) => {
    const { row } = await loadClosePerson(trx, actor, id)
    const person = toClosePerson(await q.updateClosePersonRow(trx, actor.orgId, id, body))
    await recordAudit(trx, actor, 'close_person.updated', 'close_person', id, toClosePerson(row), person)
    return person
  })
}

/** Remove a close person and their own moments. */
export async function deleteClosePerson(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { row } = await loadClosePerson(trx, actor, id)
    await q.deleteClosePersonRow(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'close_person.deleted', 'close_person', id, toClosePerson(row), null)
  })
}

// --- moments ------------------------------------------------------------------------------

export async function listMoments(db: Db, actor: Actor, stakeholderId: string): Promise<Moment[]> {
  const s = await loadStakeholder(db, actor, stakeholderId)
  const rows = await q.listMomentRows(db, actor.orgId, stakeholderId)
  return rows.filter((r) => s.has_consent || !isPersonal(r.kind, r.close_person_id)).map(toMoment)
}

async function checkCloseperson(db: Db, actor: Actor, stakeholderId: string, closePersonId: string | null | undefined) {
  if (!closePersonId) return
  const person = await q.getClosePersonRow(db, actor.orgId, closePersonId)
  if (!person || person.stakeholder_id !== stakeholderId) throw invalidReference('#/closePersonId', 'is not a close person of this stakeholder')
}

export async function createMoment(db: Db, actor: Actor, stakeholderId: string, body: CreateMomentBody): Promise<Moment> {
  return db.transaction().execute(async (trx) => {
    const s = await loadStakeholder(trx, actor, stakeholderId)
    if (s.archived_at) throw unprocessable('#/kind', 'the stakeholder is archived: restore them before adding moments')
    if (isPersonal(body.kind, body.closePersonId ?? null) && !s.has_consent) throw unprocessable('#/kind', CONSENT_DETAIL)
    await checkCloseperson(trx, actor, stakeholderId, body.closePersonId)
    const { id } = await q.insertMoment(trx, actor.orgId, stakeholderId, actor.via === 'system' ? null : actor.userId, {
      kind: body.kind, on_date: body.onDate, recurrence: body.recurrence, title: body.title ?? null,
      lead_days: body.leadDays ?? 7, notes: body.notes ?? null, close_person_id: body.closePersonId ?? null,
    })
    const moment = toMoment((await q.getMomentRow(trx, actor.orgId, id))!)
    await recordAudit(trx, actor, 'moment.created', 'moment', id, null, moment)
    return moment
  })
}

export async function updateMoment(db: Db, actor: Actor, id: string, body: UpdateMomentBody): Promise<Moment> {
  return db.transaction().execute(async (trx) => {
    const { row, stakeholder } = await loadMoment(trx, actor, id)
    const kind = body.kind ?? row.kind
    const closePersonId = body.closePersonId === undefined ? row.close_person_id : body.closePersonId
    if (isPersonal(kind, closePersonId) && !stakeholder.has_consent) throw unprocessable('#/kind', CONSENT_DETAIL)
    await checkCloseperson(trx, actor, row.stakeholder_id, body.closePersonId)
    await q.updateMomentRow(trx, actor.orgId, id, {
      kind: body.kind, title: body.title, on_date: body.onDate, recurrence: body.recurrence, lead_days: body.leadDays, notes: body.notes, close_person_id: body.closePersonId,
    })
    const moment = toMoment((await q.getMomentRow(trx, actor.orgId, id))!)
    await recordAudit(trx, actor, 'moment.updated', 'moment', id, toMoment(row), moment)
    return moment
  })
}

export async function deleteMoment(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { row } = await loadMoment(trx, actor, id)
    await q.deleteMomentRow(trx, actor.orgId, id)
    await recordAudit(trx, actor, 'moment.deleted', 'moment', id, toMoment(row), null)
  })
}

/**
 * "Acted upon": log what we did as an experience we gave (personal depth, so trust refreshes) and
 * remember the occurrence as handled for this user. Once per occurrence and user (409 after).
 */
export async function actOnMoment(db: Db, actor: Actor, id: string, body: ActOnMomentBody, now = new Date()) {
  const { row, stakeholder } = await loadMoment(db, actor, id)
  const dated = { onDate: row.on_date, recurrence: row.recurrence as Recurrence }
  const today = todayIn('UTC', now)
  // Default: the occurrence nearest to today, looking back up to 30 days.
  const occursOn = body.occursOn ?? nextOccurrence(dated, addDays(today, -30))
  if (!occursOn || !occurrencesBetween(dated, occursOn, occursOn).length) {
    throw unprocessable('#/occursOn', body.occursOn ? `is not an occurrence of this moment (${row.recurrence}, ${row.on_date})` : 'this one-off moment is long past: give occursOn')
  }
  const acted = await q.listActedOccurrences(db, actor.orgId, [id], actor.userId)
  if (acted.has(`${id}:${occursOn}`)) throw new AppError('conflict', 'You already acted on this moment', [{ pointer: '#/occursOn', detail: 'already acted upon' }])
  const person = row.close_person_id ? await q.getClosePersonRow(db, actor.orgId, row.close_person_id) : undefined
  const label = momentLabel({ kind: row.kind as MomentKind, title: row.title, recurrence: row.recurrence }, stakeholder.name, person ?? null, yearsAt(dated, occursOn))
  const experience = await createExperience(db, actor, {
    occurredAt: now.toISOString(),
    kind: 'personal_moment',
    direction: 'we_gave',
    initiator: 'us',
    depth: 'personal',
    valence: 1,
    title: body.gesture ? `${body.gesture} (${label})` : label,
    notes: body.notes ?? null,
    stakeholderIds: [row.stakeholder_id],
  })
  await db.transaction().execute(async (trx) => {
    const action = await trx.insertInto('moment_actions')
      .values({ org_id: actor.orgId, moment_id: id, occurs_on: occursOn, user_id: actor.userId, experience_id: experience.id })
      .onConflict((oc) => oc.columns(['org_id', 'moment_id', 'occurs_on', 'user_id']).doNothing())
      .returning('id').executeTakeFirst()
    await recordAudit(trx, actor, 'moment.acted_upon', 'moment', id, null, { occursOn, experienceId: experience.id, actionId: action?.id ?? null })
  })
  return { momentId: id, occursOn, experience }
}

/** Whose moments a scope covers: mine, my reporting subtree, or (admins) everyone's. */
async function scopeUserIds(db: Db, actor: Actor, scope: UpcomingQuery['scope']): Promise<string[] | undefined> {
  if (scope === 'all') {
    if (actor.role !== 'admin') throw forbidden('Only admins see every moment of the organisation')
    return undefined
  }
  if (scope === 'team') return listSubtreeIds(db, actor.orgId, actor.userId)
  return [actor.userId]
}

/** Upcoming occurrences within `days` of today (in `tz`), soonest first, with labels and gesture ideas. */
export async function listUpcoming(db: Db, actor: Actor, query: UpcomingQuery, now = new Date()): Promise<Occurrence[]> {
  const tz = query.tz ?? (await getUserTimeZone(db, actor.orgId, actor.userId))
  if (!isValidTimeZone(tz)) throw new AppError('invalid_request', 'Unknown time zone', [{ parameter: 'tz', detail: 'is not an IANA time zone (e.g. Europe/Paris)' }])
  const today = todayIn(tz, now)
  const until = addDays(today, (query.days ?? 30) - 1)
  const userIds = await scopeUserIds(db, actor, query.scope)
  const rows = (await q.listLiveMoments(db, actor.orgId, userIds)).filter((r) => r.has_consent || !isPersonal(r.kind, r.close_person_id))
  const acted = await q.listActedOccurrences(db, actor.orgId, rows.map((r) => r.id), actor.userId)
  return expandOccurrences(rows, today, until, acted)
}

/** Occurrences of these moments in [today, until], soonest first. */
export function expandOccurrences(rows: q.MomentWithPeopleRow[], today: string, until: string, acted: Set<string>): Occurrence[] {
  const out: Occurrence[] = []
  for (const r of rows) {
    const dated = { onDate: r.on_date, recurrence: r.recurrence as Recurrence }
    for (const occursOn of occurrencesBetween(dated, today, until)) {
      const person = r.close_person_name ? { name: r.close_person_name, relation: r.relation ?? 'other' } : null
      const years = yearsAt(dated, occursOn)
      out.push({
        momentId: r.id, occursOn, daysUntil: daysBetween(today, occursOn), remindOn: addDays(occursOn, -r.lead_days), years,
        kind: r.kind as MomentKind, title: momentLabel({ kind: r.kind as MomentKind, title: r.title, recurrence: r.recurrence }, r.stakeholder_name, person, years),
        stakeholderId: r.stakeholder_id, stakeholderName: r.stakeholder_name, accountName: r.account_name,
        closePersonName: r.close_person_name, relation: (r.relation as Occurrence['relation']) ?? null,
        gestures: suggestGestures(r.kind as MomentKind, r.relation, r.interests), actedUpon: acted.has(`${r.id}:${occursOn}`),
      })
    }
  }
  return out.sort((a, b) => a.occursOn.localeCompare(b.occursOn) || a.title.localeCompare(b.title))
}
