import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { toClosePerson, toMoment, PROFESSIONAL_KINDS } from './schema.ts'

export const REMINDER_KIND = 'moment.reminder'

/**
 * Delete a stakeholder's personal moments (all moments when `everything`), close people, and cancel
 * their pending reminders. Used on erasure requests and when consent is withdrawn.
 */
export async function erasePersonalMoments(trx: Db, orgId: string, stakeholderId: string, everything: boolean) {
  let momentsQ = trx.deleteFrom('moments').where('org_id', '=', orgId).where('stakeholder_id', '=', stakeholderId)
  if (!everything) momentsQ = momentsQ.where((eb) => eb.or([eb('close_person_id', 'is not', null), eb('kind', 'not in', [...PROFESSIONAL_KINDS])]))
  const moments = await momentsQ.returning('id').execute()
  const people = await trx.deleteFrom('close_people').where('org_id', '=', orgId).where('stakeholder_id', '=', stakeholderId).returning('id').execute()
  const cancelled = await trx.updateTable('jobs')
    .set({ status: 'cancelled', finished_at: new Date(), updated_at: new Date() })
    .where('org_id', '=', orgId).where('kind', '=', REMINDER_KIND).where('status', '=', 'pending')
    .where(sql<string>`payload->>'stakeholderId'`, '=', stakeholderId)
    .executeTakeFirst()
  return { moments: moments.length, closePeople: people.length, remindersCancelled: Number(cancelled.numUpdatedRows) }
}

async function loadStakeholderRow(db: Db, orgId: string, id: string) {
  const s = await db.selectFrom('stakeholders').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
  if (!s) throw notFound('Stakeholder')
  return s
}

/** Everything personal Tend holds about a stakeholder, as one JSON document (a subject access request). */
export async function exportPersonalData(db: Db, actor: Actor, stakeholderId: string) {
  return db.transaction().execute(async (trx) => {
    const s = await loadStakeholderRow(trx, actor.orgId, stakeholderId)
    const moments = await trx.selectFrom('moments').selectAll().where('org_id', '=', actor.orgId).where('stakeholder_id', '=', stakeholderId).orderBy('on_date').execute()
    const people = await trx.selectFrom('close_people').selectAll().where('org_id', '=', actor.orgId).where('stakeholder_id', '=', stakeholderId).orderBy('name').execute()
    const actions = moments.length === 0 ? [] : await trx.selectFrom('moment_actions').select(['moment_id', 'occurs_on', 'acted_at', 'experience_id']).where('org_id', '=', actor.orgId).where('moment_id', 'in', moments.map((m) => m.id)).orderBy('acted_at').execute()
    const doc = {
      exportedAt: new Date().toISOString(),
      stakeholder: {
        id: s.id, name: s.name, emails: s.emails, phones: s.phones, title: s.title, goals: s.goals, pains: s.pains, interests: s.interests,
        personalNotes: s.personal_notes, hasConsent: s.has_consent, consentAt: s.consent_at?.toISOString() ?? null,
      },
      closePeople: people.map(toClosePerson),
      moments: moments.map(toMoment),
      momentActions: actions.map((a) => ({ momentId: a.moment_id, occursOn: a.occurs_on, actedAt: a.acted_at.toISOString(), experienceId: a.experience_id })),
    }
    // The audit records that an export happened, not its content.
    await recordAudit(trx, actor, 'stakeholder.personal_data_exported', 'stakeholder', stakeholderId, null, { moments: moments.length, closePeople: people.length })
    return doc
  })
}

/**
 * Erase on request: personal notes, interests, every moment and close person, pending reminders;
 * consent is reset. The stakeholder's business record (name, e-mail, role) and experiences stay.
 */
export async function erasePersonalData(db: Db, actor: Actor, stakeholderId: string) {
  return db.transaction().execute(async (trx) => {
    const s = await loadStakeholderRow(trx, actor.orgId, stakeholderId)
    const counts = await erasePersonalMoments(trx, actor.orgId, stakeholderId, true)
    await trx.updateTable('stakeholders').set({ personal_notes: null, interests: null, has_consent: false, consent_at: null, updated_at: new Date() })
      .where('org_id', '=', actor.orgId).where('id', '=', stakeholderId).execute()
    const result = { stakeholderId, erasedAt: new Date().toISOString(), ...counts, personalNotes: s.personal_notes !== null, interests: s.interests !== null }
    await recordAudit(trx, actor, 'stakeholder.personal_data_erased', 'stakeholder', stakeholderId, null, result)
    return result
  })
}
