import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv, type TestOrg } from '../../../test/helpers.ts'
import { sql } from 'kysely'
import { encodeEntries } from '../../../test/trust-arbitraries.ts'
import type { App } from '../../http/app.ts'
import { DEPTHS, DIRECTIONS, EXPERIENCE_KINDS, INITIATORS, SOURCES, type TrustExperience } from './model.ts'
import { parseHistory } from './scoring.ts'

const env = useTestEnv()
const DAY = 86_400_000

async function setUp(app: App, org: TestOrg, cadenceDays = 30) {
  const account = (await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Acme' } })).json()
  const stakeholder = (await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Ada Lovelace', accountId: account.id, influence: 5, goals: 'Cut month-end close to 3 days' } })).json()
  const rel = await call(app, org.rep, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: stakeholder.id, cadenceDays, importance: 5 } })
  assert.equal(rel.statusCode, 201, rel.body)
  return { account, stakeholder, relationship: rel.json() }
}

function logExperience(app: App, org: TestOrg, stakeholderId: string, daysAgo: number, extra: Record<string, unknown> = {}) {
  return call(app, org.rep, { method: 'POST', url: '/api/v1/experiences', payload: { occurredAt: new Date(Date.now() - daysAgo * DAY).toISOString(), kind: 'meeting', valence: 1, depth: 'meaningful', stakeholderIds: [stakeholderId], ...extra } })
}

describe('trust engine API', () => {
  test('logging an experience updates the relationship, stakeholder and account scores at once', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { account, stakeholder, relationship } = await setUp(app, org)
    const before = (await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships/${relationship.id}` })).json()
    assert.equal(before.trust.score, 0)
    assert.equal(before.trust.isCold, true)
    assert.equal((await logExperience(app, org, stakeholder.id, 2, { kind: 'help', direction: 'we_gave', valence: 2 })).statusCode, 201)
    const after = (await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships/${relationship.id}` })).json()
    assert.ok(after.trust.score > 0, `score ${after.trust.score}`)
    assert.equal(after.trust.isCold, false)
    assert.equal(after.trust.daysSinceMeaningful, 2)
    const acc = (await call(app, org.rep, { method: 'GET', url: `/api/v1/accounts/${account.id}` })).json()
    assert.equal(acc.trust.score, after.trust.score)
    const st = (await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${stakeholder.id}/trust` })).json()
    assert.equal(st.score, after.trust.score)
    assert.equal(st.relationships[0].relationshipId, relationship.id)
  })

  test('an incident lowers the score, repair raises it again, archiving an experience removes it', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { stakeholder, relationship } = await setUp(app, org)
    for (const d of [200, 170, 140, 110]) await logExperience(app, org, stakeholder.id, d)
    const scoreOf = async () => (await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships/${relationship.id}/trust` })).json().score as number
    const warm = await scoreOf()
    const incident = (await logExperience(app, org, stakeholder.id, 80, { kind: 'service_failure', valence: -2, depth: 'routine' })).json()
    const hurt = await scoreOf()
    assert.ok(hurt < warm, `${hurt} < ${warm}`)
    for (const d of [60, 40, 20, 5]) await logExperience(app, org, stakeholder.id, d, { kind: 'help', direction: 'we_gave', valence: 2 })
    const repaired = await scoreOf()
    assert.ok(repaired > hurt, `${repaired} > ${hurt}`)
    await call(app, org.rep, { method: 'POST', url: `/api/v1/experiences/${incident.id}/archive` })
    assert.ok((await scoreOf()) > repaired)
  })

  test('explains the score by its experiences and computes it as of a past date', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { stakeholder, relationship } = await setUp(app, org)
    const old = (await logExperience(app, org, stakeholder.id, 100, { title: 'Kick-off' })).json()
    const recent = (await logExperience(app, org, stakeholder.id, 3, { kind: 'introduction', direction: 'we_gave', valence: 2, title: 'Intro to their new auditor' })).json()
    const now = (await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships/${relationship.id}/trust` })).json()
    assert.deepEqual(now.contributions.map((c: { experienceId: string }) => c.experienceId).sort(), [old.id, recent.id].sort())
    assert.equal(now.contributions[0].title, 'Intro to their new auditor')
    assert.equal(now.trend.length, 53)
    assert.equal(now.trend.at(-1).score, now.score)
    const asOf = new Date(Date.now() - 50 * DAY).toISOString()
    const past = (await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships/${relationship.id}/trust?asOf=${asOf}` })).json()
    assert.deepEqual(past.contributions.map((c: { experienceId: string }) => c.experienceId), [old.id])
    const again = (await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships/${relationship.id}/trust?asOf=${asOf}` })).json()
    assert.equal(again.score, past.score)
    assertProblem(await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships/${relationship.id}/trust?asOf=yesterday` }), 400, ['asOf'])
  })

  test('lists cold relationships for the owner and their manager, most important first, with a suggestion', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { stakeholder, relationship } = await setUp(app, org, 14)
    await logExperience(app, org, stakeholder.id, 40)
    const mine = (await call(app, org.rep, { method: 'GET', url: '/api/v1/trust/attention' })).json().items
    assert.equal(mine.length, 1)
    assert.equal(mine[0].relationshipId, relationship.id)
    assert.equal(mine[0].isCold, true)
    assert.equal(mine[0].daysSinceMeaningful, 40)
    assert.match(mine[0].suggestion, /introduction or an insight/)
    const team = (await call(app, org.manager, { method: 'GET', url: '/api/v1/trust/attention?scope=team' })).json().items
    assert.deepEqual(team.map((i: { relationshipId: string }) => i.relationshipId), [relationship.id])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/trust/attention?scope=org' }), 403)
    await logExperience(app, org, stakeholder.id, 1)
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/trust/attention' })).json().items.length, 0)
  })

  test('accounts sort by trust', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const a = await setUp(app, org)
    const b = (await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Zeta' } })).json()
    const bs = (await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Zed', accountId: b.id } })).json()
    await logExperience(app, org, a.stakeholder.id, 5, { valence: 2 })
    await logExperience(app, org, bs.id, 5, { valence: 1, depth: 'routine' })
    const names = (await call(app, org.rep, { method: 'GET', url: '/api/v1/accounts?sort=-trust' })).json().items.map((x: { name: string }) => x.name)
    assert.deepEqual(names, ['Acme', 'Zeta'])
  })

  test('answers 404 for trust of another organisation\'s records', async (t) => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const { account, stakeholder, relationship } = await setUp(app, org)
    await expectTenantIsolation(app, other.admin, [
      { method: 'GET', url: `/api/v1/relationships/${relationship.id}/trust` },
      { method: 'GET', url: `/api/v1/stakeholders/${stakeholder.id}/trust` },
      { method: 'GET', url: `/api/v1/accounts/${account.id}/trust` },
    ], t)
    assert.equal((await call(app, other.admin, { method: 'GET', url: '/api/v1/trust/attention?scope=org' })).json().items.length, 0)
  })
})

describe('trust: the history entry the database builds (tend_trust_entry)', () => {
  test('is the layout parseHistory reads, for every word of the vocabulary, every valence and with or without a user', async () => {
    const { db } = env
    const org = await makeOrg(db)
    const user = org.rep.id
    const experiences: (TrustExperience & { users: string[] })[] = EXPERIENCE_KINDS.map((kind, i) => ({
      id: `5d7e9a10-0000-4000-8000-${String(i).padStart(12, '0')}`,
      // Milliseconds, a time before 1970 and one far ahead: the 64-bit epoch both ways.
      occurredAt: [Date.UTC(2026, 10, 3, 9, 41, 7, 123), Date.UTC(1969, 6, 20, 20, 17, 40, 1), Date.UTC(2100, 0, 1)][i % 3]!,
      kind,
      valence: [null, -2, -1, 0, 1, 2][i % 6]!,
      direction: DIRECTIONS[i % DIRECTIONS.length]!,
      initiator: INITIATORS[i % INITIATORS.length]!,
      depth: DEPTHS[i % DEPTHS.length]!,
      source: SOURCES[i % SOURCES.length]!,
      users: i % 2 === 0 ? [user] : [],
    }))
    // Written as any writer does: the entry's first 28 bytes are the generated column experiences.trust_entry.
    await db.insertInto('experiences').values(experiences.map((e) => ({
      id: e.id, org_id: org.id, occurred_at: new Date(e.occurredAt), kind: e.kind, valence: e.valence, direction: e.direction,
      initiator: e.initiator, depth: e.depth, source: e.source,
    }))).execute()
    const entryOf = async (id: string, userId: string | null) => (await sql<{ entry: Uint8Array }>`SELECT tend_trust_entry(e.trust_entry, ${userId}::uuid) AS entry
      FROM experiences e WHERE e.org_id = ${org.id} AND e.id = ${id}`.execute(db)).rows[0]!.entry
    for (const [i, e] of experiences.entries()) {
      const entry = await entryOf(e.id, e.users[0] ?? null)
      assert.deepEqual(Buffer.from(entry), encodeEntries([e])[0], `entry of experience ${i} (${e.kind})`)
      const { experiences: [parsed], users } = parseHistory('s', entry)
      const { users: expectedUsers, ...fields } = e
      assert.deepEqual(parsed, fields)
      assert.deepEqual(users, [expectedUsers])
    }
    // A kind outside the vocabulary (no CHECK constraint holds it) reads back as an unknown word: weight 1, as any other.
    const odd = '5d7e9a10-0000-4000-8000-0000000000ff'
    await db.insertInto('experiences').values({ id: odd, org_id: org.id, occurred_at: new Date(), kind: 'kind, with; separators' }).execute()
    assert.equal(parseHistory('s', await entryOf(odd, null)).experiences[0]!.kind, '')
    // An edit rewrites the stored part of the entry.
    const edited = { ...experiences[1]!, occurredAt: Date.UTC(2027, 0, 2, 3, 4, 5, 6), kind: 'gift' as const, valence: 2 }
    await db.updateTable('experiences').set({ occurred_at: new Date(edited.occurredAt), kind: edited.kind, valence: edited.valence }).where('org_id', '=', org.id).where('id', '=', edited.id).execute()
    assert.deepEqual(Buffer.from(await entryOf(edited.id, null)), encodeEntries([edited])[0])
  })
})
