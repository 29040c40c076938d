import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv } from '../../../test/helpers.ts'
import { makeCustomer } from '../../../test/surveys.ts'

const env = useTestEnv()
const HOUR = 3_600_000
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR).toISOString()

describe('escalations API', () => {
  test('opened, first response, resolved, against targets; a negative experience; counts and rates', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const ann = await makeCustomer(app, org, 'Ann')
    const bo = await makeCustomer(app, org, 'Bo')
    const open = (payload: Record<string, unknown>) => call(app, org.rep, { method: 'POST', url: '/api/v1/escalations', payload })
    const critical = (await open({ kind: 'escalation', severity: 'critical', accountId: ann.accountId, stakeholderId: ann.stakeholderId, title: 'Outage', openedAt: hoursAgo(10) })).json()
    assert.deepEqual([critical.responseTargetHours, critical.resolutionTargetHours, critical.ownerId, critical.isResponseLate], [4, 48, org.rep.id, true])
    const exp = (await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences/${critical.experienceId}` })).json()
    assert.deepEqual([exp.kind, exp.valence, exp.initiator, exp.stakeholderIds], ['escalation', -2, 'them', [ann.stakeholderId]])

    const complaint = (await open({ kind: 'complaint', severity: 'low', stakeholderId: bo.stakeholderId, title: 'Invoice wrong', openedAt: hoursAgo(5) })).json()
    assert.equal((await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences/${complaint.experienceId}` })).json().valence, -1)
    assert.equal(complaint.accountId, bo.accountId)

    const responded = (await call(app, org.rep, { method: 'POST', url: `/api/v1/escalations/${critical.id}/respond`, payload: { at: hoursAgo(8) } })).json()
    assert.equal(Math.round(responded.responseHours), 2)
    assert.equal(responded.isResponseLate, false)
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/escalations/${critical.id}/respond`, payload: {} }), 409)
    const resolved = (await call(app, org.rep, { method: 'POST', url: `/api/v1/escalations/${critical.id}/resolve`, payload: { resolution: 'Failover fixed', at: hoursAgo(1) } })).json()
    assert.deepEqual([Math.round(resolved.resolutionHours), resolved.isResolutionLate], [9, false])
    const bResolved = (await call(app, org.rep, { method: 'POST', url: `/api/v1/escalations/${complaint.id}/resolve`, payload: { resolution: 'Credit note' } })).json()
    assert.equal(Math.round(bResolved.responseHours), 5)

    const stats = (await call(app, org.analyst, { method: 'GET', url: '/api/v1/escalation-stats' })).json()
    assert.deepEqual([stats.overall.opened, stats.overall.resolved, stats.overall.complaints, stats.activeAccounts, stats.perAccountRate], [2, 2, 1, 2, 1])
    assert.ok(Math.abs(stats.overall.medianResponseHours - 3.5) < 0.01) // (2 + 5) / 2
    assert.deepEqual([stats.overall.responseOnTimeRate, stats.overall.resolutionOnTimeRate], [1, 1])
    assert.equal(stats.byAccount.length, 2)
    assert.equal((await call(app, org.rep, { method: 'GET', url: `/api/v1/escalations?accountId=${ann.accountId}` })).json().items.length, 1)
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/escalations?status=open' })).json().items.length, 0)
  })

  test('bad input, roles and tenant isolation', async (t) => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const ann = await makeCustomer(app, org, 'Ann')
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/escalations', payload: { kind: 'rant', accountId: 'x', title: '' } }), 400, ['#/kind', '#/accountId', '#/title', '#/stakeholderId'])
    const noAccount = (await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Solo' } })).json()
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/escalations', payload: { kind: 'complaint', stakeholderId: noAccount.id, title: 'x' } }), 422, ['#/accountId'])
    const zed = await makeCustomer(app, other, 'Zed')
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/escalations', payload: { kind: 'complaint', accountId: ann.accountId, stakeholderId: zed.stakeholderId, title: 'x' } }), 422, ['#/stakeholderId'])
    const e = (await call(app, org.rep, { method: 'POST', url: '/api/v1/escalations', payload: { kind: 'complaint', accountId: ann.accountId, stakeholderId: ann.stakeholderId, title: 'x', openedAt: hoursAgo(2) } })).json()
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/escalations/${e.id}/resolve`, payload: { resolution: 'x', at: hoursAgo(3) } }), 422, ['#/at'])
    assertProblem(await call(app, org.analyst, { method: 'GET', url: '/api/v1/escalations' }), 403)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/escalation-stats' }), 401)
    await expectTenantIsolation(app, other.admin, [
      { method: 'GET', url: `/api/v1/escalations/${e.id}` },
      { method: 'POST', url: `/api/v1/escalations/${e.id}/respond`, payload: {} },
      { method: 'POST', url: `/api/v1/escalations/${e.id}/resolve`, payload: { resolution: 'x' } },
    ], t)
    assert.equal((await call(app, other.admin, { method: 'GET', url: '/api/v1/escalation-stats' })).json().overall.opened, 0)
  })
})
