import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv, type TestOrg } from '../../../test/helpers.ts'
import type { App } from '../../http/app.ts'

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
