import type { Db } from '../../db/connect.ts'

export const MOMENT_COLUMNS = ['m.id', 'm.org_id', 'm.stakeholder_id', 'm.close_person_id', 'm.kind', 'm.title', 'm.on_date', 'm.recurrence', 'm.lead_days', 'm.notes', 'm.created_by', 'm.created_at', 'm.updated_at'] as const

export type MomentValues = { kind?: string; title?: string | null; on_date?: string; recurrence?: string; lead_days?: number; notes?: string | null; close_person_id?: string | null }
export type ClosePersonValues = { name?: string; relation?: string; notes?: string | null }

/** The stakeholder fields moments need: consent, archive state and what they care about. */
export function getStakeholderBasics(db: Db, orgId: string, id: string) {
  return db
    .selectFrom('stakeholders')
    .select(['id', 'name', 'account_id', 'has_consent', 'archived_at', 'goals', 'pains', 'interests', 'personal_notes'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export function getMomentRow(db: Db, orgId: string, id: string) {
  return db.selectFrom('moments as m').select(MOMENT_COLUMNS).where('m.org_id', '=', orgId).where('m.id', '=', id).executeTakeFirst()
}

export function listMomentRows(db: Db, orgId: string, stakeholderId: string) {
  return db.selectFrom('moments as m').select(MOMENT_COLUMNS).where('m.org_id', '=', orgId).where('m.stakeholder_id', '=', stakeholderId).orderBy('m.on_date').orderBy('m.id').execute()
}

export function insertMoment(db: Db, orgId: string, stakeholderId: string, createdBy: string | null, values: MomentValues & { kind: string; on_date: string; recurrence: string }) {
  return db.insertInto('moments').values({ org_id: orgId, stakeholder_id: stakeholderId, created_by: createdBy, ...values }).returning('id').executeTakeFirstOrThrow()
}

export function updateMomentRow(db: Db, orgId: string, id: string, values: MomentValues) {
  return db.updateTable('moments').set({ ...values, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).execute()
}

export function deleteMomentRow(db: Db, orgId: string, id: string) {
  return db.deleteFrom('moments').where('org_id', '=', orgId).where('id', '=', id).execute()
}

export function getClosePersonRow(db: Db, orgId: string, id: string) {
  return db.selectFrom('close_people').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
}

export function listClosePeopleRows(db: Db, orgId: string, stakeholderId: string) {
  return db.selectFrom('close_people').selectAll().where('org_id', '=', orgId).where('stakeholder_id', '=', stakeholderId).orderBy('name').orderBy('id').execute()
}

export function insertClosePerson(db: Db, orgId: string, stakeholderId: string, values: ClosePersonValues & { name: string; relation: string }) {
  return db.insertInto('close_people').values({ org_id: orgId, stakeholder_id: stakeholderId, ...values }).returningAll().executeTakeFirstOrThrow()
}

export function updateClosePersonRow(db: Db, orgId: string, id: string, values: ClosePersonValues) {
  return db.updateTable('close_people').set({ ...values, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export function deleteClosePersonRow(db: Db, orgId: string, id: string) {
  return db.deleteFrom('close_people').where('org_id', '=', orgId).where('id', '=', id).execute()
}

export type MomentWithPeopleRow = {
  id: string
  org_id: string
  stakeholder_id: string
  close_person_id: string | null
  kind: string
  title: string | null
  on_date: string
  recurrence: string
  lead_days: number
  stakeholder_name: string
  has_consent: boolean
  interests: string | null
  account_name: string | null
  close_person_name: string | null
  relation: string | null
}

/**
 * Moments of live (not archived) stakeholders, optionally only those a set of users has a live
 * relationship with. `orgId` undefined = every organisation (the reminder scan).
 */
export function listLiveMoments(db: Db, orgId: string | undefined, userIds: string[] | undefined): Promise<MomentWithPeopleRow[]> {
  let q = db
    .selectFrom('moments as m')
    .innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'm.org_id').onRef('s.id', '=', 'm.stakeholder_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 's.org_id').onRef('a.id', '=', 's.account_id'))
    .leftJoin('close_people as cp', (j) => j.onRef('cp.org_id', '=', 'm.org_id').onRef('cp.id', '=', 'm.close_person_id'))
    .select(['m.id', 'm.org_id', 'm.stakeholder_id', 'm.close_person_id', 'm.kind', 'm.title', 'm.on_date', 'm.recurrence', 'm.lead_days', 's.name as stakeholder_name', 's.has_consent', 's.interests', 'a.name as account_name', 'cp.name as close_person_name', 'cp.relation'])
    .where('s.archived_at', 'is', null)
  if (orgId) q = q.where('m.org_id', '=', orgId)
  if (userIds) {
    if (userIds.length === 0) return Promise.resolve([])
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('relationships as r').select('r.id').whereRef('r.org_id', '=', 'm.org_id').whereRef('r.stakeholder_id', '=', 'm.stakeholder_id').where('r.archived_at', 'is', null).where('r.user_id', 'in', userIds)),
    )
  }
  return q.orderBy('m.id').execute()
}

/** Users (live) with a live relationship to a stakeholder: who gets reminded of their moments. */
export async function listRelationshipUsers(db: Db, orgId: string, stakeholderId: string) {
  return db
    .selectFrom('relationships as r')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'r.org_id').onRef('u.id', '=', 'r.user_id'))
    .select(['u.id', 'u.name', 'u.email', 'u.role', 'u.time_zone'])
    .where('r.org_id', '=', orgId)
    .where('r.stakeholder_id', '=', stakeholderId)
    .where('r.archived_at', 'is', null)
    .where('u.archived_at', 'is', null)
    .orderBy('u.id')
    .execute()
}

export async function listActedOccurrences(db: Db, orgId: string, momentIds: string[], userId: string | undefined) {
  if (momentIds.length === 0) return new Set<string>()
  let q = db.selectFrom('moment_actions').select(['moment_id', 'occurs_on']).where('org_id', '=', orgId).where('moment_id', 'in', momentIds)
  if (userId) q = q.where('user_id', '=', userId)
  const rows = await q.execute()
  return new Set(rows.map((r) => `${r.moment_id}:${r.occurs_on}`))
}
