import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { call, makeOrg, useTestEnv } from '../../../test/helpers.ts'
import { insertUser } from '../users/queries.ts'
import { CALENDAR_LIMITS, parseCalendar, repairCalendarText, wallClockToUtc } from './calendar.ts'
import { importCalendarFile } from './calendar-import.ts'

// Real calendars of other parsers' test suites, read from ../shared/data (never copied here).
const DATA = fileURLToPath(new URL('../../../../shared/data/calendar/', import.meta.url))
const skip = existsSync(DATA) ? false : `calendar fixtures not found beside the repository (${DATA})`
const file = (path: string) => join(DATA, path)
const read = (path: string) => readFileSync(file(path), 'utf8')
const WIDE = { from: new Date('1990-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z'), timeZone: 'UTC', maxOccurrencesPerEvent: 5000 }
const starts = (r: ReturnType<typeof parseCalendar>) => r.occurrences.map((o) => o.start.toISOString().slice(0, 16))

const env = useTestEnv()

describe('calendar parsing', { skip }, () => {
  test('expands a weekly rule across DST in its VTIMEZONE, without EXDATEs and cancelled instances', () => {
    const r = parseCalendar(read('vobject-py-testfiles/test_files/radicale-0827.ics'), WIDE)
    assert.deepEqual(r.issues, [])
    // 37 Mondays from 9 Oct 2017 to 18 Jun 2018, 9 EXDATEs, 2 instances STATUS:CANCELLED.
    assert.equal(r.occurrences.length, 26)
    assert.equal(r.cancelled, 2)
    const s = starts(r)
    assert.equal(s[0], '2017-10-09T18:30') // 20:30 CEST
    assert.equal(s[2], '2017-11-06T19:30') // 20:30 CET
    assert.ok(!s.includes('2017-10-23T18:30') && !s.includes('2018-03-26T18:30') && !s.includes('2018-04-30T18:30'))
    assert.equal(new Set(r.occurrences.map((o) => o.externalId)).size, 26)
  })

  test('moves an instance by RECURRENCE-ID and reads an undefined TZID as an IANA zone', () => {
    const r = parseCalendar(read('node-ical/test/fixtures/daily-count-exdate-recurrence-id.ics'), WIDE)
    // Ten days from 6 July 2015 12:00 Los Angeles (UTC-7), two EXDATEs, the 7th moved to the 9th 15:00.
    assert.deepEqual(starts(r).sort(), ['2015-07-06T19:00', '2015-07-09T19:00', '2015-07-09T22:00', '2015-07-11T19:00', '2015-07-12T19:00', '2015-07-13T19:00', '2015-07-14T19:00', '2015-07-15T19:00'])
    const moved = r.occurrences.find((o) => o.start.toISOString() === '2015-07-09T22:00:00.000Z')!
    assert.equal(moved.summary, 'More Treasure Hunting')
    assert.equal(moved.externalId, '0000001|2015-07-07T19:00:00.000Z', 'keyed by its original slot')
  })

  test('keeps the series attendees on exceptions, folds addresses, and honours the window', () => {
    const r = parseCalendar(read('icaljs/samples/recur_instances.ics'), { ...WIDE, from: new Date('2012-10-03T00:00:00Z'), to: new Date('2013-06-01T00:00:00Z') })
    assert.deepEqual(starts(r), ['2012-11-07T04:00', '2012-11-06T18:00', '2012-11-10T18:00', '2012-11-30T18:00', '2013-01-01T18:00', '2013-03-05T18:00', '2013-05-07T17:00'])
    assert.equal(r.outsideWindow, 1, 'the moved first instance on 2 October')
    assert.equal(r.occurrences[0]!.organizer?.email, 'jlal@mozilla.com')
    assert.deepEqual(r.occurrences[0]!.attendees.map((a) => a.email), ['calmozilla1@gmail.com', 'james@lightsofapollo.com', 'iam.revelation@gmail.com'])
  })

  test('reports broken files and broken events with their index and goes on with the rest', () => {
    // Each event is parsed on its own: one with a broken rule is reported, the others are read
    // (ical.js rejects the whole file when it is parsed in one piece).
    const rfc7529 = parseCalendar(read('python-icalendar/src/icalendar/tests/calendars/rfc_7529.ics'), WIDE)
    assert.deepEqual(rfc7529.issues, [{ index: 1, uid: '4.3.2', reason: 'BYMONTH: invalid value "13" must be < 1' }])
    assert.equal(rfc7529.occurrences.length, 39)
    assert.deepEqual(parseCalendar('Just some notes\n', WIDE).issues, [{ index: null, uid: null, reason: 'no VCALENDAR or VEVENT in the file' }])
    // A file cut short (an interrupted download) loses the event it ends in, and only that one.
    const whole = read('node-ical/test/fixtures/multi-event-basic.ics')
    const cut = parseCalendar(whole.slice(0, whole.indexOf('END:VEVENT', whole.indexOf('END:VEVENT') + 1) - 5), WIDE)
    assert.deepEqual(cut.issues.map((i) => [i.index, i.reason]), [[1, 'the event has no END:VEVENT (the file ends inside it)']])
    assert.equal(cut.occurrences.length, 1)
    const partly = parseCalendar(read('node-ical/test/fixtures/multi-event-basic.ics'), WIDE)
    assert.deepEqual(partly.issues, [{ index: 8, uid: 'sdfkf09fsd0', reason: 'Could not extract integer from "Next"' }])
    assert.equal(partly.occurrences.length, 8)
    assert.match(parseCalendar(read('python-icalendar/src/icalendar/tests/calendars/broken_dtstart.ics'), WIDE).issues[0]!.reason, /INVA-LI-D/)
    // A bogus DURATION (10^18 weeks) would keep ical.js busy for ever: refused at once.
    const started = Date.now()
    assert.match(parseCalendar(read('python-icalendar/src/icalendar/tests/calendars/invalid_duration.ics'), WIDE).issues[0]!.reason, /DURATION/)
    assert.ok(Date.now() - started < 1000)
  })

  test('groups a series with its exceptions within a bounded buffer, and reports what comes too late', (t) => {
    // The fixture's series (UID 0000001) and its exception, with other events in between.
    const source = read('node-ical/test/fixtures/daily-count-exdate-recurrence-id.ics').replace(/\r?\n/g, '\r\n')
    const [series, exception] = source.split('BEGIN:VEVENT').slice(1).map((e) => `BEGIN:VEVENT${e.slice(0, e.indexOf('END:VEVENT'))}END:VEVENT\r\n`) as [string, string]
    const others = (n: number) => Array.from({ length: n }, (_, i) => `BEGIN:VEVENT\r\nUID:other-${i}\r\nDTSTART:2015070${1 + (i % 5)}T100000Z\r\nEND:VEVENT\r\n`).join('')
    const calendar = (between: number) => `BEGIN:VCALENDAR\r\n${series}${others(between)}${exception}END:VCALENDAR\r\n`
    const limits = { ...CALENDAR_LIMITS }
    t.after(() => Object.assign(CALENDAR_LIMITS, limits))
    CALENDAR_LIMITS.heldEvents = 10
    const near = parseCalendar(calendar(8), WIDE)
    assert.deepEqual(near.issues, [])
    assert.equal(near.occurrences.filter((o) => o.uid === '0000001').length, 8)
    assert.ok(near.occurrences.some((o) => o.summary === 'More Treasure Hunting'), 'the exception replaced its instance')
    // Too far: the series was expanded to make room; the exception is reported, not doubled.
    const far = parseCalendar(calendar(30), WIDE)
    assert.equal(far.occurrences.filter((o) => o.uid === '0000001').length, 8)
    assert.ok(!far.occurrences.some((o) => o.summary === 'More Treasure Hunting'))
    assert.equal(far.occurrences.length, 8 + 30)
    assert.deepEqual(far.issues.map((i) => [i.index, i.uid]), [[31, '0000001']])
    assert.match(far.issues[0]!.reason, /more than 10 events after the first one with its UID/)
  })

  test('repairs bare all-day dates and a byte-order mark', () => {
    assert.equal(repairCalendarText('\uFEFFBEGIN:VEVENT\r\nDTSTART:20220101\r\nDTEND;VALUE=DATE:20220102\r\n'), 'BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20220101\r\nDTEND;VALUE=DATE:20220102\r\n')
    const r = parseCalendar(read('python-icalendar/src/icalendar/tests/calendars/example.ics'), WIDE)
    assert.deepEqual(r.issues, [])
    assert.equal(starts(r)[0], '2022-01-01T00:00')
  })

  test('converts wall-clock times at DST edges', () => {
    assert.equal(wallClockToUtc({ year: 2024, month: 3, day: 31, hour: 3, minute: 30, second: 0 }, 'Europe/Berlin').toISOString(), '2024-03-31T01:30:00.000Z')
    assert.equal(wallClockToUtc({ year: 2024, month: 1, day: 15, hour: 9, minute: 0, second: 0 }, 'America/New_York').toISOString(), '2024-01-15T14:00:00.000Z')
  })
})

describe('calendar import', { skip }, () => {
  test('records each occurrence with one of ours and a stakeholder once, and refreshes trust', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    // Our organiser is known under a plus-address; the stakeholder's address differs in case.
    const james = await insertUser(db, { org_id: org.id, email: 'JLal+Calendar@mozilla.com', name: 'James Lal', role: 'rep', manager_id: null })
    const account = (await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Gmail people', domains: ['gmail.com'] } })).json()
    const sahaja = (await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Sahaja Lal', emails: ['CalMozilla1@gmail.com'], accountId: account.id } })).json()
    await call(app, org.admin, { method: 'POST', url: '/api/v1/relationships', payload: { userId: james.id, stakeholderId: sahaja.id } })

    const ctx = { db, orgId: org.id, actor: org.admin.actor, options: { since: new Date('2012-01-01T00:00:00Z'), until: new Date('2013-06-01T00:00:00Z') } }
    const first = await importCalendarFile(ctx, file('icaljs/samples/recur_instances.ics'))
    assert.equal(first.created, 8)
    assert.equal(first.failed, 0)
    const again = await importCalendarFile(ctx, file('icaljs/samples/recur_instances.ics'))
    assert.equal(again.created, 0)
    assert.equal(again.skippedDuplicate, 8)

    const list = (await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences?stakeholderId=${sahaja.id}&limit=50` })).json()
    assert.equal(list.items.length, 8)
    assert.ok(list.items.every((e: { kind: string; source: string; initiator: string; userIds: string[]; accountId: string }) => e.kind === 'meeting' && e.source === 'calendar' && e.initiator === 'us' && e.userIds[0] === james.id && e.accountId === account.id))
    const rel = (await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships?stakeholderId=${sahaja.id}` })).json().items[0]
    const score = await db.selectFrom('relationship_scores').select(['experience_count']).where('org_id', '=', org.id).where('relationship_id', '=', rel.id).executeTakeFirstOrThrow()
    assert.equal(score.experience_count, 8)

    // Another organisation with the same people's addresses sees none of it.
    const other = await makeOrg(db)
    const elsewhere = await importCalendarFile({ ...ctx, orgId: other.id, actor: other.admin.actor }, file('icaljs/samples/recur_instances.ics'))
    assert.equal(elsewhere.created, 0)
    assert.equal(elsewhere.details.withoutKnownPeople, 8)

    const broken = await importCalendarFile({ ...ctx, options: { since: new Date('1990-01-01T00:00:00Z') } }, file('node-ical/test/fixtures/multi-event-basic.ics'))
    assert.deepEqual(broken.failures, [{ where: 'multi-event-basic.ics (event 8, UID sdfkf09fsd0)', reason: 'Could not extract integer from "Next"' }])
    assert.equal(broken.details.occurrences, 8)
  })
})
