import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { escapeHtml, type MailMessage } from '../../lib/mail.ts'
import { enqueue } from '../jobs/queue.ts'
import { PermanentJobError, type JobContext, type ScheduledTask } from '../jobs/worker.ts'
import { weekStartOf } from '../kpis/compute.ts'
import { reminderDayIn } from '../moments/dates.ts'
import { DAY_MS } from '../trust/model.ts'
import { listSubtreeIds } from '../users/queries.ts'
import { buildDigest, type DigestCommitment, type DigestRelationship } from './digest.ts'
import { listReportRelationships } from './service.ts'

// Sending the weekly digest: a periodic task enqueues one job per user and week (the dedupe key
// makes it once, however often the task runs and however many servers run it); the job builds
// the digest from the data as it is when it runs, and skips users who opted out since.

export const DIGEST_KIND = 'digest.weekly'
type DigestPayload = { userId: string; weekStart: string }

/**
 * The week whose digest a user in `timeZone` is due at `now`: their own Monday from 08:00 local
 * time (REMINDER_HOUR, like moment reminders), so Auckland gets it on Monday morning and Los
 * Angeles not on Sunday afternoon. Before that hour on Monday it is still last week's.
 */
export function digestWeekIn(timeZone: string, now: Date): string {
  return weekStartOf(reminderDayIn(timeZone, now))
}

/** Queue this week's digest for every active user with the digest on, each in their own time zone. Idempotent. */
export async function enqueueWeeklyDigests(db: Db, now: Date): Promise<number> {
  const users = await db.selectFrom('users').select(['id', 'org_id', 'time_zone']).where('archived_at', 'is', null).where('digest_opt_out', '=', false).execute()
  let queued = 0
  for (const u of users) {
    const weekStart = digestWeekIn(u.time_zone, now)
    const { isNew } = await enqueue(db, { orgId: u.org_id, kind: DIGEST_KIND, dedupeKey: `${u.id}:${weekStart}`, payload: { userId: u.id, weekStart } satisfies DigestPayload })
    if (isNew) queued++
  }
  return queued
}

export const weeklyDigestTask: ScheduledTask = { name: 'weekly digest', everyMs: 3_600_000, run: enqueueWeeklyDigests }

async function commitmentsDue(db: Db, orgId: string, ownerIds: string[], until: string): Promise<DigestCommitment[]> {
  if (ownerIds.length === 0) return []
  const rows = await db.selectFrom('review_commitments as c').innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'c.org_id').onRef('u.id', '=', 'c.owner_id'))
    .select(['c.text', 'c.due_on', 'u.name']).where('c.org_id', '=', orgId).where('c.owner_id', 'in', ownerIds).where('c.done_at', 'is', null)
    .where(sql<boolean>`c.due_on IS NOT NULL AND c.due_on <= ${until}`).orderBy('c.due_on').execute()
  return rows.map((r) => ({ text: r.text, dueOn: r.due_on, ownerName: r.name }))
}

const toDigest = (r: Awaited<ReturnType<typeof listReportRelationships>>[number], ownerName?: string): DigestRelationship =>
  ({ stakeholderName: r.stakeholderName, accountName: r.accountName, daysSinceMeaningful: r.daysSinceMeaningful, importance: r.importance, ...(ownerName ? { ownerName } : {}) })

/** The job: build the user's (and, for a manager, their team's) digest and send it. */
export async function sendWeeklyDigest({ db, mailer, job, now, publicUrl }: JobContext<DigestPayload>) {
  const p = job.payload
  if (!p?.userId || !p.weekStart) throw new PermanentJobError('digest.weekly payload needs userId and weekStart')
  const orgId = job.orgId
  const user = await db.selectFrom('users').select(['id', 'name', 'email', 'archived_at', 'digest_opt_out']).where('org_id', '=', orgId).where('id', '=', p.userId).executeTakeFirst()
  if (!user || user.archived_at) return { skipped: 'the user is archived' }
  if (user.digest_opt_out) return { skipped: 'the user opted out' }
  const until = new Date(Date.parse(p.weekStart) + 6 * DAY_MS).toISOString().slice(0, 10)
  const own = await listReportRelationships(db, orgId, user.id, now)
  const team = (await listSubtreeIds(db, orgId, user.id)).filter((id) => id !== user.id)
  let teamPart
  if (team.length > 0) {
    const people = await db.selectFrom('users').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', team).where('archived_at', 'is', null).execute()
    const rels = (await Promise.all(people.map(async (person) => (await listReportRelationships(db, orgId, person.id, now)).map((r) => ({ r, owner: person.name }))))).flat()
    const key = rels.filter(({ r }) => r.importance >= 4)
    teamPart = {
      name: 'Your team',
      cold: rels.filter(({ r }) => r.isCold).map(({ r, owner }) => toDigest(r, owner)),
      commitmentsDue: await commitmentsDue(db, orgId, people.map((x) => x.id), until),
      coverage: key.length ? key.filter(({ r }) => !r.isCold).length / key.length : null,
      coverageBefore: null,
    }
  }
  const digest = buildDigest({ userName: user.name, weekStart: p.weekStart, cold: own.filter((r) => r.isCold).map((r) => toDigest(r)), commitmentsDue: await commitmentsDue(db, orgId, [user.id], until), team: teamPart })
  const footer = `\nOpen Tend: ${publicUrl}/\nNo longer want this e-mail? Turn the weekly digest off in ${publicUrl}/settings\n`
  const message: MailMessage = {
    to: user.email,
    subject: digest.subject,
    text: digest.text + footer,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5"><pre style="font:inherit;white-space:pre-wrap">${escapeHtml(digest.text)}</pre><p><a href="${escapeHtml(publicUrl)}/">Open Tend</a> · <a href="${escapeHtml(publicUrl)}/settings">Turn the weekly digest off</a></p></body></html>`,
  }
  return mailer.send(message)
}
