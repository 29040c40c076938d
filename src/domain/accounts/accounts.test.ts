import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv } from '../../../test/helpers.ts'

const env = useTestEnv()

describe('accounts API', () => {
  test('creates, reads, updates, archives and restores an account', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const created = await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Globex', domains: ['Globex.COM'], tier: 'strategic' } })
    assert.equal(created.statusCode, 201, created.body)
    const account = created.json()
    assert.equal(account.name, 'Globex')
    assert.deepEqual(account.domains, ['globex.com'])
    assert.equal(account.ownerId, org.rep.id)

    const patched = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/accounts/${account.id}`, payload: { status: 'at_risk', industry: 'Energy' } })
    assert.equal(patched.statusCode, 200)
    assert.equal(patched.json().status, 'at_risk')

    const archived = await call(app, org.rep, { method: 'POST', url: `/api/v1/accounts/${account.id}/archive` })
    assert.notEqual(archived.json().archivedAt, null)
    const list = await call(app, org.rep, { method: 'GET', url: '/api/v1/accounts' })
    assert.equal(list.json().items.length, 0)
    const withArchived = await call(app, org.rep, { method: 'GET', url: '/api/v1/accounts?includeArchived=true' })
    assert.equal(withArchived.json().items.length, 1)
    const restored = await call(app, org.rep, { method: 'POST', url: `/api/v1/accounts/${account.id}/restore` })
    assert.equal(restored.json().archivedAt, null)

    const audit = await call(app, org.admin, { method: 'GET', url: `/api/v1/audit?entityId=${account.id}` })
    assert.deepEqual(audit.json().items.map((e: { action: string }) => e.action), ['account.restored', 'account.archived', 'account.updated', 'account.created'])
    assert.equal(audit.json().items[2].before.status, 'active')
    assert.equal(audit.json().items[2].after.status, 'at_risk')
  })

  test('reports every invalid field of a new account', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const res = await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: '', tier: 'gold', domains: ['not a domain'], colour: 'red' } })
    assertProblem(res, 400, ['#/name', '#/tier', '#/domains/0', '#/colour'])
  })

  test('lists with search, filters, sort and cursor pagination', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    for (const [name, tier] of [['Alpha', 'key'], ['beta', 'standard'], ['Gamma', 'key'], ['Delta Alpha', 'strategic'], ['epsilon', 'key']]) {
      await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name, tier } })
    }
    const page1 = await call(app, org.rep, { method: 'GET', url: '/api/v1/accounts?limit=2' })
    assert.deepEqual(page1.json().items.map((a: { name: string }) => a.name), ['Alpha', 'beta'])
    const page2 = await call(app, org.rep, { method: 'GET', url: `/api/v1/accounts?limit=2&cursor=${page1.json().nextCursor}` })
    assert.deepEqual(page2.json().items.map((a: { name: string }) => a.name), ['Delta Alpha', 'epsilon'])
    const page3 = await call(app, org.rep, { method: 'GET', url: `/api/v1/accounts?limit=2&cursor=${page2.json().nextCursor}` })
    assert.deepEqual(page3.json().items.map((a: { name: string }) => a.name), ['Gamma'])
    assert.equal(page3.json().nextCursor, null)
    const desc = await call(app, org.rep, { method: 'GET', url: '/api/v1/accounts?sort=-name&tier=key' })
    assert.deepEqual(desc.json().items.map((a: { name: string }) => a.name), ['Gamma', 'epsilon', 'Alpha'])
    const search = await call(app, org.rep, { method: 'GET', url: '/api/v1/accounts?q=alph' })
    assert.deepEqual(search.json().items.map((a: { name: string }) => a.name), ['Alpha', 'Delta Alpha'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/accounts?cursor=garbage&sort=size' }), 400, ['sort'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/accounts?cursor=garbage' }), 400, ['cursor'])
  })

  test('an owner from another organisation is an invalid reference', async () => {
    const { app, db } = env
    const [a, b] = [await makeOrg(db), await makeOrg(db)]
    const res = await call(app, a.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'X', ownerId: b.rep.id } })
    assertProblem(res, 422, ['#/ownerId'])
  })

  test('analysts cannot read individual accounts; callers without credentials get 401', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    assertProblem(await call(app, org.analyst, { method: 'GET', url: '/api/v1/accounts' }), 403)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/accounts' }), 401)
  })

  test('answers 404 for an account of another organisation', async (t) => {
    const { app, db } = env
    const [a, b] = [await makeOrg(db), await makeOrg(db)]
    const id = (await call(app, a.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Private' } })).json().id
    await expectTenantIsolation(app, b.admin, [
      { method: 'GET', url: `/api/v1/accounts/${id}` },
      { method: 'PATCH', url: `/api/v1/accounts/${id}`, payload: { name: 'Stolen' } },
      { method: 'POST', url: `/api/v1/accounts/${id}/archive` },
      { method: 'POST', url: `/api/v1/accounts/${id}/restore` },
    ], t)
    const list = await call(app, b.admin, { method: 'GET', url: '/api/v1/accounts' })
    assert.equal(list.json().items.length, 0)
  })

  test('the overview gives the account page in one call', async (t) => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const account = (await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Initech', ownerId: org.manager.id } })).json()
    const cfo = (await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Bill Lumbergh', accountId: account.id, influence: 5 } })).json()
    const analyst = (await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Peter Gibbons', accountId: account.id, influence: 2 } })).json()
    await call(app, org.rep, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: cfo.id, cadenceDays: 14 } })
    const exp = await call(app, org.rep, { method: 'POST', url: '/api/v1/experiences', payload: { occurredAt: new Date().toISOString(), kind: 'meeting', valence: 1, stakeholderIds: [cfo.id] } })
    assert.equal(exp.statusCode, 201, exp.body)
    const res = await call(app, org.rep, { method: 'GET', url: `/api/v1/accounts/${account.id}/overview` })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.equal(body.account.name, 'Initech')
    assert.deepEqual(body.stakeholders.map((s: { id: string }) => s.id), [cfo.id, analyst.id])
    assert.equal(body.relationships.length, 1)
    assert.equal(body.recentExperiences[0].accountId, account.id)
    assert.deepEqual(body.people.map((u: { id: string }) => u.id).sort(), [org.manager.id, org.rep.id].sort())
    await expectTenantIsolation(app, other.rep, [{ method: 'GET', url: `/api/v1/accounts/${account.id}/overview` }], t)
  })
})
