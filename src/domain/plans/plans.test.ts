import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import type { App } from '../../http/app.ts'
import { addDays, todayIn } from '../moments/dates.ts'
import { scoreAnswers } from './selfcheck.ts'

const env = useTestEnv()
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString()

async function post(app: App, as: TestUser, url: string, payload: Record<string, unknown> = {}) {
  const res = await call(app, as, { method: 'POST', url, payload })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, `${url}: ${res.body}`)
  return res.json() as { id: string } & Record<string, unknown>
}

describe('relationship plans', () => {
  test('plan, give-activities, done → experience we gave, balance from what happened', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const account = await post(app, org.rep, '/api/v1/accounts', { name: 'Globex' })
    const s = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Hank', accountId: account.id })
    const plan = await post(app, org.rep, '/api/v1/plans', { stakeholderId: s.id, title: 'Make Hank a hero', objectives: ['Launch the EU office', 'Get promoted'] })
    assert.deepEqual(plan.objectives, ['Launch the EU office', 'Get promoted'])
    assert.equal(plan.subjectName, 'Hank')
    assert.deepEqual((plan.balance as { stance: string }).stance, 'none')

    const intro = await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'introduction', title: 'Intro to Berlin landlord', dueOn: addDays(todayIn('UTC'), -3) })
    const insight = await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'insight', title: 'EU hiring benchmark', dueOn: addDays(todayIn('UTC'), 7), ownerId: org.manager.id })
    assert.equal(intro.isOverdue, true)
    assert.equal(insight.isOverdue, false)
    assert.equal(insight.ownerName, 'Test manager')

    // What happened: one ask logged directly, then the introduction is done.
    await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(5), kind: 'call', direction: 'we_asked', title: 'Asked for renewal', stakeholderIds: [s.id] })
    const done = await post(app, org.rep, `/api/v1/plan-activities/${intro.id}/done`, { notes: 'They met on Tuesday' })
    assert.equal(done.status, 'done')
    assert.equal(done.isOverdue, false)
    const exp = (await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences/${done.experienceId}` })).json()
    assert.deepEqual([exp.kind, exp.direction, exp.title, exp.notes, exp.accountId], ['introduction', 'we_gave', 'Intro to Berlin landlord', 'They met on Tuesday', account.id])
    assert.deepEqual(exp.stakeholderIds, [s.id])
    const trust = await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${s.id}/trust` })
    if (trust.statusCode === 200) assert.ok(JSON.stringify(trust.json()).length > 2)
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/plan-activities/${intro.id}/done`, payload: {} }), 409)
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/plan-activities/${intro.id}`, payload: { title: 'x' } }), 422)

    const read = (await call(app, org.rep, { method: 'GET', url: `/api/v1/plans/${plan.id}` })).json()
    assert.deepEqual([read.balance.weGave, read.balance.weAsked, read.balance.giveShare, read.balance.stance], [1, 1, 0.5, 'balanced'])
    await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(1), kind: 'help', direction: 'we_gave', stakeholderIds: [s.id] })
    assert.equal((await call(app, org.rep, { method: 'GET', url: `/api/v1/plans/${plan.id}` })).json().balance.stance, 'giving')
    assert.deepEqual((await call(app, org.rep, { method: 'GET', url: `/api/v1/plans?stakeholderId=${s.id}` })).json().map((p: { id: string }) => p.id), [plan.id])

    // Account plans count experiences of all the account's people; done needs the recipients.
    const accountPlan = await post(app, org.rep, '/api/v1/plans', { accountId: account.id, title: 'Globex partnership' })
    assert.equal((accountPlan.balance as { weGave: number }).weGave, 2)
    const ev = await post(app, org.rep, `/api/v1/plans/${accountPlan.id}/activities`, { kind: 'event', title: 'Invite to summit' })
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/plan-activities/${ev.id}/done`, payload: {} }), 422, ['#/stakeholderIds'])
    const evDone = await post(app, org.rep, `/api/v1/plan-activities/${ev.id}/done`, { stakeholderIds: [s.id] })
    assert.equal((await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences/${evDone.experienceId}` })).json().accountId, account.id)
  })

  test('overdue activities: mine for Today, my subtree for the manager; time zones decide "today"', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const s = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Iris' })
    const plan = await post(app, org.rep, '/api/v1/plans', { stakeholderId: s.id, title: 'Iris plan' })
    const today = todayIn('UTC')
    const late = await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'help', title: 'Fix her report', dueOn: addDays(today, -4) })
    await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'help', title: 'Not yet', dueOn: addDays(today, 4) })
    const cancelled = await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'custom', title: 'Dropped', dueOn: addDays(today, -9) })
    await call(app, org.rep, { method: 'PATCH', url: `/api/v1/plan-activities/${cancelled.id}`, payload: { status: 'cancelled' } })
    const adminLate = await post(app, org.admin, `/api/v1/plans/${plan.id}/activities`, { kind: 'insight', title: 'Admin task', dueOn: addDays(today, -1), ownerId: org.admin.id })

    const mine = (await call(app, org.rep, { method: 'GET', url: '/api/v1/plan-activities/overdue' })).json()
    assert.deepEqual(mine.map((a: { id: string }) => a.id), [late.id])
    assert.deepEqual([mine[0].daysOverdue, mine[0].planTitle, mine[0].subjectName], [4, 'Iris plan', 'Iris'])
    assert.deepEqual((await call(app, org.manager, { method: 'GET', url: '/api/v1/plan-activities/overdue' })).json(), [])
    assert.deepEqual((await call(app, org.manager, { method: 'GET', url: '/api/v1/plan-activities/overdue?scope=team' })).json().map((a: { id: string }) => a.id), [late.id])
    assert.deepEqual((await call(app, org.admin, { method: 'GET', url: '/api/v1/plan-activities/overdue?scope=team' })).json().map((a: { id: string }) => a.id), [late.id, adminLate.id])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/plan-activities/overdue?scope=everyone' }), 400, ['scope'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/plan-activities/overdue?tz=Nowhere/Land' }), 400, ['tz'])
    // Due today (UTC): overdue in a zone where tomorrow has already begun, not in one still on yesterday.
    const dueToday = await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'help', title: 'Due today', dueOn: today })
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const ids = (await call(app, org.rep, { method: 'GET', url: `/api/v1/plan-activities/overdue?tz=${tz}` })).json().map((a: { id: string }) => a.id)
      assert.equal(ids.includes(dueToday.id), today < todayIn(tz), tz)
    }
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/plans/${plan.id}/activities`, payload: { kind: 'gift', title: '', dueOn: '2026-02-30' } }), 400, ['#/kind', '#/title', '#/dueOn'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/plans', payload: { title: 'Both', stakeholderId: s.id, accountId: s.id } }), 422, ['#/accountId'])
  })

  test('self-check: built-in and own questions, scored, trended, compared with trust', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const account = await post(app, org.rep, '/api/v1/accounts', { name: 'Initech' })
    const own = await post(app, org.admin, '/api/v1/self-check/questions', { text: 'Would they take our call at 10 pm?' })
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/self-check/questions', payload: { text: 'Rep question?' } }), 403)
    const questions = (await call(app, org.rep, { method: 'GET', url: '/api/v1/self-check/questions' })).json() as { id: string; isReversed: boolean }[]
    assert.deepEqual(questions.map((q) => q.id), ['interests_at_heart', 'hard_times', 'available_elsewhere', 'their_success', 'ambassador', own.id])
    const url = `/api/v1/accounts/${account.id}/self-checks`
    const empty = (await call(app, org.rep, { method: 'GET', url })).json()
    assert.deepEqual([empty.items, empty.isDue, empty.trend], [[], true, null])

    assertProblem(await call(app, org.rep, { method: 'POST', url, payload: { answers: [{ questionId: 'interests_at_heart', value: 4 }, { questionId: 'bogus', value: 3 }] } }), 422, ['#/answers/1/questionId', '#/answers'])
    assertProblem(await call(app, org.rep, { method: 'POST', url, payload: { answers: [{ questionId: 'interests_at_heart', value: 6 }] } }), 400, ['#/answers/0/value'])
    const answer = (v: number) => ({ answers: questions.map((q) => ({ questionId: q.id, value: v })) })
    const first = await post(app, org.rep, url, answer(3))
    assert.equal(first.score, 50)
    // All 5s: the reversed "available elsewhere" counts 0 → 5 of 6 questions full.
    const second = await post(app, org.rep, url, answer(5))
    assert.equal(second.score, scoreAnswers([...Array(5).fill({ value: 5, isReversed: false }), { value: 5, isReversed: true }]))
    assert.equal(second.score, 83.3)
    const summary = (await call(app, org.rep, { method: 'GET', url })).json()
    assert.deepEqual(summary.items.map((i: { score: number }) => i.score), [50, 83.3])
    assert.equal(summary.trend, 'improving')
    assert.equal(summary.isDue, false)
    assert.equal(summary.nextDueOn, addDays(todayIn('UTC'), 90))
    if (summary.trustScore !== null) assert.equal(summary.gap, Math.round((83.3 - summary.trustScore) * 10) / 10)
    assert.equal((await call(app, org.admin, { method: 'DELETE', url: `/api/v1/self-check/questions/${own.id}` })).statusCode, 204)
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/self-check/questions' })).json().length, 5)
  })

  test('roles and tenant isolation', async (t) => {
    const { app, db } = env
    const org = await makeOrg(db)
    const other = await makeOrg(db)
    const account = await post(app, org.rep, '/api/v1/accounts', { name: 'Umbrella' })
    const s = await post(app, org.rep, '/api/v1/stakeholders', { name: 'Alice', accountId: account.id })
    const plan = await post(app, org.rep, '/api/v1/plans', { stakeholderId: s.id, title: 'P' })
    const a = await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'help', title: 'A' })
    await expectTenantIsolation(app, other.admin, [
      { method: 'GET', url: `/api/v1/plans/${plan.id}` },
      { method: 'PATCH', url: `/api/v1/plans/${plan.id}`, payload: { title: 'x' } },
      { method: 'POST', url: `/api/v1/plans/${plan.id}/archive` },
      { method: 'POST', url: `/api/v1/plans/${plan.id}/activities`, payload: { kind: 'help', title: 'x' } },
      { method: 'PATCH', url: `/api/v1/plan-activities/${a.id}`, payload: { title: 'x' } },
      { method: 'POST', url: `/api/v1/plan-activities/${a.id}/done`, payload: {} },
      { method: 'GET', url: `/api/v1/accounts/${account.id}/self-checks` },
      { method: 'POST', url: `/api/v1/accounts/${account.id}/self-checks`, payload: { answers: [{ questionId: 'ambassador', value: 1 }] } },
    ], t)
    assertProblem(await call(app, other.admin, { method: 'POST', url: '/api/v1/plans', payload: { stakeholderId: s.id, title: 'steal' } }), 422, ['#/stakeholderId'])
    assert.deepEqual((await call(app, other.admin, { method: 'GET', url: `/api/v1/plans?stakeholderId=${s.id}` })).json(), [])
    for (const url of ['/api/v1/plans', `/api/v1/plans/${plan.id}`, '/api/v1/plan-activities/overdue', `/api/v1/accounts/${account.id}/self-checks`]) {
      assertProblem(await call(app, org.analyst, { method: 'GET', url }), 403)
    }
    assert.notEqual((await post(app, org.manager, `/api/v1/plans/${plan.id}/archive`)).archivedAt, null)
    assert.deepEqual((await call(app, org.rep, { method: 'GET', url: '/api/v1/plans' })).json(), [])
  })
})
