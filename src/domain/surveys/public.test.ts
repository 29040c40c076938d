import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMailer } from '../../lib/mail.ts'
import { assertProblem, call, makeOrg, useTestEnv } from '../../../test/helpers.ts'
import { startTestSmtp } from '../../../test/smtp.ts'
import { JOB_HANDLERS } from '../jobs/handlers.ts'
import { runDueJobs } from '../jobs/worker.ts'
import { answer, makeCustomer, sendAndLink } from '../../../test/surveys.ts'

const env = useTestEnv()
let ipSeq = 0
/** A fresh client address per test: the public routes are rate limited per address. */
const nextIp = () => `10.20.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`

async function npsLink() {
  const { app, db } = env
  const org = await makeOrg(db)
  const ann = await makeCustomer(app, org, 'Ann')
  const survey = (await call(app, org.rep, { method: 'POST', url: '/api/v1/surveys', payload: { name: 'Q4 NPS', kind: 'nps' } })).json()
  const [token] = await sendAndLink(app, org.rep, survey.id, [ann.stakeholderId])
  return { org, ann, survey, token: token! }
}

const form = (token: string, body: string, ip: string) =>
  env.app.inject({ method: 'POST', url: `/s/${token}`, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ip })

describe('public survey page and API', () => {
  test('the page is plain HTML, accessible markup, in the organisation\'s colours, and answers once', async () => {
    const { app, db } = env
    const { org, survey, token } = await npsLink()
    await db.updateTable('organisations').set({ settings: JSON.stringify({ brandColor: '#ffcc00' }) }).where('id', '=', org.id).execute()
    const ip = nextIp()
    const page = await app.inject({ method: 'GET', url: `/s/${token}`, remoteAddress: ip })
    assert.equal(page.statusCode, 200)
    assert.match(String(page.headers['content-type']), /text\/html/)
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/)
    assert.equal(page.headers['referrer-policy'], 'no-referrer')
    assert.doesNotMatch(page.body, /<script/i)
    assert.match(page.body, /--brand:#ffcc00;--on-brand:#111/)
    assert.match(page.body, /<fieldset><legend>How likely/)
    assert.equal((page.body.match(/type="radio" name="score"/g) ?? []).length, 11)
    assert.match(page.body, /<label class="text" for="comment">/)
    assert.ok(page.body.length < 8000, `page is ${page.body.length} bytes`)

    const bad = await form(token, `score=11&comment=${encodeURIComponent('<script>alert(1)</script>')}`, ip)
    assert.equal(bad.statusCode, 400)
    // The refused answer comes back in the form, inert.
    assert.doesNotMatch(bad.body, /<script/i)
    assert.match(bad.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/textarea>/)
    assert.match(bad.body, /role="alert"/)
    assert.match(bad.body, /must be between 0 and 10/)
    const ok = await form(token, `score=9&comment=${encodeURIComponent('<script>alert("x")</script> & more')}`, ip)
    assert.equal(ok.statusCode, 200, ok.body)
    assert.match(ok.body, /Thank you/)
    const twice = await form(token, 'score=0', ip)
    assert.equal(twice.statusCode, 409)
    assert.match(twice.body, /Already answered/)
    assert.match((await app.inject({ method: 'GET', url: `/s/${token}`, remoteAddress: ip })).body, /Already answered/)
    const listed = (await call(app, org.rep, { method: 'GET', url: `/api/v1/surveys/${survey.id}/responses` })).json().items
    assert.deepEqual(listed.map((r: { score: number; comment: string }) => [r.score, r.comment]), [[9, '<script>alert("x")</script> & more']])
  })

  test('the JSON API: a link used twice, a guessed or malformed token, out-of-range and missing scores', async () => {
    const { app } = env
    const { token } = await npsLink()
    const ip = nextIp()
    const read = await app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}`, remoteAddress: ip })
    assert.equal(read.statusCode, 200)
    assert.deepEqual([read.json().kind, read.json().scale, read.json().isAnswered], ['nps', { min: 0, max: 10 }, false])
    assertProblem(await answer(app, token, { score: 11 }, ip), 400, ['#/score'])
    assertProblem(await answer(app, token, { score: -1 }, ip), 400, ['#/score'])
    assertProblem(await answer(app, token, { score: 4.5 }, ip), 400, ['#/score'])
    assertProblem(await answer(app, token, { comment: 'no score' }, ip), 400, ['#/score'])
    assertProblem(await answer(app, token, { score: 5, extra: 1 }, ip), 400, ['#/extra'])
    assert.equal((await answer(app, token, { score: 8 }, ip)).statusCode, 201)
    assertProblem(await answer(app, token, { score: 8 }, ip), 409)
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}`, remoteAddress: ip })).json().isAnswered, true)

    const guessed = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    // A very long token is refused without a lookup: 404, or 414 where the router's parameter limit bites first.
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url: `/api/v1/public/surveys/${'A'.repeat(150)}`, payload: method === 'POST' ? { score: 5 } : undefined, remoteAddress: ip })
      assert.ok([404, 414].includes(res.statusCode), `${method}: ${res.statusCode}`)
    }
    for (const t of [guessed, 'x', 'A'.repeat(43), '../../api/v1/surveys']) {
      assertProblem(await app.inject({ method: 'GET', url: `/api/v1/public/surveys/${encodeURIComponent(t)}`, remoteAddress: ip }), 404)
      assertProblem(await answer(app, encodeURIComponent(t), { score: 5 }, ip), 404)
      const html = await app.inject({ method: 'GET', url: `/s/${encodeURIComponent(t)}`, remoteAddress: ip })
      assert.equal(html.statusCode, 404)
      assert.match(html.body, /This link does not work/)
    }
  })

  test('oversized answers are refused: a long comment (400), a huge body (413)', async () => {
    const { app } = env
    const { token } = await npsLink()
    const ip = nextIp()
    assertProblem(await answer(app, token, { score: 5, comment: 'x'.repeat(2001) }, ip), 400, ['#/comment'])
    assertProblem(await answer(app, token, { score: 5, comment: 'x'.repeat(100_000) }, ip), 413)
    assert.equal((await form(token, `score=5&comment=${'y'.repeat(2001)}`, ip)).statusCode, 400)
    assert.equal((await form(token, `score=5&comment=${'y'.repeat(50_000)}`, ip)).statusCode, 413)
    assert.equal((await answer(app, token, { score: 5, comment: 'x'.repeat(2000) }, ip)).statusCode, 201)
  })

  test('expired links and closed surveys answer 404', async () => {
    const { app, db } = env
    const { org, survey, token } = await npsLink()
    const ip = nextIp()
    await db.updateTable('survey_links').set({ expires_at: new Date(Date.now() - 1000) }).where('org_id', '=', org.id).execute()
    assertProblem(await answer(app, token, { score: 5 }, ip), 404)
    await db.updateTable('survey_links').set({ expires_at: new Date(Date.now() + 86_400_000) }).where('org_id', '=', org.id).execute()
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}`, remoteAddress: ip })).statusCode, 200)
    await call(app, org.rep, { method: 'POST', url: `/api/v1/surveys/${survey.id}/close` })
    assertProblem(await answer(app, token, { score: 5 }, ip), 404)
  })

  test('a flood from one address is rate limited (429); another address is not', async () => {
    const { app } = env
    const { token } = await npsLink()
    const ip = nextIp()
    const statuses: number[] = []
    for (let i = 0; i < 35; i++) statuses.push((await app.inject({ method: 'POST', url: `/api/v1/public/surveys/${'Z'.repeat(43)}`, payload: { score: 5 }, remoteAddress: ip })).statusCode)
    assert.deepEqual([...new Set(statuses.slice(0, 30))], [404])
    assert.deepEqual([...new Set(statuses.slice(30))], [429])
    // Even a valid link is refused to that address for the rest of the minute; others are served.
    assertProblem(await answer(app, token, { score: 5 }, ip), 429)
    assert.equal((await answer(app, token, { score: 5 }, nextIp())).statusCode, 201)
  })

  test('invitations and one reminder go out by e-mail through the job runner; the mailed link works', async () => {
    const { app, db } = env
    const smtp = await startTestSmtp()
    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Tend <tend@example.test>' })
    try {
      // Jobs of earlier tests in this database are due too: run them away from this test's mailbox.
      await runDueJobs(db, { handlers: JOB_HANDLERS, mailer: createMailer({ smtpUrl: undefined, mailFrom: 'x@example.test', log: () => {} }), publicUrl: 'http://tend.test' })
      const org = await makeOrg(db)
      const [ann, bo] = [await makeCustomer(app, org, 'Ann'), await makeCustomer(app, org, 'Bo')]
      const survey = (await call(app, org.rep, { method: 'POST', url: '/api/v1/surveys', payload: { name: 'Q4', kind: 'csat', reminderDays: 3, intro: 'Hi <b>there</b>' } })).json()
      await call(app, org.rep, { method: 'POST', url: `/api/v1/surveys/${survey.id}/send`, payload: { stakeholderIds: [ann.stakeholderId, bo.stakeholderId] } })
      const opts = { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test' }
      assert.equal((await runDueJobs(db, opts)).done, 2)
      const sent = await smtp.waitFor(2)
      const annMail = sent.find((m) => m.text?.includes('Hello Ann'))!
      assert.match(annMail.html || '', /Hi &lt;b&gt;there&lt;\/b&gt;/)
      const token = /\/s\/([A-Za-z0-9_-]{43})/.exec(annMail.text ?? '')![1]!
      assert.equal((await answer(app, token, { score: 5 }, nextIp())).statusCode, 201)
      const stored = await db.selectFrom('survey_links').select('token_hash').where('org_id', '=', org.id).execute()
      assert.ok(stored.every((l) => !l.token_hash.includes(token)))

      // Three days later only Bo, who has not answered, is reminded; once.
      const later = { ...opts, clock: () => new Date(Date.now() + 3 * 86_400_000 + 60_000) }
      assert.equal((await runDueJobs(db, later)).done, 2)
      const all = await smtp.waitFor(3)
      assert.equal(all.length, 3)
      assert.match(all[2]!.subject ?? '', /^Reminder: /)
      assert.match(all[2]!.text ?? '', /Hello Bo/)
      assert.equal((await runDueJobs(db, later)).done, 0)
      const recipients = (await call(app, org.rep, { method: 'GET', url: `/api/v1/surveys/${survey.id}/recipients` })).json().items
      assert.deepEqual(recipients.map((r: { name: string; sentAt: string | null; remindedAt: string | null; respondedAt: string | null }) => [r.name, !!r.sentAt, !!r.remindedAt, !!r.respondedAt]), [['Ann', true, false, true], ['Bo', true, true, false]])
    } finally {
      mailer.close()
      await smtp.stop()
    }
  })
})
