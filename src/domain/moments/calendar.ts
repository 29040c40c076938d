import ical from 'ical-generator'
import type { Db } from '../../db/connect.ts'
import { notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { hashToken, newToken } from '../auth/secrets.ts'
import { addDays, todayIn } from './dates.ts'
import * as q from './queries.ts'
import { expandOccurrences, isPersonal } from './service.ts'

export const FEED_TOKEN_PREFIX = 'tcal_'
/** The feed covers the last 30 days and the next 13 months: enough for every calendar client's view. */
const PAST_DAYS = 30
const AHEAD_DAYS = 396

export type FeedInfo = { isActive: boolean; tokenPrefix: string | null; createdAt: string | null; lastUsedAt: string | null }

const feedUrl = (publicUrl: string, token: string) => `${publicUrl}/api/v1/calendar/${token}.ics`

function activeFeed(db: Db, orgId: string, userId: string) {
  return db.selectFrom('calendar_feeds').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst()
}

export async function getFeedInfo(db: Db, actor: Actor): Promise<FeedInfo> {
  const f = await activeFeed(db, actor.orgId, actor.userId)
  return { isActive: !!f, tokenPrefix: f?.token_prefix ?? null, createdAt: f?.created_at.toISOString() ?? null, lastUsedAt: f?.last_used_at?.toISOString() ?? null }
}

/** A new private feed URL (shown once; only its hash is stored). Any previous URL stops working. */
export async function createFeed(db: Db, actor: Actor, publicUrl: string) {
  const token = newToken(FEED_TOKEN_PREFIX)
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('calendar_feeds').set({ revoked_at: new Date() }).where('org_id', '=', actor.orgId).where('user_id', '=', actor.userId).where('revoked_at', 'is', null).execute()
    const row = await trx.insertInto('calendar_feeds').values({ org_id: actor.orgId, user_id: actor.userId, token_hash: hashToken(token), token_prefix: token.slice(0, 10) }).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, 'calendar_feed.created', 'calendar_feed', row.id, null, { tokenPrefix: row.token_prefix })
    return { url: feedUrl(publicUrl, token), token, createdAt: row.created_at.toISOString() }
  })
}

export async function revokeFeed(db: Db, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const f = await activeFeed(trx, actor.orgId, actor.userId)
    if (!f) throw notFound('Calendar feed')
    await trx.updateTable('calendar_feeds').set({ revoked_at: new Date() }).where('id', '=', f.id).execute()
    await recordAudit(trx, actor, 'calendar_feed.revoked', 'calendar_feed', f.id, { tokenPrefix: f.token_prefix }, null)
  })
}

/** The owner of a live feed token, or undefined (unknown, revoked, or the user archived): the route answers 404. */
export async function resolveFeedToken(db: Db, token: string) {
  if (!token.startsWith(FEED_TOKEN_PREFIX)) return undefined
  const row = await db.selectFrom('calendar_feeds as f')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'f.org_id').onRef('u.id', '=', 'f.user_id'))
    .select(['f.id', 'f.org_id', 'f.user_id', 'u.name'])
    .where('f.token_hash', '=', hashToken(token)).where('f.revoked_at', 'is', null).where('u.archived_at', 'is', null)
    .executeTakeFirst()
  if (row) await db.updateTable('calendar_feeds').set({ last_used_at: new Date() }).where('id', '=', row.id).execute()
  return row
}

/**
 * One user's calendar (RFC 5545, written by ical-generator): the moments of the stakeholders they
 * have a relationship with, as all-day events (one per occurrence, so 29 February shows on
 * 28 February in non-leap years exactly as reminders do), their open plan activities, the
 * relationship reviews they held or had and the review commitments they own.
 */
export async function buildCalendar(db: Db, orgId: string, userId: string, publicUrl: string, now = new Date()): Promise<string> {
  const today = todayIn('UTC', now)
  const rows = (await q.listLiveMoments(db, orgId, [userId])).filter((r) => r.has_consent || !isPersonal(r.kind, r.close_person_id))
  const occurrences = expandOccurrences(rows, addDays(today, -PAST_DAYS), addDays(today, AHEAD_DAYS), new Set())
  const activities = await db.selectFrom('plan_activities as pa')
    .innerJoin('relationship_plans as p', (j) => j.onRef('p.org_id', '=', 'pa.org_id').onRef('p.id', '=', 'pa.plan_id'))
    .select(['pa.id', 'pa.title', 'pa.kind', 'pa.due_on', 'pa.notes', 'p.title as plan_title', 'p.account_id', 'p.stakeholder_id'])
    .where('pa.org_id', '=', orgId).where('pa.owner_id', '=', userId).where('pa.status', '=', 'planned').where('pa.due_on', 'is not', null).where('p.archived_at', 'is', null)
    .execute()
  // Relationship reviews (1:1s) this user held or had, and the open commitments they own.
  const reviews = await db.selectFrom('reviews as r')
    .innerJoin('users as m', (j) => j.onRef('m.org_id', '=', 'r.org_id').onRef('m.id', '=', 'r.manager_id'))
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'r.org_id').onRef('u.id', '=', 'r.report_id'))
    .select(['r.id', 'r.held_on', 'm.name as manager_name', 'u.name as report_name'])
    .where('r.org_id', '=', orgId).where((eb) => eb.or([eb('r.manager_id', '=', userId), eb('r.report_id', '=', userId)]))
    .where('r.held_on', '>=', addDays(today, -PAST_DAYS)).execute()
  const commitments = await db.selectFrom('review_commitments').select(['id', 'text', 'due_on'])
    .where('org_id', '=', orgId).where('owner_id', '=', userId).where('done_at', 'is', null).where('due_on', 'is not', null).execute()

  const cal = ical({ name: 'Tend: moments and plans', prodId: { company: 'Tend', product: 'Tend', language: 'EN' }, ttl: 3600 })
  const day = (d: string) => new Date(`${d}T00:00:00Z`) // all-day events use the UTC calendar day
  for (const o of occurrences) {
    cal.createEvent({
      id: `moment-${o.momentId}-${o.occursOn}@tend`,
      start: day(o.occursOn), end: day(addDays(o.occursOn, 1)), allDay: true,
      summary: o.title,
      description: [o.accountName ? `${o.stakeholderName}, ${o.accountName}` : o.stakeholderName, '', 'Gesture ideas:', ...o.gestures.map((g) => `- ${g}`)].join('\n'),
      url: `${publicUrl}/stakeholders/${o.stakeholderId}`,
      stamp: now,
    })
  }
  for (const a of activities) {
    cal.createEvent({
      id: `activity-${a.id}@tend`,
      start: day(a.due_on!), end: day(addDays(a.due_on!, 1)), allDay: true,
      summary: `Give: ${a.title}`,
      description: `${a.kind} · plan "${a.plan_title}"${a.notes ? `\n\n${a.notes}` : ''}`,
      url: a.stakeholder_id ? `${publicUrl}/stakeholders/${a.stakeholder_id}` : `${publicUrl}/accounts/${a.account_id}`,
      stamp: now,
    })
  }
  for (const r of reviews) {
    cal.createEvent({
      id: `review-${r.id}@tend`,
      start: day(r.held_on), end: day(addDays(r.held_on, 1)), allDay: true,
      summary: `Relationship review: ${r.report_name} with ${r.manager_name}`,
      url: `${publicUrl}/reviews`,
      stamp: now,
    })
  }
  for (const c of commitments) {
    cal.createEvent({
      id: `commitment-${c.id}@tend`,
      start: day(c.due_on!), end: day(addDays(c.due_on!, 1)), allDay: true,
      summary: `Commitment: ${c.text}`,
      url: `${publicUrl}/reviews`,
      stamp: now,
    })
  }
  return cal.toString()
}
