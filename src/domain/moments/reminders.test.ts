import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { call, makeOrg, makeUser, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import { startTestSmtp, type TestSmtp } from '../../../test/smtp.ts'
import type { App } from '../../http/app.ts'
import { createMailer } from '../../lib/mail.ts'
import { JOB_HANDLERS } from '../jobs/handlers.ts'
import { enqueue } from '../jobs/queue.ts'
import { runDueJobs } from '../jobs/worker.ts'
import { addDays, todayIn } from './dates.ts'
import { REMINDER_KIND } from './personal-data.ts'
import { scanMomentReminders } from './reminders.ts'
import { listUpcoming } from './service.ts'

const env = useTestEnv()
let smtp: TestSmtp
after(async () => smtp?.stop())

async function post(app: App, as: TestUser, url: string, payload: Record<string, unknown> = {}) {
  const res = await call(app, as, { method: 'POST', url, payload })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body)
  return res.json() as { id: string } & Record<string, unknown>
}

const jobsOf = (orgId: string) => env.db.selectFrom('jobs').selectAll().where('org_id', '=', orgId).where('kind', '=', REMINDER_KIND).orderBy('dedupe_key').execute()

describe('moment reminders by e-mail', () => {
  test('a due reminder is e-mailed once, carrying what the user needs; archived stakeholders get none', async () => {
    const { app, db } = env
    smtp = await startTestSmtp()
    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Tend <tend@example.test>' })
    const org = await makeOrg(db)
    const account = await post(app, org.rep, '/api/v1/accounts', { name: 'Acme <Labs>' })
    const s = await post(app, org.rep, '/api/v1/stakeholders', {
      name: 'Maria Lopez', accountId: account.id, hasConsent: true, goals: 'Cut onboarding time in half', pains: 'Audit season', interests: 'Jazz and marathon running',
    })
    await post(app, org.rep, '/api/v1/relationships', { stakeholderId: s.id })
    await post(app, org.manager, '/api/v1/relationships', { stakeholderId: s.id })
    const kid = await post(app, org.rep, `/api/v1/stakeholders/${s.id}/close-people`, { name: 'Ana', relation: 'child', notes: 'Starts medical school' })
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString()
    await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(20), kind: 'insight', direction: 'we_gave', title: 'Sent the benchmark report', stakeholderIds: [s.id] })
    await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(3), kind: 'call', direction: 'we_asked', title: 'Asked for a reference', stakeholderIds: [s.id] })
    // Mail subjects: the rep's own reaches the rep and their manager; another team's stays with that team.
    const otherRep = await makeUser(db, org.id, 'rep')
    await post(app, otherRep, '/api/v1/experiences', { occurredAt: daysAgo(2), kind: 'email', source: 'email', title: 'Our discount for Acme', stakeholderIds: [s.id] })
    await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(1), kind: 'email', source: 'email', title: 'Renewal terms', stakeholderIds: [s.id] })

    const today = todayIn('UTC')
    const graduation = await post(app, org.rep, `/api/v1/stakeholders/${s.id}/moments`, { kind: 'graduation', onDate: addDays(today, 3), recurrence: 'once', closePersonId: kid.id, leadDays: 7, notes: 'Ask about the ceremony' })
    await post(app, org.rep, `/api/v1/stakeholders/${s.id}/moments`, { kind: 'birthday', onDate: `1980${addDays(today, 20).slice(4)}`, recurrence: 'yearly', leadDays: 7 })

    // An archived stakeholder with a moment due tomorrow: no reminder.
    const gone = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Archived Person', hasConsent: true })
    await post(app, org.rep, '/api/v1/relationships', { stakeholderId: gone.id })
    await post(app, org.rep, `/api/v1/stakeholders/${gone.id}/moments`, { kind: 'birthday', onDate: `1970${addDays(today, 1).slice(4)}`, recurrence: 'yearly' })
    await post(app, org.rep, `/api/v1/stakeholders/${gone.id}/archive`)

    await scanMomentReminders(db, new Date())
    await scanMomentReminders(db, new Date())
    const jobs = await jobsOf(org.id)
    assert.deepEqual(jobs.map((j) => j.dedupe_key).sort(), [`moment:${graduation.id}:${addDays(today, 3)}:${org.manager.id}`, `moment:${graduation.id}:${addDays(today, 3)}:${org.rep.id}`].sort(), 'one per user, the 20-day one not yet, none for the archived stakeholder')

    const opts = { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test' }
    await runDueJobs(db, opts)
    await runDueJobs(db, opts)
    await scanMomentReminders(db, new Date())
    await runDueJobs(db, opts)
    const mine = smtp.messages.filter((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '') === org.rep.email)
    assert.equal(mine.length, 1, 'exactly once')
    assert.equal(smtp.messages.length, 2, 'the rep and the manager, nobody else')
    const mail = mine[0]!
    assert.equal(mail.subject, 'In 3 days: Graduation: Ana (child of Maria Lopez)')
    const text = mail.text ?? ''
    for (const expected of ['Cut onboarding time in half', 'Audit season', 'Jazz and marathon running', 'Ana (child): Starts medical school', 'Sent the benchmark report (we gave)', 'Asked for a reference (we asked)', 'Last time we gave', 'Ask about the ceremony', 'Acme <Labs>', `http://tend.test/stakeholders/${s.id}`]) {
      assert.ok(text.includes(expected), `text lacks ${expected}:\n${text}`)
    }
    assert.match(text, /Gesture ideas\n(.|\n)*(concert|sport)/)
    for (const m of smtp.messages) {
      assert.ok(m.text?.includes('Renewal terms') && !m.text.includes('Our discount for Acme'), `mail subjects of others leak or own ones are missing:\n${m.text}`)
    }
    assert.match(String(mail.html), /Acme &lt;Labs&gt;/, 'HTML is escaped')
    assert.ok(!String(mail.html).includes('<Labs>'))
    assert.deepEqual((await jobsOf(org.id)).map((j) => j.status), ['done', 'done'])
    mailer.close()
  })

  test('a reminder queued before the stakeholder was archived (or the moment deleted) is not sent', async () => {
    const { app, db } = env
    smtp ??= await startTestSmtp()
    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'tend@example.test' })
    const org = await makeOrg(db)
    const s = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Soon Archived', hasConsent: true })
    await post(app, org.rep, '/api/v1/relationships', { stakeholderId: s.id })
    const m = await post(app, org.rep, `/api/v1/stakeholders/${s.id}/moments`, { kind: 'birthday', onDate: `1970${addDays(todayIn('UTC'), 2).slice(4)}`, recurrence: 'yearly' })
    await scanMomentReminders(db, new Date())
    assert.equal((await jobsOf(org.id)).length, 1)
    await post(app, org.rep, `/api/v1/stakeholders/${s.id}/archive`)
    const before = smtp.messages.length
    await runDueJobs(db, { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test' })
    assert.equal(smtp.messages.length, before)
    const [job] = await jobsOf(org.id)
    assert.equal(job!.status, 'done')
    assert.deepEqual(job!.result, { skipped: 'the stakeholder is archived' })
    // A stale job for a deleted moment is skipped too.
    await enqueue(db, { orgId: org.id, kind: REMINDER_KIND, dedupeKey: 'stale', payload: { momentId: m.id, stakeholderId: s.id, occursOn: '2030-01-01', userId: org.rep.id } })
    await call(app, org.rep, { method: 'DELETE', url: `/api/v1/moments/${m.id}` })
    await runDueJobs(db, { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test' })
    assert.equal(smtp.messages.length, before)
    mailer.close()
  })

  test('reminders go out from 08:00 on their day in each user\'s own time zone', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const bad = await call(app, org.rep, { method: 'PATCH', url: '/api/v1/me', payload: { timeZone: 'Mars/Olympus' } })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json().errors[0].pointer, '#/timeZone')
    const me = await call(app, org.rep, { method: 'PATCH', url: '/api/v1/me', payload: { timeZone: 'Pacific/Auckland' } })
    assert.equal(me.statusCode, 200, me.body)
    assert.equal(me.json().timeZone, 'Pacific/Auckland')
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/me' })).json().timeZone, 'Pacific/Auckland')
    assert.equal((await call(app, org.manager, { method: 'GET', url: '/api/v1/me' })).json().timeZone, 'UTC', 'one user\'s choice changes nobody else')

    const s = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Tane Parata', hasConsent: true })
    await post(app, org.rep, '/api/v1/relationships', { stakeholderId: s.id })
    await post(app, org.manager, '/api/v1/relationships', { stakeholderId: s.id })
    const moment = await post(app, org.rep, `/api/v1/stakeholders/${s.id}/moments`, { kind: 'company_anniversary', onDate: '2031-03-10', recurrence: 'once', leadDays: 0 })
    const keys = async () => (await jobsOf(org.id)).map((j) => j.dedupe_key)
    const key = (userId: string) => `moment:${moment.id}:2031-03-10:${userId}`

    await scanMomentReminders(db, new Date('2031-03-09T18:59:00Z')) // 07:59 on the 10th in Auckland
    assert.deepEqual(await keys(), [])
    await scanMomentReminders(db, new Date('2031-03-09T19:30:00Z')) // 08:30 on the 10th in Auckland, still the 9th in UTC
    assert.deepEqual(await keys(), [key(org.rep.id)])
    await scanMomentReminders(db, new Date('2031-03-10T07:59:00Z'))
    assert.deepEqual(await keys(), [key(org.rep.id)], 'not before 08:00 in UTC')
    await scanMomentReminders(db, new Date('2031-03-10T08:00:00Z'))
    assert.deepEqual((await keys()).sort(), [key(org.rep.id), key(org.manager.id)].sort())
    await scanMomentReminders(db, new Date('2031-03-11T09:00:00Z'))
    assert.equal((await keys()).length, 2, 'never twice, and nothing once the day has passed')

    // Upcoming moments default to the user's own day: at 12:00 UTC on the 10th it is already the 11th in Auckland.
    const noon = new Date('2031-03-10T12:00:00Z')
    const daysUntil = async (user: TestUser) => (await listUpcoming(db, user.actor, { days: 3 }, noon)).filter((o) => o.momentId === moment.id).map((o) => o.daysUntil)
    assert.deepEqual(await daysUntil(org.manager), [0], 'today in UTC')
    assert.deepEqual(await daysUntil(org.rep), [], 'yesterday in Auckland')
  })
})
