import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv, type TestUser } from '../../../test/helpers.ts'

const env = useTestEnv()

async function post(as: TestUser, url: string, payload: unknown) {
  const res = await call(env.app, as, { method: 'POST', url, payload })
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString()

describe('who knows whom', () => {
  test('ranks our people by strength, with last contact and experience counts', async (t) => {
    const org = await makeOrg(env.db)
    const ann = await post(org.rep, '/api/v1/stakeholders', { name: 'Ann', emails: ['ann+x@acme.example'] })
    // The rep: a relationship and three meaningful, recent experiences. The manager: one old routine call, no relationship.
    await post(org.rep, '/api/v1/relationships', { stakeholderId: ann.id })
    for (const d of [20, 10, 2]) await post(org.rep, '/api/v1/experiences', { kind: 'meeting', occurredAt: daysAgo(d), stakeholderIds: [ann.id], depth: 'meaningful', valence: 2 })
    await post(org.manager, '/api/v1/experiences', { kind: 'call', occurredAt: daysAgo(200), stakeholderIds: [ann.id] })

    const res = await call(env.app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${ann.id}/connections` })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.equal(body.stakeholderName, 'Ann')
    assert.deepEqual(body.people.map((p: { userId: string }) => p.userId), [org.rep.id, org.manager.id])
    const [rep, manager] = body.people
    assert.equal(rep.experienceCount, 3)
    assert.equal(rep.experienceKinds.meeting, 3)
    assert.ok(rep.relationshipId)
    assert.ok(rep.strength > manager.strength, `${rep.strength} > ${manager.strength}`)
    assert.equal(manager.relationshipId, null)
    assert.equal(manager.experienceCount, 1)
    assert.equal(manager.lastContactAt.slice(0, 10), daysAgo(200).slice(0, 10))

    const other = await makeOrg(env.db)
    await expectTenantIsolation(env.app, other.rep, [{ method: 'GET', url: `/api/v1/stakeholders/${ann.id}/connections` }], t)
    assertProblem(await call(env.app, org.analyst, { method: 'GET', url: `/api/v1/stakeholders/${ann.id}/connections` }), 403)
    assertProblem(await call(env.app, undefined, { method: 'GET', url: `/api/v1/stakeholders/${ann.id}/connections` }), 401)
  })
})
