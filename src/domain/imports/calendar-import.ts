import { basename } from 'node:path'
import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { loadDirectory, matchParticipants, type Directory } from '../email/directory.ts'
import { EARLIEST_EXPERIENCE } from '../experiences/schema.ts'
import { refreshTrustAfterWrite } from '../trust/refresh.ts'
import { CalendarReader, DEFAULT_MAX_OCCURRENCES, isKnownZone, type MeetingOccurrence } from './calendar.ts'
import type { ImportContext } from './importers.ts'
import { readLines } from './lines.ts'
import { DEFAULT_LOOKBACK_DAYS } from './options.ts'
import { actingUserId, addDetail, addFailure, emptyReport, type ImportReport } from './report.ts'

// Calendar files into meeting experiences: each occurrence with at least one of our people and
// one stakeholder becomes an experience (kind meeting, source calendar, external id = UID +
// occurrence start), so importing the same file again writes nothing new.

const BATCH_SIZE = 500
const DAY_MS = 86_400_000

type Meeting = { occurrence: MeetingOccurrence; userIds: string[]; stakeholderIds: string[]; accountId: string | null; initiator: 'us' | 'them' }

/** Who of ours and of theirs took part (declined attendees did not), and who called the meeting. */
export function matchMeeting(directory: Directory, occurrence: MeetingOccurrence): Meeting | null {
  const present = occurrence.attendees.filter((a) => !a.declined).map((a) => a.email)
  const organizer = occurrence.organizer?.email ?? null
  const match = matchParticipants(directory, organizer ?? present[0] ?? '', present)
  if (!match.userIds.length || !match.stakeholderIds.length) return null
  const initiator = organizer && directory.stakeholders.has(organizer) && !directory.users.has(organizer) ? 'them' : 'us'
  return { occurrence, userIds: match.userIds, stakeholderIds: match.stakeholderIds, accountId: match.accountId, initiator }
}

/** Write one batch of meetings in one transaction; returns how many were new. */
async function writeMeetings(db: Db, ctx: ImportContext, meetings: Meeting[], file: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const orgId = ctx.orgId
    const created = await sql<{ id: string; external_id: string }>`
      INSERT INTO experiences (org_id, occurred_at, kind, direction, initiator, depth, title, source, external_id, account_id, created_by)
      SELECT ${orgId}::uuid, m.occurred_at, 'meeting', 'mutual', m.initiator, 'routine', m.title, 'calendar', m.external_id, m.account_id, ${actingUserId(ctx.actor)}::uuid
      FROM unnest(${meetings.map((m) => m.occurrence.start.toISOString())}::timestamptz[], ${meetings.map((m) => m.initiator)}::text[],
        ${meetings.map((m) => m.occurrence.summary?.slice(0, 300) ?? null)}::text[], ${meetings.map((m) => m.occurrence.externalId)}::text[],
        ${meetings.map((m) => m.accountId)}::uuid[]) AS m (occurred_at, initiator, title, external_id, account_id)
      ON CONFLICT (org_id, source, external_id) DO NOTHING
      RETURNING id, external_id`.execute(trx)
    if (created.rows.length === 0) return 0
    const byExternalId = new Map(meetings.map((m) => [m.occurrence.externalId, m]))
    const se: [string[], string[]] = [[], []]
    const ue: [string[], string[]] = [[], []]
    const touched = { stakeholders: new Set<string>(), users: new Set<string>() }
    for (const row of created.rows) {
      const meeting = byExternalId.get(row.external_id)!
      for (const s of meeting.stakeholderIds) {
        se[0].push(row.id)
        se[1].push(s)
        touched.stakeholders.add(s)
      }
      for (const u of meeting.userIds) {
        ue[0].push(row.id)
        ue[1].push(u)
        touched.users.add(u)
      }
    }
    await sql`INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id)
      SELECT ${orgId}::uuid, x.e, x.s FROM unnest(${se[0]}::uuid[], ${se[1]}::uuid[]) AS x (e, s) ON CONFLICT DO NOTHING`.execute(trx)
    await sql`INSERT INTO experience_users (org_id, experience_id, user_id)
      SELECT ${orgId}::uuid, x.e, x.u FROM unnest(${ue[0]}::uuid[], ${ue[1]}::uuid[]) AS x (e, u) ON CONFLICT DO NOTHING`.execute(trx)
    await refreshTrustAfterWrite(trx, orgId, [...touched.stakeholders], [...touched.users])
    await trx.insertInto('audit_log').values({
      org_id: orgId, actor_id: actingUserId(ctx.actor), action: 'calendar.imported', entity_type: 'calendar_import', entity_id: null, before: null,
      after: JSON.stringify({ file: basename(file), meetings: created.rows.length }),
    }).execute()
    return created.rows.length
  })
}

/** The window of occurrences to record: options, else two years back to now; never before 1990. */
export function calendarWindow(ctx: ImportContext, now = Date.now()) {
  const options = ctx.options ?? {}
  const earliest = Date.parse(EARLIEST_EXPERIENCE)
  const from = new Date(Math.max(earliest, options.since?.getTime() ?? now - DEFAULT_LOOKBACK_DAYS * DAY_MS))
  const to = new Date(Math.min(now, options.until?.getTime() ?? now))
  const timeZone = options.timeZone && isKnownZone(options.timeZone) ? options.timeZone : 'UTC'
  return { from, to, timeZone, maxOccurrencesPerEvent: DEFAULT_MAX_OCCURRENCES }
}

/**
 * The importer of the dispatch table for one .ics file: streamed line by line (see
 * CalendarReader: memory stays flat whatever the file weighs), occurrences matched and written
 * in batches of BATCH_SIZE as they come.
 */
export async function importCalendarFile(ctx: ImportContext, path: string): Promise<ImportReport> {
  const report = emptyReport()
  const name = basename(path)
  const directory = await loadDirectory(ctx.db, ctx.orgId)
  const reader = new CalendarReader(calendarWindow(ctx))
  let meetings: Meeting[] = []
  const writeBatch = async () => {
    const batch = meetings
    meetings = []
    if (!batch.length) return
    const created = await writeMeetings(ctx.db, ctx, batch, path)
    report.created += created
    report.skippedDuplicate += batch.length - created
    ctx.onProgress?.({ records: batch.length, bytes: 0 })
  }
  const drain = async () => {
    const parsed = reader.take()
    for (const issue of parsed.issues) {
      const where = issue.index === null ? name : `${name} (event ${issue.index}${issue.uid ? `, UID ${issue.uid}` : ''})`
      addFailure(report, where, issue.reason)
    }
    addDetail(report, 'occurrences', parsed.occurrences.length)
    addDetail(report, 'cancelled', parsed.cancelled)
    addDetail(report, 'outsideWindow', parsed.outsideWindow)
    for (const occurrence of parsed.occurrences) {
      const meeting = matchMeeting(directory, occurrence)
      if (meeting) meetings.push(meeting)
      else addDetail(report, 'withoutKnownPeople')
      if (meetings.length >= BATCH_SIZE) await writeBatch()
    }
  }
  for await (const lines of readLines(path, (bytes) => ctx.onProgress?.({ records: 0, bytes }))) {
    for (const line of lines) {
      reader.push(line)
      if (reader.pendingOccurrences >= BATCH_SIZE) await drain()
    }
    await drain()
  }
  reader.end()
  await drain()
  await writeBatch()
  addDetail(report, 'experiences', report.created)
  return report
}
