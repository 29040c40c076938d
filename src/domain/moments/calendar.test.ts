import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import ICAL from 'ical.js'
import { assertProblem, call, makeOrg, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import type { App } from '../../http/app.ts'
import { addDays, todayIn } from './dates.ts'

const env = useTestEnv()

async function post(app: App, as: TestUser, url: string, payload: Record<string, unknown> = {}) {
  const res = await call(app, as, { method: 'POST', url, payload })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body)
  return res.json() as { id: string } & Record<string, unknown>
}

/** Parse with ical.js (an independent RFC 5545 implementation) into summary → start day. */
function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics))
  assert.equal(cal.name, 'vcalendar')
  assert.equal(cal.getFirstPropertyValue('version'), '2.0')
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v)
    return { uid: e.uid, summary: e.summary, start: e.startDate.toString(), isDate: e.startDate.isDate, end: e.endDate.toString(), description: e.description }
  })
}

describe('calendar feed', () => {
  test('a private ICS feed of my moments and plan activities; one-off download; revoked → 404', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const s = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Leap Lady', hasConsent: true })
    await post(app, org.rep, '/api/v1/relationships', { stakeholderId: s.id })
    await post(app, org.rep, `/api/v1/stakeholders/${s.id}/moments`, { kind: 'birthday', onDate: '1988-02-29', recurrence: 'yearly' })
    const plan = await post(app, org.rep, '/api/v1/plans', { stakeholderId: s.id, title: 'Help Leap Lady grow' })
    const due = addDays(todayIn('UTC'), 10)
    await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'introduction', title: 'Introduce to the CFO club', dueOn: due })
    const today = todayIn('UTC')
    await post(app, org.manager, '/api/v1/reviews', { reportId: org.rep.id, heldOn: today, notes: 'Monthly 1:1', commitments: [{ ownerId: org.rep.id, text: 'Book the QBR', dueOn: addDays(today, 5) }] })
    const notMine = await post(app, org.manager, '/api/v1/stakeholders', { name: 'Not Mine', hasConsent: true })
    await post(app, org.manager, `/api/v1/stakeholders/${notMine.id}/moments`, { kind: 'birthday', onDate: '1990-01-01', recurrence: 'yearly' })

    assert.deepEqual((await call(app, org.rep, { method: 'GET', url: '/api/v1/me/calendar-feed' })).json().isActive, false)
    const created = await post(app, org.rep, '/api/v1/me/calendar-feed')
    const url = new URL(created.url as string)
    assert.match(url.pathname, /^\/api\/v1\/calendar\/tcal_[\w-]+\.ics$/)
    const stored = await db.selectFrom('calendar_feeds').select(['token_hash']).where('user_id', '=', org.rep.id).execute()
    assert.ok(stored.every((r) => !r.token_hash.includes(created.token as string)), 'only the hash is stored')

    const feed = await call(app, undefined, { method: 'GET', url: url.pathname })
    assert.equal(feed.statusCode, 200)
    assert.match(String(feed.headers['content-type']), /^text\/calendar/)
    const events = parse(feed.body)
    const birthdays = events.filter((e) => e.summary.startsWith('Birthday: Leap Lady'))
    assert.ok(birthdays.length >= 1)
    for (const b of birthdays) {
      assert.equal(b.isDate, true, 'all-day')
      const year = Number(b.start.slice(0, 4))
      const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      assert.equal(b.start.slice(5), isLeap ? '02-29' : '02-28', `29 Feb falls on 28 Feb in ${year}`)
      assert.equal(b.end, addDays(b.start, 1))
    }
    const activity = events.find((e) => e.summary === 'Give: Introduce to the CFO club')
    assert.ok(activity)
    assert.equal(activity.start, due)
    assert.ok(!events.some((e) => e.summary.includes('Not Mine')), 'only stakeholders I have a relationship with')
    assert.equal(events.find((e) => e.summary.startsWith('Relationship review: Test rep with Test manager'))?.start, today)
    assert.equal(events.find((e) => e.summary === 'Commitment: Book the QBR')?.start, addDays(today, 5))

    const download = await call(app, org.rep, { method: 'GET', url: '/api/v1/me/calendar.ics' })
    assert.equal(download.statusCode, 200)
    assert.match(String(download.headers['content-disposition']), /attachment; filename="tend.ics"/)
    assert.equal(parse(download.body).length, events.length)
    assertProblem(await call(app, org.analyst, { method: 'GET', url: '/api/v1/me/calendar.ics' }), 403)

    // A new URL replaces the old one; revoking makes it 404.
    const second = await post(app, org.rep, '/api/v1/me/calendar-feed')
    assertProblem(await call(app, undefined, { method: 'GET', url: url.pathname }), 404)
    const secondPath = new URL(second.url as string).pathname
    assert.equal((await call(app, undefined, { method: 'GET', url: secondPath })).statusCode, 200)
    assert.equal((await call(app, org.rep, { method: 'DELETE', url: '/api/v1/me/calendar-feed' })).statusCode, 204)
    assertProblem(await call(app, undefined, { method: 'GET', url: secondPath }), 404)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/calendar/tcal_nonsense.ics' }), 404)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/calendar/whatever' }), 404)
    assertProblem(await call(app, org.rep, { method: 'DELETE', url: '/api/v1/me/calendar-feed' }), 404)
    const audit = (await call(app, org.admin, { method: 'GET', url: '/api/v1/audit?entityType=calendar_feed' })).json()
    assert.deepEqual(audit.items.map((a: { action: string }) => a.action).sort(), ['calendar_feed.created', 'calendar_feed.created', 'calendar_feed.revoked'])
  })

  test('the same day in every time zone the server runs in', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const s = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Zoned', hasConsent: true })
    await post(app, org.rep, '/api/v1/relationships', { stakeholderId: s.id })
    await post(app, org.rep, `/api/v1/stakeholders/${s.id}/moments`, { kind: 'wedding', onDate: addDays(todayIn('UTC'), 40), recurrence: 'once' })
    const original = process.env.TZ
    try {
      const starts = []
      for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles', 'UTC']) {
        process.env.TZ = tz
        const ics = (await call(app, org.rep, { method: 'GET', url: '/api/v1/me/calendar.ics' })).body
        starts.push(parse(ics).find((e) => e.summary.startsWith('Wedding'))!.start)
      }
      assert.deepEqual(starts, Array(3).fill(addDays(todayIn('UTC'), 40)))
    } finally {
      if (original === undefined) delete process.env.TZ
      else process.env.TZ = original
    }
  })
})
