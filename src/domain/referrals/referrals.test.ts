import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv } from '../../../test/helpers.ts'
import { answer, makeCustomer, sendAndLink } from '../../../test/surveys.ts'

const env = useTestEnv()

describe('referrals API', () => {
  test('who referred whom, the value won, and ambassadors (referrers and promoters)', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const [ann, bo, cy] = [await makeCustomer(app, org, 'Ann'), await makeCustomer(app, org, 'Bo'), await makeCustomer(app, org, 'Cy')]
    const ref = (await call(app, org.rep, { method: 'POST', url: '/api/v1/referrals', payload: { referrerId: ann.stakeholderId, referredAccountId: bo.accountId, value: 12000.5, currency: 'EUR', status: 'won' } })).json()
    assert.deepEqual([ref.referrerName, ref.referredAccountName, ref.value, ref.status], ['Ann', 'Bo Ltd', 12000.5, 'won'])
    const exp = (await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences/${ref.experienceId}` })).json()
    assert.deepEqual([exp.kind, exp.valence, exp.direction, exp.initiator], ['referral', 2, 'they_gave', 'them'])
    const second = (await call(app, org.rep, { method: 'POST', url: '/api/v1/referrals', payload: { referrerId: ann.stakeholderId, referredName: 'Dana at Initech' } })).json()
    const updated = (await call(app, org.rep, { method: 'PATCH', url: `/api/v1/referrals/${second.id}`, payload: { status: 'won', value: 500, currency: 'EUR' } })).json()
    assert.equal(updated.value, 500)

    const survey = (await call(app, org.rep, { method: 'POST', url: '/api/v1/surveys', payload: { name: 'N', kind: 'nps' } })).json()
    const [tCy, tBo] = await sendAndLink(app, org.rep, survey.id, [cy.stakeholderId, bo.stakeholderId])
    await answer(app, tCy!, { score: 9 }, '10.30.0.1')
    await answer(app, tBo!, { score: 8 }, '10.30.0.1')
    const ambassadors = (await call(app, org.rep, { method: 'GET', url: '/api/v1/ambassadors' })).json().items
    assert.deepEqual(ambassadors.map((a: { name: string; referrals: number; wonValue: number; promoterAnswers: number }) => [a.name, a.referrals, a.wonValue, a.promoterAnswers]), [['Ann', 2, 12500.5, 0], ['Cy', 0, 0, 1]])
    assert.equal((await call(app, org.rep, { method: 'GET', url: `/api/v1/referrals?accountId=${ann.accountId}` })).json().items.length, 2)
  })

  test('bad input, roles and tenant isolation', async (t) => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const ann = await makeCustomer(app, org, 'Ann')
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/referrals', payload: { referrerId: ann.stakeholderId } }), 400, ['#/referredName'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/referrals', payload: { referrerId: ann.stakeholderId, referredName: 'x', value: -1, currency: 'euro' } }), 400, ['#/value', '#/currency'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/referrals', payload: { referrerId: ann.stakeholderId, referredStakeholderId: ann.stakeholderId } }), 400, ['#/referredStakeholderId'])
    const zed = await makeCustomer(app, other, 'Zed')
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/referrals', payload: { referrerId: zed.stakeholderId, referredAccountId: zed.accountId } }), 422, ['#/referrerId', '#/referredAccountId'])
    const ref = (await call(app, org.rep, { method: 'POST', url: '/api/v1/referrals', payload: { referrerId: ann.stakeholderId, referredName: 'Dana' } })).json()
    assertProblem(await call(app, org.analyst, { method: 'GET', url: '/api/v1/referrals' }), 403)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/ambassadors' }), 401)
    await expectTenantIsolation(app, other.admin, [
      { method: 'GET', url: `/api/v1/referrals/${ref.id}` },
      { method: 'PATCH', url: `/api/v1/referrals/${ref.id}`, payload: { status: 'lost' } },
    ], t)
    assert.deepEqual((await call(app, other.admin, { method: 'GET', url: '/api/v1/ambassadors' })).json().items, [])
    assert.deepEqual((await call(app, other.admin, { method: 'GET', url: '/api/v1/referrals' })).json().items, [])
  })
})
