import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { createMailer } from '../../lib/mail.ts'
import { makeOrg, useTestEnv } from '../../../test/helpers.ts'
import { freePort, startTestSmtp, type TestSmtp } from '../../../test/smtp.ts'
import { enqueueMail, JOB_HANDLERS, MAIL_SEND } from './handlers.ts'
import { claimDueJobs, enqueue } from './queue.ts'
import { defaultBackoffMs, PermanentJobError, runDueJobs, startJobWorker, type JobHandlers } from './worker.ts'

const env = useTestEnv()
const servers: TestSmtp[] = []
after(async () => {
  for (const s of servers) await s.stop()
})

const message = (to: string, subject: string) => ({ to, subject, text: `Plain ${subject}`, html: `<p>HTML <b>${subject}</b></p>` })

async function jobRow(id: string) {
  return env.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

describe('mail + job runner', () => {
  test('a queued mail arrives once over real SMTP with a plain-text and an HTML body', async () => {
    const smtp = await startTestSmtp()
    servers.push(smtp)
    const org = await makeOrg(env.db)
    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Tend <tend@example.test>' })
    const first = await enqueueMail(env.db, { orgId: org.id, dedupeKey: 'welcome:1', message: message('ann@example.test', 'Welcome') })
    const again = await enqueueMail(env.db, { orgId: org.id, dedupeKey: 'welcome:1', message: message('ann@example.test', 'Welcome') })
    assert.equal(first.isNew, true)
    assert.equal(again.isNew, false)
    assert.equal(again.id, first.id)
    const summary = await runDueJobs(env.db, { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test' })
    assert.deepEqual(summary, { done: 1, retried: 0, failed: 0 })
    assert.equal(smtp.messages.length, 1)
    const [mail] = smtp.messages
    assert.equal(mail!.subject, 'Welcome')
    assert.equal(mail!.text?.trim(), 'Plain Welcome')
    assert.match(String(mail!.html), /<b>Welcome<\/b>/)
    assert.equal(mail!.messageId, `<job-${first.id}@tend>`)
    // Running again (or enqueuing the same key after it was sent) sends nothing more.
    await enqueueMail(env.db, { orgId: org.id, dedupeKey: 'welcome:1', message: message('ann@example.test', 'Welcome') })
    assert.deepEqual(await runDueJobs(env.db, { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test' }), { done: 0, retried: 0, failed: 0 })
    assert.equal(smtp.messages.length, 1)
    assert.equal((await jobRow(first.id)).status, 'done')
    mailer.close()
  })

  test('SMTP down: retried with exponential backoff, not lost, delivered exactly once when it is back', async () => {
    const org = await makeOrg(env.db)
    const port = await freePort()
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'tend@example.test', timeoutMs: 2_000 })
    const { id } = await enqueueMail(env.db, { orgId: org.id, dedupeKey: 'down:1', message: message('bob@example.test', 'Retry me') })
    // The clock is read after the enqueue stamped the job, so the job is due at `now` even when the millisecond ticks over.
    let now = new Date()
    const opts = { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test', clock: () => now }

    assert.deepEqual(await runDueJobs(env.db, opts), { done: 0, retried: 1, failed: 0 })
    let row = await jobRow(id)
    assert.equal(row.status, 'pending')
    assert.equal(row.attempts, 1)
    assert.match(row.last_error ?? '', /ECONNREFUSED|connect/i)
    assert.equal(row.next_attempt_at.getTime(), now.getTime() + defaultBackoffMs(1))
    // Not due yet: nothing runs.
    assert.deepEqual(await runDueJobs(env.db, opts), { done: 0, retried: 0, failed: 0 })

    now = new Date(row.next_attempt_at.getTime() + 1)
    assert.deepEqual(await runDueJobs(env.db, opts), { done: 0, retried: 1, failed: 0 })
    row = await jobRow(id)
    assert.equal(row.attempts, 2)
    assert.equal(row.next_attempt_at.getTime() - now.getTime(), 2 * defaultBackoffMs(1), 'the second wait doubles')

    const smtp = await startTestSmtp(port)
    servers.push(smtp)
    now = new Date(row.next_attempt_at.getTime() + 1)
    assert.deepEqual(await runDueJobs(env.db, opts), { done: 1, retried: 0, failed: 0 })
    now = new Date(now.getTime() + 86_400_000)
    assert.deepEqual(await runDueJobs(env.db, opts), { done: 0, retried: 0, failed: 0 })
    assert.equal(smtp.messages.length, 1)
    assert.equal(smtp.messages[0]!.subject, 'Retry me')
    row = await jobRow(id)
    assert.equal(row.status, 'done')
    assert.equal(row.attempts, 3)
    mailer.close()
  })

  test('a job claimed by a process that died is taken over after its lease, and runs once', async () => {
    const org = await makeOrg(env.db)
    const calls: string[] = []
    const handlers: JobHandlers = { 'test.count': async ({ job }) => calls.push(job.dedupeKey) }
    const { id } = await enqueue(env.db, { orgId: org.id, kind: 'test.count', dedupeKey: `crash:${org.id}`, payload: {} })
    const t0 = new Date(Date.now() + 1_000)
    const claimed = await claimDueJobs(env.db, t0, 60_000, 100)
    assert.ok(claimed.some((j) => j.id === id), 'the "dead" process claimed it')
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'x@example.test', log: () => {} })
    const base = { handlers, mailer, publicUrl: 'http://tend.test' }
    await runDueJobs(env.db, { ...base, clock: () => new Date(t0.getTime() + 30_000) })
    assert.equal(calls.filter((k) => k === `crash:${org.id}`).length, 0, 'still leased')
    await runDueJobs(env.db, { ...base, clock: () => new Date(t0.getTime() + 61_000) })
    await runDueJobs(env.db, { ...base, clock: () => new Date(t0.getTime() + 120_000) })
    assert.equal(calls.filter((k) => k === `crash:${org.id}`).length, 1)
    const row = await jobRow(id)
    assert.equal(row.status, 'done')
    assert.equal(row.attempts, 2)
  })

  test('two workers draining the queue at once run each job exactly once', async () => {
    const org = await makeOrg(env.db)
    const calls = new Map<string, number>()
    const handlers: JobHandlers = {
      'test.once': async ({ job }) => {
        await new Promise((r) => setTimeout(r, 2))
        calls.set(job.dedupeKey, (calls.get(job.dedupeKey) ?? 0) + 1)
      },
    }
    for (let i = 0; i < 30; i++) await enqueue(env.db, { orgId: org.id, kind: 'test.once', dedupeKey: `k${i}`, payload: {} })
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'x@example.test', log: () => {} })
    const opts = { handlers, mailer, publicUrl: 'http://tend.test', batchSize: 3 }
    const [a, b] = await Promise.all([runDueJobs(env.db, opts), runDueJobs(env.db, opts)])
    assert.equal(a.done + b.done, 30)
    assert.equal(calls.size, 30)
    assert.ok([...calls.values()].every((n) => n === 1))
  })

  test('permanent errors, unknown kinds and running out of attempts end as failed with the error kept', async () => {
    const org = await makeOrg(env.db)
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'x@example.test', log: () => {} })
    const handlers: JobHandlers = {
      'test.permanent': async () => {
        throw new PermanentJobError('bad payload')
      },
      'test.flaky': async () => {
        throw new Error('still broken')
      },
    }
    const perm = await enqueue(env.db, { orgId: org.id, kind: 'test.permanent', dedupeKey: 'p', payload: {} })
    const flaky = await enqueue(env.db, { orgId: org.id, kind: 'test.flaky', dedupeKey: 'f', payload: {}, maxAttempts: 2 })
    const unknown = await enqueue(env.db, { orgId: org.id, kind: 'test.nobody', dedupeKey: 'u', payload: {}, maxAttempts: 1 })
    let now = new Date()
    const opts = { handlers, mailer, publicUrl: 'http://tend.test', clock: () => now, backoffMs: () => 1_000 }
    await runDueJobs(env.db, opts)
    now = new Date(now.getTime() + 2_000)
    await runDueJobs(env.db, opts)
    const p = await jobRow(perm.id)
    const f = await jobRow(flaky.id)
    assert.equal(p.status, 'failed')
    assert.equal(p.attempts, 1)
    assert.equal(p.last_error, 'bad payload')
    assert.equal(f.status, 'failed')
    assert.equal(f.attempts, 2)
    assert.equal(f.last_error, 'still broken')
    assert.equal((await jobRow(unknown.id)).status, 'failed')
    assert.match((await jobRow(unknown.id)).last_error ?? '', /No handler for job kind "test.nobody"/)
  })

  test('without SMTP_URL the mail is logged, marked not sent, and the job is done (no retry storm)', async () => {
    const org = await makeOrg(env.db)
    const logged: string[] = []
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'x@example.test', log: (line) => logged.push(line) })
    assert.equal(mailer.isConfigured, false)
    const { id } = await enqueueMail(env.db, { orgId: org.id, dedupeKey: 'nosmtp', message: message('cat@example.test', 'Logged only') })
    await runDueJobs(env.db, { handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test' })
    const row = await jobRow(id)
    assert.equal(row.status, 'done')
    assert.deepEqual((row.result as { sent: boolean }).sent, false)
    assert.ok(logged.some((l) => l.includes('NOT SENT') && l.includes('Logged only') && l.includes('Plain Logged only')))
  })

  test('the worker loop started by serve delivers queued mail and stops cleanly', async () => {
    const smtp = await startTestSmtp()
    servers.push(smtp)
    const org = await makeOrg(env.db)
    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'tend@example.test' })
    let taskRuns = 0
    const worker = startJobWorker(env.db, {
      handlers: JOB_HANDLERS, mailer, publicUrl: 'http://tend.test', pollMs: 50,
      tasks: [{ name: 't', everyMs: 60_000, run: async () => taskRuns++ }],
    })
    await enqueue(env.db, { orgId: org.id, kind: MAIL_SEND, dedupeKey: 'loop', payload: message('dan@example.test', 'From the loop') })
    await smtp.waitFor(1)
    await worker.poke()
    await worker.stop()
    assert.equal(smtp.messages.filter((m) => m.subject === 'From the loop').length, 1)
    assert.equal(taskRuns, 1, 'a task runs once per period')
    mailer.close()
  })
})
