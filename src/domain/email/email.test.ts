import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { sql } from 'kysely'
import { assertProblem, call, expectTenantIsolation, makeOrg, makeUser, useTestEnv, type TestOrg, type TestUser } from '../../../test/helpers.ts'
import type { Db } from '../../db/connect.ts'
import type { App } from '../../http/app.ts'
import { importPath } from '../imports/importers.ts'

// Real mail: one small Enron mailbox folder (Paul Y'Barbo's "oman_lng": 17 messages, Feb–Jun
// 2001, with Oman LNG's people writing to him and his replies), read from ../shared/data.
const DATA = new URL('../../../../shared/data/email/', import.meta.url).pathname
const OMAN = join(DATA, 'enron-dev/mbox/enron.ybarbo-p.oman_lng')
const QUOTES = join(DATA, 'enron-dev/mbox/enron.zufferli-j.inbox.quotes')
const HAM = join(DATA, 'spamassassin-ham/easy-ham-1')
const skip = existsSync(OMAN) ? false : `Enron mailboxes not found in ${DATA} (../shared/data beside the repository)`

const env = useTestEnv()
const scratch = mkdtempSync(join(tmpdir(), 'tend-email-'))
after(() => rmSync(scratch, { recursive: true, force: true }))

/** The test organisation as Paul's company: the rep is Paul, the manager Wayne Perry; Oman LNG is an account with one stakeholder. */
async function omanOrg(db: Db) {
  const org = await makeOrg(db)
  // Sign-in addresses are unique across organisations: take them over from the previous test's.
  await db.updateTable('users').set({ email: sql`'old-' || gen_random_uuid() || '@example.test'` }).where(sql`lower(email)`, 'in', ["paul.y'barbo@enron.com", 'wayne.perry@enron.com']).execute()
  await db.updateTable('users').set({ email: "Paul.Y'Barbo@enron.com" }).where('id', '=', org.rep.id).execute()
  await db.updateTable('users').set({ email: 'wayne.perry@enron.com' }).where('id', '=', org.manager.id).execute()
  const account = await db.insertInto('accounts').values({ org_id: org.id, name: 'Oman LNG', domains: ['omanlng.co.om'] }).returning('id').executeTakeFirstOrThrow()
  // Stored with capitals and a plus tag: matching folds both.
  const yaqoob = await db.insertInto('stakeholders').values({ org_id: org.id, name: 'Yaqoob Al Zadjali', emails: ['YaqoobAlZadjali+dpc@OmanLNG.co.om'], account_id: account.id }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('relationships').values({ org_id: org.id, user_id: org.rep.id, stakeholder_id: yaqoob.id }).execute()
  return { org, accountId: account.id, yaqoobId: yaqoob.id }
}

const importAs = (db: Db, org: TestOrg, path: string) => importPath({ db, orgId: org.id, actor: org.admin.actor }, path)

async function experiencesOf(db: Db, orgId: string) {
  return db.selectFrom('experiences').select(['id', 'occurred_at', 'initiator', 'title', 'kind', 'source', 'account_id']).where('org_id', '=', orgId).orderBy('occurred_at').execute()
}

describe('e-mail import', { skip }, () => {
  test('imports a real mailbox: messages, experiences with initiator, trust, and changes nothing the second time', async () => {
    const { db } = env
    const { org, accountId, yaqoobId } = await omanOrg(db)
    const first = await importAs(db, org, OMAN)
    assert.deepEqual([first.created, first.matched, first.skippedDuplicate, first.failed], [17, 6, 0, 0])
    const experiences = await experiencesOf(db, org.id)
    assert.equal(experiences.length, 6)
    assert.ok(experiences.every((e) => e.kind === 'email' && e.source === 'email' && e.account_id === accountId && e.title === null))
    // Yaqoob wrote first on 15 May (07:06 UTC); Paul answered that evening.
    assert.deepEqual(experiences.filter((e) => e.occurred_at.toISOString().startsWith('2001-05-15')).map((e) => e.initiator), ['them', 'us'])
    const participants = await db.selectFrom('experience_stakeholders').select(sql<number>`count(*)::int`.as('n')).where('org_id', '=', org.id).where('stakeholder_id', '=', yaqoobId).executeTakeFirstOrThrow()
    assert.equal(participants.n, 6)
    const score = await db.selectFrom('relationship_scores as rs').innerJoin('relationships as r', 'r.id', 'rs.relationship_id').select(['rs.experience_count']).where('r.org_id', '=', org.id).executeTakeFirstOrThrow()
    assert.equal(score.experience_count, 6)
    assert.ok(await db.selectFrom('stakeholder_scores').select('score').where('stakeholder_id', '=', yaqoobId).executeTakeFirst())

    const again = await importAs(db, org, OMAN)
    assert.deepEqual([again.created, again.matched, again.skippedDuplicate, again.failed], [0, 0, 17, 0])
    assert.equal((await experiencesOf(db, org.id)).length, 6)
  })

  test('keeps subjects only when the organisation allows it', async () => {
    const { app, db } = env
    const { org } = await omanOrg(db)
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/email/settings' })).json().captureSubjects, false)
    assert.equal((await call(app, org.rep, { method: 'PUT', url: '/api/v1/email/settings', payload: { captureSubjects: true } })).statusCode, 403)
    const on = await call(app, org.admin, { method: 'PUT', url: '/api/v1/email/settings', payload: { captureSubjects: true } })
    assert.equal(on.statusCode, 200, on.body)
    await importAs(db, org, OMAN)
    const titles = (await experiencesOf(db, org.id)).map((e) => e.title)
    assert.ok(titles.includes('RE: DPC Implementation Agreement.'), JSON.stringify(titles))
    await call(app, org.admin, { method: 'PUT', url: '/api/v1/email/settings', payload: { captureSubjects: false } })
    const kept = await db.selectFrom('email_messages').select('id').where('org_id', '=', org.id).where('subject', 'is not', null).execute()
    assert.equal(kept.length, 0)
    assert.deepEqual((await experiencesOf(db, org.id)).map((e) => e.title).filter((t) => t !== null), [], 'the experiences made from that mail lose the subjects too')
  })

  test('thread view, responsiveness and unanswered mail from the captured messages', async () => {
    const { app, db } = env
    const { org, accountId } = await omanOrg(db)
    await importAs(db, org, OMAN)
    const listed = await call(app, org.rep, { method: 'GET', url: '/api/v1/email/messages?address=yaqoobalzadjali@omanlng.co.om' })
    assert.equal(listed.statusCode, 200)
    const opening = listed.json().items.find((m: { sentAt: string }) => m.sentAt === '2001-05-15T07:06:50.000Z' || m.sentAt.startsWith('2001-05-15T07:06'))
    assert.ok(opening, listed.body)
    const thread = await call(app, org.rep, { method: 'GET', url: `/api/v1/email/threads/${opening.threadKey}` })
    assert.equal(thread.statusCode, 200, thread.body)
    assert.equal(thread.json().isTwoWay, true)
    assert.deepEqual(thread.json().messages.map((m: { from: string }) => m.from), ['yaqoobalzadjali@omanlng.co.om', "paul.y'barbo@enron.com", 'yaqoobalzadjali@omanlng.co.om'])

    const kpi = await call(app, org.analyst, { method: 'GET', url: '/api/v1/email/responsiveness?targetHours=24' })
    assert.equal(kpi.statusCode, 200, kpi.body)
    const overall = kpi.json().overall
    // 15 May 07:06 → answered 23:30 (16 h 24 min); 16 May 09:52 never answered.
    assert.deepEqual([overall.answered, overall.unanswered, overall.medianMinutes, overall.withinTarget], [1, 1, 984, 0.5])
    assert.deepEqual(kpi.json().byUser.map((u: { userId: string; answered: number }) => [u.userId, u.answered]), [[org.rep.id, 1]])
    assert.deepEqual(kpi.json().byTeam.map((t: { managerId: string }) => t.managerId), [org.manager.id])
    assert.deepEqual(kpi.json().byAccount.map((a: { accountId: string; name: string }) => [a.accountId, a.name]), [[accountId, 'Oman LNG']])
    const strict = await call(app, org.analyst, { method: 'GET', url: '/api/v1/email/responsiveness?targetHours=8' })
    assert.equal(strict.json().overall.withinTarget, 0)

    const unanswered = await call(app, org.rep, { method: 'GET', url: '/api/v1/email/unanswered?olderThanHours=48' })
    assert.equal(unanswered.statusCode, 200, unanswered.body)
    assert.equal(unanswered.json().total, 1)
    assert.equal(unanswered.json().items[0].sentAt.slice(0, 16), '2001-05-16T09:52')
    assert.deepEqual(unanswered.json().items[0].recipientUserIds, [org.rep.id])
    assert.equal((await call(app, org.analyst, { method: 'GET', url: '/api/v1/email/unanswered' })).statusCode, 403)
  })

  test('suggests frequent correspondents by domain and accepts them in bulk', async () => {
    const { app, db } = env
    const { org, accountId } = await omanOrg(db)
    await importAs(db, org, OMAN)
    const res = await call(app, org.rep, { method: 'GET', url: '/api/v1/email/suggestions?minMessages=2' })
    assert.equal(res.statusCode, 200, res.body)
    const domains = res.json().domains as { domain: string; accountId: string | null; messages: number; people: { address: string; messages: number }[] }[]
    assert.deepEqual(domains.map((d) => [d.domain, d.accountId, d.messages]), [['olng.simis.com', null, 10], ['omanlng.co.om', accountId, 4]])
    assert.deepEqual(domains[0]!.people.map((p) => [p.address, p.messages]), [['harib.h.alkitani@olng.simis.com', 4], ['adnan.a.rajab@olng.simis.com', 3], ['hiro.h.sakaguchi@olng.simis.com', 3]])

    const accepted = await call(app, org.rep, { method: 'POST', url: '/api/v1/email/suggestions/accept', payload: { people: [{ address: 'harib.h.alkitani@olng.simis.com', name: 'Harib Al Kitani' }, { address: 'adnan.a.rajab@olng.simis.com' }, { address: 'YaqoobAlZadjali@omanlng.co.om' }] } })
    assert.equal(accepted.statusCode, 200, accepted.body)
    assert.deepEqual([accepted.json().stakeholdersCreated, accepted.json().accountsCreated, accepted.json().alreadyKnown, accepted.json().experiencesCreated], [2, 1, ['YaqoobAlZadjali@omanlng.co.om'], 4])
    const harib = await db.selectFrom('stakeholders').select(['name', 'account_id']).where('org_id', '=', org.id).where(sql<boolean>`'harib.h.alkitani@olng.simis.com' = ANY(emails)`).executeTakeFirstOrThrow()
    assert.equal(harib.name, 'Harib Al Kitani')
    assert.ok(harib.account_id)
    const after = (await call(app, org.rep, { method: 'GET', url: '/api/v1/email/suggestions?minMessages=2' })).json().domains as { people: { address: string }[] }[]
    assert.deepEqual(after.flatMap((d) => d.people.map((p) => p.address)).sort(), ['hiro.h.sakaguchi@olng.simis.com', 'hirosakaguchi@omanlng.co.om', 'saidalmaawali@omanlng.co.om'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/email/suggestions/accept', payload: { people: [{ address: 'not an address' }] } }), 400, ['#/people/0/address'])
    assert.equal((await call(app, org.analyst, { method: 'GET', url: '/api/v1/email/suggestions' })).statusCode, 403)
  })

  test('reports bogus dates with their place, goes on, and stays idempotent', async () => {
    const { db } = env
    const { org } = await omanOrg(db)
    const report = await importAs(db, org, QUOTES)
    // 42 messages, four of them dated 1979/1980 or 2044.
    assert.equal(report.failed, 4)
    assert.equal(report.created + report.skippedDuplicate, 38)
    for (const f of report.failures) assert.match(`${f.where} ${f.reason}`, /^enron\.zufferli-j\.inbox\.quotes:\d+ date ".*(1979|1980|2043|2044).*" is outside 1990/)
    const again = await importAs(db, org, QUOTES)
    assert.deepEqual([again.created, again.failed], [0, 4])
  })

  test('a batch that fails writes nothing of itself; run again, the import completes', async () => {
    const { db } = env
    const { org } = await omanOrg(db)
    // Make the experience step of the batch fail after its messages were inserted, as a crash would.
    await sql.raw(`CREATE FUNCTION tend_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'killed'; END $$`).execute(db)
    await sql.raw(`CREATE TRIGGER tend_test_fail BEFORE INSERT ON experience_users FOR EACH ROW EXECUTE FUNCTION tend_test_fail()`).execute(db)
    try {
      await assert.rejects(importAs(db, org, OMAN), /killed/)
    } finally {
      await sql.raw(`DROP TRIGGER tend_test_fail ON experience_users`).execute(db)
      await sql.raw(`DROP FUNCTION tend_test_fail()`).execute(db)
    }
    const stored = await db.selectFrom('email_messages').select('id').where('org_id', '=', org.id).execute()
    assert.equal(stored.length, 0)
    const report = await importAs(db, org, OMAN)
    assert.deepEqual([report.created, report.matched], [17, 6])
  })

  test('single .eml files, maildir folders and broken archives', async () => {
    const { db } = env
    const { org } = await omanOrg(db)
    const maildir = join(scratch, 'Maildir')
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true })
    copyFileSync(join(HAM, '00011.fbcde1b4833bdbaaf0ced723edd6e355.txt'), join(maildir, 'cur', '1030000000.1.host:2,S'))
    copyFileSync(join(HAM, '00001.7c53336b37003a9286aba55d2945844c.txt'), join(maildir, 'new', '1030000001.2.host'))
    const fromMaildir = await importAs(db, org, maildir)
    assert.deepEqual([fromMaildir.created, fromMaildir.failed], [2, 0])
    const eml = join(scratch, 'one.eml')
    copyFileSync(join(HAM, '00002.9c4069e25e1ef370c078db7ee85ff9ac.txt'), eml)
    assert.equal((await importAs(db, org, eml)).created, 1)
    assert.equal((await importAs(db, org, eml)).skippedDuplicate, 1)

    // A real message followed by a 40 MB attachment with no line breaks, a message with no
    // headers and one whose From is garbage: reported with their line, the rest imported.
    const message = readFileSync(join(HAM, '00003.860e3c3cee1b42ead714c5c874fe25f7.txt'))
    const broken = join(scratch, 'broken.mbox')
    writeFileSync(broken, Buffer.concat([
      message, Buffer.from('\n'), Buffer.alloc(40 * 1024 * 1024, 'QUFB'), Buffer.from('\n\n'),
      Buffer.from('From MAILER-DAEMON Mon Apr 18 14:21:00 2022\n\nno headers at all\n\n'),
      Buffer.from('From MAILER-DAEMON Mon Apr 18 14:21:00 2022\nDate: Wed, 30 Jan 2002 09:45:02 -0800\nFrom: <"d@piassick".@enron@enron.com>\n\nbody\n'),
    ]))
    const started = Date.now()
    const report = await importAs(db, org, broken)
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`)
    assert.equal(report.created, 1)
    assert.deepEqual(report.failures.map((f) => f.where.replace(/:\d+$/, '')), ['broken.mbox', 'broken.mbox'])
    assert.match(report.failures[0]!.reason, /empty message/)
    assert.match(report.failures[1]!.reason, /From is not an address/)
  })

  test('other organisations see none of it', async (t) => {
    const { app, db } = env
    const { org } = await omanOrg(db)
    await importAs(db, org, OMAN)
    const message = await db.selectFrom('email_messages').select(['id', 'thread_key']).where('org_id', '=', org.id).executeTakeFirstOrThrow()
    const stranger = await makeOrg(db)
    await expectTenantIsolation(app, stranger.rep, [
      { method: 'GET', url: `/api/v1/email/messages/${message.id}` },
      { method: 'GET', url: `/api/v1/email/threads/${message.thread_key}` },
    ], t)
    assert.deepEqual((await call(app, stranger.rep, { method: 'GET', url: '/api/v1/email/messages' })).json().items, [])
    assert.deepEqual((await call(app, stranger.rep, { method: 'GET', url: '/api/v1/email/suggestions?minMessages=1' })).json().domains, [])
    assert.equal((await call(app, stranger.analyst, { method: 'GET', url: '/api/v1/email/responsiveness' })).json().overall.answered, 0)
    assert.equal((await call(app, stranger.rep, { method: 'GET', url: '/api/v1/email/unanswered?olderThanHours=1' })).json().total, 0)
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/email/unanswered?olderThanHours=1' })).json().total, 1)
    // Accepting an address known only in the other organisation creates nothing there and links none of its mail.
    const accepted = await call(app, stranger.rep, { method: 'POST', url: '/api/v1/email/suggestions/accept', payload: { people: [{ address: 'harib.h.alkitani@olng.simis.com' }] } })
    assert.equal(accepted.json().experiencesCreated, 0)
    assert.equal((await call(app, stranger.analyst, { method: 'POST', url: '/api/v1/email/suggestions/accept', payload: { people: [{ address: 'a@b.example' }] } })).statusCode, 403)
    assert.equal((await call(app, stranger.analyst, { method: 'GET', url: '/api/v1/email/messages' })).statusCode, 403)
  })
})

describe('who sees the subjects of captured mail', () => {
  type Message = { id: string; subject: string | null; subjectHidden: boolean; threadKey: string; experienceId: string | null }
  type Titled = { title: string | null; titleHidden: boolean }

  /** Rep A and rep B (in another team) each wrote with Anna of Client Ltd; subjects are kept. */
  async function mailOrg(db: Db) {
    const org = await makeOrg(db)
    const otherManager = await makeUser(db, org.id, 'manager', org.admin.id)
    const repB = await makeUser(db, org.id, 'rep', otherManager.id)
    const account = await db.insertInto('accounts').values({ org_id: org.id, name: 'Client Ltd', domains: ['client.example'] }).returning('id').executeTakeFirstOrThrow()
    const anna = await db.insertInto('stakeholders').values({ org_id: org.id, name: 'Anna', emails: ['anna@client.example'], account_id: account.id }).returning('id').executeTakeFirstOrThrow()
    const rel = await db.insertInto('relationships').values({ org_id: org.id, user_id: org.rep.id, stakeholder_id: anna.id }).returning('id').executeTakeFirstOrThrow()
    await db.insertInto('relationships').values({ org_id: org.id, user_id: repB.id, stakeholder_id: anna.id }).execute()
    await db.updateTable('organisations').set({ settings: sql`settings || '{"captureSubjects": true}'::jsonb` as never }).where('id', '=', org.id).execute()
    // Rep A's address with capitals and a plus tag, as mail clients write it: folded like the rest.
    const repA = org.rep.email.replace('@', '+crm@').toUpperCase()
    const mbox = join(scratch, `subjects-${org.id}.mbox`)
    writeFileSync(mbox, [
      'From anna@client.example Mon Mar  2 10:00:00 2026', 'Message-ID: <renewal-1@client.example>', 'Date: Mon, 02 Mar 2026 10:00:00 +0000',
      'From: Anna <Anna@client.example>', `To: Rep A <${repA}>`, 'Subject: Renewal price: 20% off if we sign by Friday', '', 'Body.', '',
      `From ${org.rep.email} Mon Mar  2 12:00:00 2026`, 'Message-ID: <renewal-2@example.test>', 'In-Reply-To: <renewal-1@client.example>', 'Date: Mon, 02 Mar 2026 12:00:00 +0000',
      `From: Rep A <${repA}>`, 'To: anna@client.example', 'Subject: Re: Renewal price: 20% off if we sign by Friday', '', 'Agreed.', '',
      'From anna@client.example Tue Mar  3 09:00:00 2026', 'Message-ID: <lunch-1@client.example>', 'Date: Tue, 03 Mar 2026 09:00:00 +0000',
      'From: Anna <anna@client.example>', `To: ${repB.email}`, 'Subject: Lunch on Thursday?', '', 'Body.', '',
    ].join('\n'))
    const report = await importAs(db, org, mbox)
    assert.deepEqual([report.created, report.failed], [3, 0], JSON.stringify(report.failures))
    return { org, otherManager, repB, annaId: anna.id, relationshipId: rel.id }
  }

  /** What a user sees of each subject: by message, experience and trust explanation. */
  async function seenBy(app: App, as: TestUser, annaId: string, relationshipId: string) {
    const messages = (await call(app, as, { method: 'GET', url: '/api/v1/email/messages?address=anna@client.example' })).json().items as Message[]
    const one = (await call(app, as, { method: 'GET', url: `/api/v1/email/messages/${messages[0]!.id}` })).json() as Message
    const thread = (await call(app, as, { method: 'GET', url: `/api/v1/email/threads/${one.threadKey}` })).json().messages as Message[]
    const experiences = (await call(app, as, { method: 'GET', url: `/api/v1/experiences?stakeholderId=${annaId}&sort=occurredAt` })).json().items as (Titled & { id: string })[]
    const experience = (await call(app, as, { method: 'GET', url: `/api/v1/experiences/${experiences[0]!.id}` })).json() as Titled
    const relTrust = (await call(app, as, { method: 'GET', url: `/api/v1/relationships/${relationshipId}/trust` })).json().contributions as (Titled & { occurredAt: string })[]
    const stakeholderTrust = (await call(app, as, { method: 'GET', url: `/api/v1/stakeholders/${annaId}/trust` })).json().contributions as (Titled & { occurredAt: string })[]
    const shown = (x: { subject?: string | null; title?: string | null; subjectHidden?: boolean; titleHidden?: boolean }) => (x.subjectHidden || x.titleHidden ? 'hidden' : x.subject ?? x.title ?? null)
    const byDate = (a: { occurredAt: string }, b: { occurredAt: string }) => a.occurredAt.localeCompare(b.occurredAt)
    return {
      messages: messages.map(shown).reverse(),
      message: shown(one),
      thread: thread.map(shown),
      experiences: experiences.map(shown),
      experience: shown(experience),
      relationshipTrust: relTrust.sort(byDate).map(shown),
      stakeholderTrust: stakeholderTrust.sort(byDate).map(shown),
    }
  }

  test('the people in the mail, their managers and admins see the subject; everyone else sees that there is one', async () => {
    const { app, db } = env
    const { org, otherManager, repB, annaId, relationshipId } = await mailOrg(db)
    const renewal = 'Renewal price: 20% off if we sign by Friday'
    const full = {
      messages: [renewal, `Re: ${renewal}`, 'Lunch on Thursday?'],
      message: 'Lunch on Thursday?',
      thread: ['Lunch on Thursday?'],
      experiences: [renewal, `Re: ${renewal}`, 'Lunch on Thursday?'],
      experience: renewal,
      relationshipTrust: [renewal, `Re: ${renewal}`],
      stakeholderTrust: [renewal, `Re: ${renewal}`, 'Lunch on Thursday?'],
    }
    // Rep A and their manager: A's mail, not B's.
    const forTeamA = { ...full, messages: [renewal, `Re: ${renewal}`, 'hidden'], message: 'hidden', thread: ['hidden'], experiences: [renewal, `Re: ${renewal}`, 'hidden'], stakeholderTrust: [renewal, `Re: ${renewal}`, 'hidden'] }
    // Rep B and B's manager: B's mail, not A's (the other manager is a manager, but not A's).
    const forTeamB = { ...full, messages: ['hidden', 'hidden', 'Lunch on Thursday?'], experiences: ['hidden', 'hidden', 'Lunch on Thursday?'], experience: 'hidden', relationshipTrust: ['hidden', 'hidden'], stakeholderTrust: ['hidden', 'hidden', 'Lunch on Thursday?'] }
    assert.deepEqual(await seenBy(app, org.admin, annaId, relationshipId), full)
    assert.deepEqual(await seenBy(app, org.rep, annaId, relationshipId), forTeamA)
    assert.deepEqual(await seenBy(app, org.manager, annaId, relationshipId), forTeamA)
    assert.deepEqual(await seenBy(app, repB, annaId, relationshipId), forTeamB)
    assert.deepEqual(await seenBy(app, otherManager, annaId, relationshipId), forTeamB)
    // What is withheld is the subject alone: who, when and the thread are shared with everyone.
    const hidden = (await call(app, repB, { method: 'GET', url: '/api/v1/email/messages?address=anna@client.example' })).json().items.at(-1)
    assert.deepEqual([hidden.subject, hidden.subjectHidden, hidden.from, hidden.sentAt], [null, true, 'anna@client.example', '2026-03-02T10:00:00.000Z'])
    // Withheld titles stay withheld on writes too: B archiving A's experience gets no subject back.
    const experienceId = hidden.experienceId as string
    const archived = (await call(app, repB, { method: 'POST', url: `/api/v1/experiences/${experienceId}/archive` })).json()
    assert.deepEqual([archived.title, archived.titleHidden, archived.archivedAt !== null], [null, true, true])
    const restored = (await call(app, org.rep, { method: 'POST', url: `/api/v1/experiences/${experienceId}/restore` })).json()
    assert.deepEqual([restored.title, restored.titleHidden], [renewal, false])
  })
})
