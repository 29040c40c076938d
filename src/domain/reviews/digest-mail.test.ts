import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { call, makeOrg, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import { startTestSmtp, type TestSmtp } from '../../../test/smtp.ts'
import { createMailer } from '../../lib/mail.ts'
import { JOB_HANDLERS } from '../jobs/handlers.ts'
import { runDueJobs } from '../jobs/worker.ts'
import { weekStartOf } from '../kpis/compute.ts'
import { digestWeekIn, enqueueWeeklyDigests } from './digest-mail.ts'

const env = useTestEnv()
let smtp: TestSmtp | undefined
after(async () => smtp?.stop())

async function send(as: TestUser, method: 'POST' | 'PUT' | 'PATCH', url: string, payload: Record<string, unknown>) {
  const res = await call(env.app, as, { method, url, payload })
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const recipient = (m: { to?: unknown }) => (m.to && !Array.isArray(m.to) ? (m.to as { text: string }).text : '')

describe('weekly digest e-mail', () => {
  test("a user's week starts on their own Monday at 08:00", () => {
    assert.equal(weekStartOf('2026-11-23'), '2026-11-23')
    assert.equal(weekStartOf('2026-11-29'), '2026-11-23')
    assert.equal(weekStartOf('2026-03-01'), '2026-02-23')
    // Monday 30 November 2026, 07:59 and 08:00 UTC.
    assert.equal(digestWeekIn('UTC', new Date('2026-11-30T07:59:00Z')), '2026-11-23')
    assert.equal(digestWeekIn('UTC', new Date('2026-11-30T08:00:00Z')), '2026-11-30')
    // Auckland (UTC+13 in summer) is already at Monday 08:00 on Sunday 19:00 UTC.
    assert.equal(digestWeekIn('Pacific/Auckland', new Date('2026-11-29T18:59:00Z')), '2026-11-23')
    assert.equal(digestWeekIn('Pacific/Auckland', new Date('2026-11-29T19:00:00Z')), '2026-11-30')
    // Los Angeles (UTC-8): Monday 08:00 there is 16:00 UTC.
    assert.equal(digestWeekIn('America/Los_Angeles', new Date('2026-11-30T15:59:00Z')), '2026-11-23')
    assert.equal(digestWeekIn('America/Los_Angeles', new Date('2026-11-30T16:00:00Z')), '2026-11-30')
  })

  test('the digest is queued when each user reaches their Monday morning, once', async () => {
    const org = await makeOrg(env.db)
    await send(org.rep, 'PATCH', '/api/v1/me', { timeZone: 'Pacific/Auckland' })
    await send(org.manager, 'PATCH', '/api/v1/me', { timeZone: 'America/Los_Angeles' })
    const weeks = async () => {
      const rows = await env.db.selectFrom('jobs').select(['payload']).where('org_id', '=', org.id).where('kind', '=', 'digest.weekly').execute()
      const byUser = new Map<string, string[]>()
      for (const r of rows) {
        const p = r.payload as { userId: string; weekStart: string }
        byUser.set(p.userId, [...(byUser.get(p.userId) ?? []), p.weekStart].sort())
      }
      return byUser
    }
    await enqueueWeeklyDigests(env.db, new Date('2026-11-29T19:30:00Z')) // Monday 08:30 in Auckland, Sunday elsewhere
    let w = await weeks()
    assert.deepEqual(w.get(org.rep.id), ['2026-11-30'])
    assert.deepEqual(w.get(org.manager.id), ['2026-11-23'])
    assert.deepEqual(w.get(org.admin.id), ['2026-11-23'])
    await enqueueWeeklyDigests(env.db, new Date('2026-11-30T08:30:00Z')) // Monday 08:30 UTC; 00:30 in Los Angeles
    w = await weeks()
    assert.deepEqual(w.get(org.admin.id), ['2026-11-23', '2026-11-30'])
    assert.deepEqual(w.get(org.manager.id), ['2026-11-23'])
    assert.deepEqual(w.get(org.rep.id), ['2026-11-30'], 'nobody gets a week twice')
    await enqueueWeeklyDigests(env.db, new Date('2026-11-30T16:30:00Z'))
    assert.deepEqual((await weeks()).get(org.manager.id), ['2026-11-23', '2026-11-30'])
  })

  test("each user gets their week once, a manager their team's too; opting out stops it", async () => {
    smtp = await startTestSmtp()
    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Tend <tend@example.test>' })
    const org = await makeOrg(env.db)
    const ann = await send(org.rep, 'POST', '/api/v1/stakeholders', { name: 'Ann Quiet' })
    await send(org.rep, 'POST', '/api/v1/relationships', { stakeholderId: ann.id, importance: 5 })
    const today = new Date().toISOString().slice(0, 10)
    await send(org.manager, 'POST', '/api/v1/reviews', { reportId: org.rep.id, heldOn: today, notes: 'Weekly 1:1', commitments: [{ ownerId: org.rep.id, text: 'Call Ann', dueOn: today }] })

    assert.deepEqual(await send(org.analyst, 'PUT', '/api/v1/me/digest', { enabled: false }), { enabled: false })
    assert.equal((await call(env.app, org.analyst, { method: 'GET', url: '/api/v1/me/digest' })).json().enabled, false)

    const now = new Date()
    const queued = await enqueueWeeklyDigests(env.db, now)
    assert.equal(await enqueueWeeklyDigests(env.db, now), 0, 'the same week is queued once')
    assert.ok(queued >= 3)
    const opts = { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test' }
    await runDueJobs(env.db, opts)
    await runDueJobs(env.db, opts)
    const mine = (user: TestUser) => smtp!.messages.filter((m) => recipient(m) === user.email)
    assert.equal(mine(org.rep).length, 1)
    assert.equal(mine(org.manager).length, 1)
    assert.equal(mine(org.admin).length, 1)
    assert.equal(mine(org.analyst).length, 0, 'opted out')

    const rep = mine(org.rep)[0]!
    assert.equal(rep.subject, 'Your relationships this week: 1 gone cold, 1 commitment due')
    assert.match(rep.text ?? '', /Gone cold \(1\)[\s\S]*Ann Quiet: never met meaningfully[\s\S]*Commitments due \(1\)[\s\S]*Call Ann/)
    assert.match(String(rep.html), /Ann Quiet[\s\S]*http:\/\/tend.test\/settings/)
    const manager = mine(org.manager)[0]!.text ?? ''
    assert.match(manager, /Your team: 0 % of key relationships within cadence/)
    assert.match(manager, /Gone cold in your team \(1\)[\s\S]*Ann Quiet, Test rep/)
  })
})
