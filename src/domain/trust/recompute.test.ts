import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { call, makeOrg, useTestEnv, type TestOrg, type TestUser } from '../../../test/helpers.ts'
import { startAccountSettler } from '../../cli/serve.ts'
import { sql } from 'kysely'
import type { App } from '../../http/app.ts'
import type { Db } from '../../db/connect.ts'
import { openHistories } from './queries.ts'
import { recomputeOrganisation, refreshTrustAfterWrite, settleQueuedAccounts, type RecomputeProgress } from './refresh.ts'
import { parseHistory } from './scoring.ts'

const env = useTestEnv()
const DAY = 86_400_000
// Scores decay with time: the clock stands still so that the scores every write stored and the
// recompute's are taken at the same instant and can be compared to the last bit.
const NOW = Date.parse('2026-12-03T09:00:00.000Z')

async function post(app: App, as: TestUser, url: string, payload: Record<string, unknown>) {
  const res = await call(app, as, { method: 'POST', url, payload })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, `${url}: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string }
}

async function patch(app: App, as: TestUser, url: string, payload: Record<string, unknown>) {
  const res = await call(app, as, { method: 'PATCH', url, payload })
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`)
}

/** Every stored score of the organisation, as a reader sees them (queued accounts settled), without the time it was computed. */
async function storedScores(db: Db, orgId: string) {
  await settleQueuedAccounts(db, { orgId })
  const [relationships, stakeholders, accounts] = await Promise.all([
    db.selectFrom('relationship_scores').select(['relationship_id', 'score', 'score_28d', 'state', 'last_meaningful_at', 'experience_count']).where('org_id', '=', orgId).orderBy('relationship_id').execute(),
    db.selectFrom('stakeholder_scores').select(['stakeholder_id', 'score', 'score_28d', 'state', 'last_meaningful_at', 'cadence_days', 'experience_count']).where('org_id', '=', orgId).orderBy('stakeholder_id').execute(),
    db.selectFrom('account_scores').select(['account_id', 'score', 'score_28d', 'state', 'stakeholder_count']).where('org_id', '=', orgId).orderBy('account_id').execute(),
  ])
  return { relationships, stakeholders, accounts }
}

/**
 * Two accounts and a stakeholder without one; people known by one, two or none of our users;
 * rated, unrated, negative, shared and multi-stakeholder experiences; then an experience edited
 * (rating, stakeholders and users), one archived, a stakeholder archived, one's influence changed,
 * a relationship archived and another's cadence changed, all through the API.
 */
async function buildHistory(app: App, org: TestOrg) {
  const { rep, manager } = org
  const daysAgo = (n: number) => new Date(NOW - n * DAY).toISOString()
  const acme = await post(app, rep, '/api/v1/accounts', { name: 'Acme' })
  const beta = await post(app, rep, '/api/v1/accounts', { name: 'Beta' })
  const empty = await post(app, rep, '/api/v1/accounts', { name: 'Nobody yet' })
  const ada = await post(app, rep, '/api/v1/stakeholders', { name: 'Ada', accountId: acme.id, influence: 5 })
  const bob = await post(app, rep, '/api/v1/stakeholders', { name: 'Bob', accountId: acme.id, influence: 2 })
  const cyd = await post(app, rep, '/api/v1/stakeholders', { name: 'Cyd', accountId: beta.id, influence: 3 })
  const dee = await post(app, rep, '/api/v1/stakeholders', { name: 'Dee', accountId: beta.id, influence: 4 })
  const eve = await post(app, rep, '/api/v1/stakeholders', { name: 'Eve' })
  const relationship = (as: TestUser, stakeholderId: string, cadenceDays: number, importance: number) => post(app, as, '/api/v1/relationships', { stakeholderId, cadenceDays, importance })
  const repAda = await relationship(rep, ada.id, 30, 5)
  await relationship(manager, ada.id, 14, 2)
  await relationship(rep, bob.id, 60, 3)
  const managerBob = await relationship(manager, bob.id, 90, 4)
  await relationship(rep, dee.id, 30, 3)
  await relationship(rep, eve.id, 7, 1)
  const log = (payload: Record<string, unknown>) => post(app, rep, '/api/v1/experiences', { kind: 'meeting', valence: 1, ...payload })
  await log({ occurredAt: daysAgo(200), stakeholderIds: [ada.id], userIds: [rep.id] })
  await log({ occurredAt: daysAgo(100), kind: 'help', valence: 2, direction: 'we_gave', depth: 'meaningful', stakeholderIds: [ada.id], userIds: [rep.id, manager.id] })
  await log({ occurredAt: daysAgo(150), kind: 'service_failure', valence: -1, initiator: 'them', stakeholderIds: [ada.id, bob.id], userIds: [rep.id] })
  await log({ occurredAt: daysAgo(10), kind: 'email', valence: null, initiator: 'them', source: 'email', stakeholderIds: [ada.id], userIds: [manager.id] })
  await log({ occurredAt: daysAgo(40), kind: 'call', stakeholderIds: [bob.id], userIds: [manager.id] })
  await log({ occurredAt: daysAgo(7), valence: 2, depth: 'meaningful', stakeholderIds: [ada.id], userIds: [rep.id] })
  await log({ occurredAt: daysAgo(12), kind: 'meal', valence: 2, stakeholderIds: [bob.id], userIds: [rep.id] })
  await log({ occurredAt: daysAgo(45), kind: 'meal', valence: 2, depth: 'personal', stakeholderIds: [cyd.id], userIds: [rep.id] })
  await log({ occurredAt: daysAgo(5), valence: 0, stakeholderIds: [dee.id], userIds: [rep.id] })
  await log({ occurredAt: daysAgo(3), kind: 'insight', stakeholderIds: [eve.id], userIds: [rep.id] })
  await log({ occurredAt: daysAgo(2), kind: 'complaint', valence: null, stakeholderIds: [ada.id], userIds: [rep.id] })
  const archived = await log({ occurredAt: daysAgo(8), kind: 'visit', valence: 2, stakeholderIds: [bob.id], userIds: [rep.id] })
  await post(app, rep, `/api/v1/experiences/${archived.id}/archive`, {})
  const edited = await log({ occurredAt: daysAgo(15), kind: 'introduction', valence: 1, stakeholderIds: [cyd.id], userIds: [rep.id] })
  await patch(app, rep, `/api/v1/experiences/${edited.id}`, { valence: -1, stakeholderIds: [dee.id, cyd.id], userIds: [manager.id] })
  await post(app, rep, `/api/v1/stakeholders/${dee.id}/archive`, {})
  await patch(app, rep, `/api/v1/stakeholders/${bob.id}`, { influence: 4 })
  await post(app, manager, `/api/v1/relationships/${managerBob.id}/archive`, {})
  await patch(app, rep, `/api/v1/relationships/${repAda.id}`, { cadenceDays: 21 })
  return { acme, beta, empty }
}

describe('trust: the full recompute and the refresh after each write', () => {
  test('store the same numbers, row for row, for relationships, stakeholders and accounts', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW })
    const { app, db } = env
    const org = await makeOrg(db)
    const { acme, beta, empty } = await buildHistory(app, org)

    const incremental = await storedScores(db, org.id)
    // The history is rich enough for a mismatch to show: every relationship and stakeholder has a
    // row, scores differ, an account lost a stakeholder to archiving, the empty one has no score.
    assert.equal(incremental.relationships.length, 6)
    assert.equal(incremental.stakeholders.length, 5)
    assert.deepEqual(incremental.accounts.map((a) => a.account_id).sort(), [acme.id, beta.id].sort())
    assert.ok(!incremental.accounts.some((a) => a.account_id === empty.id))
    assert.equal(incremental.accounts.find((a) => a.account_id === beta.id)!.stakeholder_count, 1)
    assert.ok(new Set(incremental.relationships.map((r) => r.score)).size >= 4, JSON.stringify(incremental.relationships))
    assert.ok(incremental.stakeholders.filter((s) => s.score > 0).length >= 3, JSON.stringify(incremental.stakeholders))
    assert.ok(incremental.stakeholders.some((s) => s.state === 'cold'), JSON.stringify(incremental.stakeholders))

    await db.deleteFrom('relationship_scores').where('org_id', '=', org.id).execute()
    await db.deleteFrom('stakeholder_scores').where('org_id', '=', org.id).execute()
    await db.deleteFrom('account_scores').where('org_id', '=', org.id).execute()
    const progress: RecomputeProgress[] = []
    const counts = await recomputeOrganisation(db, org.id, new Date(), { onProgress: (p) => progress.push(p) })
    assert.deepEqual(counts, { relationships: 6, stakeholders: 5, accounts: 3 })
    assert.deepEqual(await storedScores(db, org.id), incremental)
    assert.deepEqual(progress.at(-1), { phase: 'accounts', done: 3, total: 3 })
    assert.ok(progress.some((p) => p.phase === 'stakeholders' && p.done === 5 && p.total === 5))

    // Run over stored scores, it updates every row to the same numbers.
    await recomputeOrganisation(db, org.id, new Date())
    assert.deepEqual(await storedScores(db, org.id), incremental)

    // Scored in a worker thread (as large organisations are on PGlite), the same numbers again.
    await db.deleteFrom('relationship_scores').where('org_id', '=', org.id).execute()
    await db.deleteFrom('stakeholder_scores').where('org_id', '=', org.id).execute()
    await recomputeOrganisation(db, org.id, new Date(), { thread: true })
    assert.deepEqual(await storedScores(db, org.id), incremental)
  })

  test('each stored history holds the entries its experiences give, whatever wrote them (migration 0016)', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW })
    const { app, db } = env
    const org = await makeOrg(db)
    await buildHistory(app, org)
    const { rep, manager } = org
    const daysAgo = (n: number) => new Date(NOW - n * DAY).toISOString()
    const fay = await post(app, rep, '/api/v1/stakeholders', { name: 'Fay' })
    const gus = await post(app, rep, '/api/v1/stakeholders', { name: 'Gus' })
    await post(app, rep, '/api/v1/relationships', { stakeholderId: fay.id, cadenceDays: 30, importance: 3 })
    const log = (payload: Record<string, unknown>) => post(app, rep, '/api/v1/experiences', { kind: 'meeting', valence: 1, ...payload })
    const first = await log({ occurredAt: daysAgo(30), stakeholderIds: [fay.id], userIds: [rep.id] })
    const shared = await log({ occurredAt: daysAgo(20), stakeholderIds: [fay.id, gus.id], userIds: [rep.id, manager.id] })
    await log({ occurredAt: daysAgo(9), kind: 'call', stakeholderIds: [gus.id], userIds: [manager.id] })
    // Archived and restored; its time, rating and people edited.
    await post(app, rep, `/api/v1/experiences/${first.id}/archive`, {})
    await post(app, rep, `/api/v1/experiences/${first.id}/restore`, {})
    await patch(app, rep, `/api/v1/experiences/${shared.id}`, { userIds: [manager.id, rep.id] })
    await patch(app, rep, `/api/v1/experiences/${shared.id}`, { occurredAt: daysAgo(19), valence: 2 })

    const entries = (bytes: Uint8Array) => {
      const list: string[] = []
      for (let o = 0; o < bytes.length; o += 44) list.push(Buffer.from(bytes.subarray(o, o + 44)).toString('hex'))
      return list.sort()
    }
    /** The stored histories, each checked against the one its experiences give now. */
    const checkStored = async () => {
      const stored = await db.selectFrom('stakeholder_histories').select(['stakeholder_id', 'history']).where('org_id', '=', org.id).execute()
      const { rows: built } = await sql<{ stakeholder_id: string; history: Uint8Array }>`SELECT es.stakeholder_id, string_agg(tend_trust_entry(e.trust_entry, eu.user_id), ''::bytea) AS history
        FROM experience_stakeholders es JOIN experiences e ON e.org_id = es.org_id AND e.id = es.experience_id
        LEFT JOIN experience_users eu ON eu.org_id = e.org_id AND eu.experience_id = e.id
        WHERE es.org_id = ${org.id} AND e.archived_at IS NULL GROUP BY es.stakeholder_id`.execute(db)
      const expected = new Map(built.map((b) => [b.stakeholder_id, entries(b.history)]))
      for (const { stakeholder_id, history } of stored) assert.deepEqual(entries(history), expected.get(stakeholder_id) ?? [], stakeholder_id)
      return new Map(stored.map((h) => [h.stakeholder_id, entries(h.history)]))
    }
    // The service patched them: every stakeholder a write refreshed has one, as its experiences give it.
    let stored = await checkStored()
    assert.equal(stored.size, 7)
    // An entry per experience and user: Fay's first (one user) and the shared one (two).
    assert.equal(stored.get(fay.id)!.length, 1 + 2)
    assert.equal(stored.get(gus.id)!.length, 2 + 1)

    // Written around the service, as merges and bulk imports write: the triggers drop the stored
    // histories concerned, and the next refresh of each builds it again.
    await post(app, rep, `/api/v1/stakeholders/${fay.id}/merge`, { mergeId: gus.id })
    const { rows: [raw] } = await sql<{ id: string }>`INSERT INTO experiences (org_id, occurred_at, kind, valence, direction, initiator, depth, source)
      VALUES (${org.id}, ${daysAgo(4)}, 'visit', 2, 'we_gave', 'us', 'personal', 'import') RETURNING id`.execute(db)
    await sql`INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id) VALUES (${org.id}, ${raw!.id}, ${fay.id})`.execute(db)
    await sql`INSERT INTO experience_users (org_id, experience_id, user_id) VALUES (${org.id}, ${raw!.id}, ${rep.id})`.execute(db)
    await refreshTrustAfterWrite(db, org.id, [fay.id], [rep.id])
    assert.equal((await checkStored()).get(fay.id)!.length, 1 + 2 + 1 + 1)
    assert.ok(!(await checkStored()).has(gus.id))
    const writesAround = [
      sql`UPDATE experiences SET valence = -2, occurred_at = ${daysAgo(3)} WHERE org_id = ${org.id} AND id = ${raw!.id}`,
      sql`UPDATE experiences SET archived_at = now() WHERE org_id = ${org.id} AND id = ${raw!.id}`,
      sql`DELETE FROM experience_users WHERE org_id = ${org.id} AND experience_id = ${shared.id} AND user_id = ${rep.id}`,
      sql`UPDATE experience_users SET user_id = ${rep.id} WHERE org_id = ${org.id} AND experience_id = ${shared.id}`,
      sql`UPDATE experience_stakeholders SET stakeholder_id = ${fay.id} WHERE org_id = ${org.id} AND experience_id = ${raw!.id}`,
      sql`DELETE FROM experiences WHERE org_id = ${org.id} AND id = ${first.id}`,
    ]
    for (const write of writesAround) {
      await write.execute(db)
      stored = await checkStored()
      assert.ok(!stored.has(fay.id), write.compile(db).sql)
      await refreshTrustAfterWrite(db, org.id, [fay.id], [rep.id])
      assert.ok((await checkStored()).has(fay.id))
    }
    // A title is not part of a history: changing it leaves them.
    await sql`UPDATE experiences SET title = 'Renamed' WHERE org_id = ${org.id} AND id = ${shared.id}`.execute(db)
    assert.ok((await checkStored()).has(fay.id))
  })

  test('a write queues its account; the server\'s settler, or a read of the account, scores it (migration 0017)', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const account = await post(app, org.rep, '/api/v1/accounts', { name: 'Queue Co' })
    const ada = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Ada', accountId: account.id, influence: 4 })
    await post(app, org.rep, '/api/v1/relationships', { stakeholderId: ada.id, cadenceDays: 30, importance: 4 })
    const queued = async () => (await db.selectFrom('account_score_queue').select('account_id').where('org_id', '=', org.id).execute()).map((r) => r.account_id)
    const stored = async () => (await db.selectFrom('account_scores').select('score').where('org_id', '=', org.id).where('account_id', '=', account.id).executeTakeFirst())?.score
    const adaScore = async () => (await db.selectFrom('stakeholder_scores').select('score').where('org_id', '=', org.id).where('stakeholder_id', '=', ada.id).executeTakeFirstOrThrow()).score
    const log = (payload: Record<string, unknown>) => post(app, org.rep, '/api/v1/experiences', { occurredAt: new Date(Date.now() - 2 * DAY).toISOString(), kind: 'help', depth: 'meaningful', stakeholderIds: [ada.id], ...payload })

    await log({ valence: 2, direction: 'we_gave' })
    assert.ok((await adaScore()) > 0)
    assert.deepEqual(await queued(), [account.id])
    assert.equal(await stored(), undefined)
    const problems: string[] = []
    const stop = startAccountSettler(db, (msg) => problems.push(msg))
    const started = Date.now()
    while ((await queued()).length > 0 && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 50))
    await stop()
    assert.deepEqual(problems, [])
    assert.deepEqual(await queued(), [])
    assert.equal(await stored(), await adaScore())

    await log({ kind: 'complaint', valence: -2 })
    assert.deepEqual(await queued(), [account.id])
    const read = (await call(app, org.rep, { method: 'GET', url: `/api/v1/accounts/${account.id}` })).json()
    assert.deepEqual(await queued(), [])
    assert.equal(read.trust.score, await adaScore())
    assert.equal(await stored(), await adaScore())
  })

  test('a score goes with its relationship or stakeholder (migration 0018)', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const ada = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Ada' })
    const bob = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Bob' })
    const ofAda = await post(app, org.rep, '/api/v1/relationships', { stakeholderId: ada.id, cadenceDays: 30, importance: 3 })
    const ofBob = await post(app, org.rep, '/api/v1/relationships', { stakeholderId: bob.id, cadenceDays: 30, importance: 3 })
    const scores = async () => ({
      relationships: (await db.selectFrom('relationship_scores').select('relationship_id').where('org_id', '=', org.id).orderBy('relationship_id').execute()).map((r) => r.relationship_id),
      stakeholders: (await db.selectFrom('stakeholder_scores').select('stakeholder_id').where('org_id', '=', org.id).orderBy('stakeholder_id').execute()).map((r) => r.stakeholder_id),
    })
    assert.deepEqual(await scores(), { relationships: [ofAda.id, ofBob.id].sort(), stakeholders: [ada.id, bob.id].sort() })
    await sql`DELETE FROM relationships WHERE org_id = ${org.id} AND id = ${ofAda.id}`.execute(db)
    await sql`DELETE FROM stakeholders WHERE org_id = ${org.id} AND id = ${ada.id}`.execute(db)
    assert.deepEqual(await scores(), { relationships: [ofBob.id], stakeholders: [bob.id] })
    await sql`DELETE FROM organisations WHERE id = ${org.id}`.execute(db)
    assert.deepEqual(await scores(), { relationships: [], stakeholders: [] })
  })

  test('the histories are read page by page, every stakeholder with experiences once', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW })
    const { app, db } = env
    const org = await makeOrg(db)
    await buildHistory(app, org)
    // A temporary table read by key on PostgreSQL, a cursor on PGlite: one transaction throughout.
    const readAll = (pageSize: number) => db.transaction().execute(async (trx) => {
      const reader = await openHistories(trx, org.id, new Date(), (work) => work(trx))
      const pages: number[] = []
      const all: { stakeholder_id: string; history: Uint8Array }[] = []
      // At most 10 pages: a reader that repeats itself fails here rather than running forever.
      for (let rows = await reader.fetch(pageSize); rows.length > 0 && pages.length < 10; rows = await reader.fetch(pageSize)) {
        pages.push(rows.length)
        all.push(...rows)
      }
      await reader.close()
      return { pages, histories: all.map((r) => parseHistory(r.stakeholder_id, r.history)).sort((a, b) => (a.stakeholderId < b.stakeholderId ? -1 : 1)) }
    })
    const paged = await readAll(2)
    const whole = await readAll(1000)
    assert.deepEqual(whole.pages, [5], 'every stakeholder has an experience that is not archived')
    assert.deepEqual(paged.pages, [2, 2, 1])
    assert.deepEqual(paged.histories, whole.histories)
    assert.equal(new Set(paged.histories.map((h) => h.stakeholderId)).size, 5)
    assert.equal(paged.histories.reduce((n, h) => n + h.experiences.length, 0), 14, 'each experience once per stakeholder it has')
  })

  test('concurrent writes to one account leave the scores a rebuild gives (each refresh waits for the others)', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW })
    const { app, db } = env
    const org = await makeOrg(db)
    const account = await post(app, org.rep, '/api/v1/accounts', { name: 'Busy' })
    const people: { id: string }[] = []
    for (let i = 0; i < 6; i++) {
      const person = await post(app, org.rep, '/api/v1/stakeholders', { name: `Person ${i}`, accountId: account.id, influence: 1 + (i % 5) })
      await post(app, org.rep, '/api/v1/relationships', { stakeholderId: person.id, cadenceDays: 30, importance: 1 + ((i * 2) % 5) })
      people.push(person)
    }
    // Every write refreshes its stakeholder and the account, which reads the other stakeholders'
    // stored scores: without the per-account lock, a refresh reads them before a concurrent one
    // commits and the account's score misses it.
    await Promise.all(people.flatMap((person, i) => [1, 2].map((n) => post(app, org.rep, '/api/v1/experiences', {
      occurredAt: new Date(NOW - (i + n) * DAY).toISOString(), kind: 'help', valence: 2 - ((i + n) % 3), stakeholderIds: [person.id],
    }))))
    const incremental = await storedScores(db, org.id)
    assert.equal(incremental.accounts.find((a) => a.account_id === account.id)?.stakeholder_count, 6)
    await recomputeOrganisation(db, org.id, new Date())
    assert.deepEqual(await storedScores(db, org.id), incremental)
  })

  test('a rebuild keeps the scores that a write stored after the rebuild started', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW })
    const { app, db } = env
    const org = await makeOrg(db)
    const [fay, gus] = [await post(app, org.rep, '/api/v1/stakeholders', { name: 'Fay' }), await post(app, org.rep, '/api/v1/stakeholders', { name: 'Gus' })]
    for (const s of [fay, gus]) await post(app, org.rep, '/api/v1/relationships', { stakeholderId: s.id, cadenceDays: 30, importance: 3 })
    const help = (stakeholderId: string) => post(app, org.rep, '/api/v1/experiences', { occurredAt: new Date(NOW - DAY).toISOString(), kind: 'help', valence: 2, stakeholderIds: [stakeholderId] })
    await help(fay.id)
    t.mock.timers.tick(60_000)
    const started = new Date()
    t.mock.timers.tick(60_000)
    await help(gus.id) // while the rebuild that started a minute ago runs
    const gusBefore = await db.selectFrom('stakeholder_scores').selectAll().where('stakeholder_id', '=', gus.id).executeTakeFirstOrThrow()

    await recomputeOrganisation(db, org.id, started)
    const computedAt = async (stakeholderId: string) => (await db.selectFrom('stakeholder_scores').select('computed_at').where('stakeholder_id', '=', stakeholderId).executeTakeFirstOrThrow()).computed_at.getTime()
    assert.equal(await computedAt(fay.id), started.getTime())
    assert.deepEqual(await db.selectFrom('stakeholder_scores').selectAll().where('stakeholder_id', '=', gus.id).executeTakeFirstOrThrow(), gusBefore)
    assert.equal(gusBefore.computed_at.getTime(), NOW + 120_000)
  })
})
