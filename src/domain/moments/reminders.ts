import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Role } from '../auth/roles.ts'
import { isTitleHidden } from '../experiences/privacy.ts'
import { enqueue } from '../jobs/queue.ts'
import { PermanentJobError, type JobContext, type ScheduledTask } from '../jobs/worker.ts'
import { managedUserIds } from '../users/visibility.ts'
import { addDays, daysBetween, isValidTimeZone, occurrencesBetween, reminderDayIn, todayIn, yearsAt, type Recurrence } from './dates.ts'
import { momentLabel, suggestGestures } from './gestures.ts'
import { REMINDER_KIND } from './personal-data.ts'
import * as q from './queries.ts'
import { composeReminder } from './reminder-mail.ts'
import type { MomentKind } from './schema.ts'
import { isPersonal } from './service.ts'

export type ReminderPayload = { momentId: string; stakeholderId: string; occursOn: string; userId: string }

/** The longest lead time a moment may have: the scan looks this far ahead. */
const MAX_LEAD_DAYS = 60

/** A user's own time zone, or UTC if the stored one is no longer known to this Node.js. */
const zoneOf = (u: { time_zone: string }) => (isValidTimeZone(u.time_zone) ? u.time_zone : 'UTC')

/**
 * Enqueue every reminder now due: for each occurrence whose reminder day (occurrence − lead days)
 * has come in the user's own time zone (from 08:00 local time), one job per user with a live
 * relationship to the (live, consenting) stakeholder. Idempotent: the dedupe key
 * `moment:<id>:<occursOn>:<userId>` makes each reminder exist once.
 */
export async function scanMomentReminders(db: Db, now: Date): Promise<number> {
  // The earliest reminder day anywhere on Earth (UTC+14) bounds the scan; each user's own day decides.
  const latestDay = reminderDayIn('Pacific/Kiritimati', now)
  const rows = (await q.listLiveMoments(db, undefined, undefined)).filter((r) => r.has_consent || !isPersonal(r.kind, r.close_person_id))
  let created = 0
  for (const r of rows) {
    const dated = { onDate: r.on_date, recurrence: r.recurrence as Recurrence }
    const maybeDue = occurrencesBetween(dated, addDays(latestDay, -2), addDays(latestDay, MAX_LEAD_DAYS)).filter((occursOn) => addDays(occursOn, -r.lead_days) <= latestDay)
    if (maybeDue.length === 0) continue
    const users = await q.listRelationshipUsers(db, r.org_id, r.stakeholder_id)
    for (const u of users) {
      const day = reminderDayIn(zoneOf(u), now)
      for (const occursOn of maybeDue.filter((o) => o >= day && addDays(o, -r.lead_days) <= day)) {
        const payload: ReminderPayload = { momentId: r.id, stakeholderId: r.stakeholder_id, occursOn, userId: u.id }
        const { isNew } = await enqueue(db, { orgId: r.org_id, kind: REMINDER_KIND, dedupeKey: `moment:${r.id}:${occursOn}:${u.id}`, payload })
        if (isNew) created++
      }
    }
  }
  return created
}

/** Build and send one reminder, re-checking at send time: archived, erased or withdrawn means no mail. */
export async function sendMomentReminder({ db, mailer, job, now, publicUrl }: JobContext<ReminderPayload>) {
  const p = job.payload
  if (!p?.momentId || !p.userId || !p.occursOn) throw new PermanentJobError('moment.reminder payload needs momentId, userId and occursOn')
  const orgId = job.orgId
  const moment = await q.getMomentRow(db, orgId, p.momentId)
  if (!moment) return { skipped: 'the moment was deleted' }
  const s = await q.getStakeholderBasics(db, orgId, moment.stakeholder_id)
  if (!s || s.archived_at) return { skipped: 'the stakeholder is archived' }
  if (isPersonal(moment.kind, moment.close_person_id) && !s.has_consent) return { skipped: 'no consent for personal data' }
  const user = (await q.listRelationshipUsers(db, orgId, s.id)).find((u) => u.id === p.userId)
  if (!user) return { skipped: 'the user no longer has a live relationship with the stakeholder' }
  if ((await q.listActedOccurrences(db, orgId, [moment.id], user.id)).has(`${moment.id}:${p.occursOn}`)) return { skipped: 'already acted upon' }

  const [account, people, recent, lastGive, managed] = await Promise.all([
    s.account_id ? db.selectFrom('accounts').select('name').where('org_id', '=', orgId).where('id', '=', s.account_id).executeTakeFirst() : undefined,
    q.listClosePeopleRows(db, orgId, s.id),
    recentExperiences(db, orgId, s.id, undefined),
    recentExperiences(db, orgId, s.id, 'we_gave'),
    managedUserIds(db, { orgId, userId: user.id, role: user.role as Role }),
  ])
  // The subject of mail the user is not part of (nor manages anyone who is) stays private.
  const titleOf = (e: (typeof recent)[number]) => (isTitleHidden(e, e.user_ids, managed) ? null : e.title) ?? e.kind
  const person = moment.close_person_id ? people.find((c) => c.id === moment.close_person_id) ?? null : null
  const dated = { onDate: moment.on_date, recurrence: moment.recurrence as Recurrence }
  const label = momentLabel({ kind: moment.kind as MomentKind, title: moment.title, recurrence: moment.recurrence }, s.name, person, yearsAt(dated, p.occursOn))
  const message = composeReminder({
    userName: user.name, userEmail: user.email, label, occursOn: p.occursOn, daysUntil: Math.max(0, daysBetween(todayIn(zoneOf(user), now), p.occursOn)),
    stakeholderName: s.name, accountName: account?.name ?? null, stakeholderUrl: `${publicUrl}/stakeholders/${s.id}`,
    wants: { goals: s.goals, pains: s.pains, interests: s.interests },
    family: s.has_consent ? people.map((c) => ({ name: c.name, relation: c.relation, notes: c.notes })) : [],
    recent: recent.map((e) => ({ occurredAt: e.occurred_at.toISOString(), title: titleOf(e), direction: e.direction })),
    lastGive: lastGive[0] ? { occurredAt: lastGive[0].occurred_at.toISOString(), title: titleOf(lastGive[0]) } : null,
    gestures: suggestGestures(moment.kind as MomentKind, person?.relation ?? null, s.interests),
    notes: moment.notes,
  })
  return mailer.send({ ...message, messageId: `<moment-${moment.id}-${p.occursOn}-${user.id}@tend>` })
}

function recentExperiences(db: Db, orgId: string, stakeholderId: string, direction: string | undefined) {
  let query = db.selectFrom('experiences as e')
    .innerJoin('experience_stakeholders as es', (j) => j.onRef('es.org_id', '=', 'e.org_id').onRef('es.experience_id', '=', 'e.id'))
    .select(['e.occurred_at', 'e.title', 'e.kind', 'e.direction', 'e.source'])
    .select(sql<string[]>`coalesce((select array_agg(eu.user_id) from experience_users eu where eu.org_id = e.org_id and eu.experience_id = e.id), '{}')`.as('user_ids'))
    .where('e.org_id', '=', orgId).where('es.stakeholder_id', '=', stakeholderId).where('e.archived_at', 'is', null)
  if (direction) query = query.where('e.direction', '=', direction)
  return query.orderBy('e.occurred_at', 'desc').limit(direction ? 1 : 5).execute()
}

/** The worker's periodic scan (every 15 minutes; enqueueing is idempotent). */
export const momentReminderTask: ScheduledTask = { name: 'moment-reminders', everyMs: 15 * 60_000, run: scanMomentReminders }
