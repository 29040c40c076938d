import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { App } from '../../http/app.ts'
import { assertProblem, call, expectTenantIsolation, makeOrg, makeUser, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import { weekStartOf } from './compute.ts'
import { insertResponse } from '../surveys/queries.ts'
import { refreshRecentSnapshots } from './task.ts'

const env = useTestEnv()
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString()

async function post(app: App, as: TestUser, url: string, payload: Record<string, unknown>) {
  const res = await call(app, as, { method: 'POST', url, payload })
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** A rep with one key relationship met 10 days ago and one ordinary relationship never met. */
async function seed(app: App, rep: TestUser) {
  const account = await post(app, rep, '/api/v1/accounts', { name: 'Globex', tier: 'strategic' })
  const ann = await post(app, rep, '/api/v1/stakeholders', { name: 'Ann', accountId: account.id, influence: 5 })
  const bo = await post(app, rep, '/api/v1/stakeholders', { name: 'Bo', accountId: account.id })
  const key = await post(app, rep, '/api/v1/relationships', { stakeholderId: ann.id, importance: 5, cadenceDays: 30 })
  await post(app, rep, '/api/v1/relationships', { stakeholderId: bo.id, importance: 2, cadenceDays: 30 })
  await post(app, rep, '/api/v1/experiences', { occurredAt: daysAgo(10), kind: 'meal', valence: 2, direction: 'we_gave', depth: 'personal', stakeholderIds: [ann.id] })
  await post(app, rep, '/api/v1/outcomes/revenue', { accountId: account.id, bookedOn: daysAgo(0).slice(0, 10), amount: 1200, currency: 'USD' })
  return { account, ann, bo, key }
}

describe('KPIs, reviews and programmes API', () => {
  test('rebuilds weekly snapshots and serves them per scope, as JSON and CSV', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { account } = await seed(app, org.rep)
    assertProblem(await call(app, org.manager, { method: 'POST', url: '/api/v1/kpis/snapshots/rebuild', payload: {} }), 403)
    const rebuilt = await call(app, org.admin, { method: 'POST', url: '/api/v1/kpis/snapshots/rebuild', payload: {} })
    assert.equal(rebuilt.statusCode, 200, rebuilt.body)
    assert.ok(rebuilt.json().weeks >= 2)
    const series = (await call(app, org.analyst, { method: 'GET', url: '/api/v1/kpis/series' })).json()
    const last = series.points.at(-1)
    assert.equal(last.weekStart, weekStartOf(Date.now()))
    assert.deepEqual([last.relationships, last.keyRelationships, last.keyCovered, last.coverage, last.coldCount], [2, 1, 1, 1, 1])
    assert.deepEqual(last.revenue, { USD: 1200 })
    assert.equal(last.nps, null)
    assert.match(series.notes.join(' '), /answers submitted in each week/)
    const teamOfManager = (await call(app, org.manager, { method: 'GET', url: `/api/v1/kpis/series?scope=team&id=${org.manager.id}` })).json()
    assert.equal(teamOfManager.points.at(-1).relationships, 2)
    const tier = (await call(app, org.rep, { method: 'GET', url: '/api/v1/kpis/series?scope=tier&id=strategic' })).json()
    assert.equal(tier.points.at(-1).relationships, 2)
    const acc = (await call(app, org.rep, { method: 'GET', url: `/api/v1/kpis/series?scope=account&id=${account.id}` })).json()
    assert.ok(acc.points.at(-1).trustAvg > 0)
    const byUser = (await call(app, org.manager, { method: 'GET', url: '/api/v1/kpis/breakdown?by=user' })).json()
    assert.deepEqual(byUser.items.map((i: { scopeId: string }) => i.scopeId).sort(), [org.manager.id, org.rep.id].sort())
    const csv = await call(app, org.analyst, { method: 'GET', url: '/api/v1/kpis/series?format=csv' })
    assert.match(String(csv.headers['content-type']), /^text\/csv/)
    assert.equal(csv.body.trim().split('\n').length, series.points.length + 1)

    // Roles: analysts see aggregates only; a rep sees their own figures, not their manager's.
    assertProblem(await call(app, org.analyst, { method: 'GET', url: `/api/v1/kpis/series?scope=user&id=${org.rep.id}` }), 403)
    assertProblem(await call(app, org.analyst, { method: 'GET', url: '/api/v1/kpis/breakdown?by=user' }), 403)
    assertProblem(await call(app, org.rep, { method: 'GET', url: `/api/v1/kpis/series?scope=user&id=${org.manager.id}` }), 403)
    assert.equal((await call(app, org.rep, { method: 'GET', url: `/api/v1/kpis/series?scope=user&id=${org.rep.id}` })).statusCode, 200)
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/kpis/series?scope=tier&id=gold' }), 400, ['id'])
    const other = await makeOrg(db)
    await expectTenantIsolation(app, other.admin, [
      { method: 'GET', url: `/api/v1/kpis/series?scope=user&id=${org.rep.id}` },
      { method: 'GET', url: `/api/v1/kpis/series?scope=team&id=${org.manager.id}` },
      { method: 'GET', url: `/api/v1/kpis/series?scope=account&id=${account.id}` },
      { method: 'GET', url: `/api/v1/reviews/prep/${org.rep.id}` },
    ])
    assert.equal((await call(app, other.analyst, { method: 'GET', url: '/api/v1/kpis/series' })).json().points.length, 0)
  })

  test('keeps the reporting-line history when someone moves team', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const manager2 = await makeUser(db, org.id, 'manager', org.admin.id)
    const moved = await call(app, org.admin, { method: 'PATCH', url: `/api/v1/users/${org.rep.id}`, payload: { managerId: manager2.id } })
    assert.equal(moved.statusCode, 200, moved.body)
    const lines = await db.selectFrom('reporting_lines').select(['manager_id', 'valid_to']).where('org_id', '=', org.id).where('user_id', '=', org.rep.id).orderBy('valid_from').execute()
    assert.deepEqual(lines.map((l) => [l.manager_id, l.valid_to === null]), [[org.manager.id, false], [manager2.id, true]])
  })

  test('an account keeps its tier and owner history: past weeks stay in the tier it had then', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { account } = await seed(app, org.rep)
    await call(app, org.rep, { method: 'PATCH', url: `/api/v1/accounts/${account.id}`, payload: { tier: 'key' } })
    const before = await db.selectFrom('account_history').select(['tier', 'owner_id', 'valid_to']).where('org_id', '=', org.id).where('account_id', '=', account.id).orderBy('valid_from').execute()
    assert.deepEqual(before.map((l) => [l.tier, l.owner_id, l.valid_to === null]), [['strategic', org.rep.id, false], ['key', org.rep.id, true]])
    // Backdate the change to the start of this week: the weeks before it were strategic, this week is key.
    const thisWeek = new Date(`${weekStartOf(Date.now())}T00:00:00Z`)
    await db.updateTable('account_history').set({ valid_from: new Date(Date.now() - 60 * 86_400_000), valid_to: thisWeek }).where('org_id', '=', org.id).where('account_id', '=', account.id).where('valid_to', 'is not', null).execute()
    await db.updateTable('account_history').set({ valid_from: thisWeek }).where('org_id', '=', org.id).where('account_id', '=', account.id).where('valid_to', 'is', null).execute()
    // A change of owner opens a new line too; changing something else does not.
    await call(app, org.admin, { method: 'PATCH', url: `/api/v1/accounts/${account.id}`, payload: { ownerId: org.manager.id } })
    await call(app, org.admin, { method: 'PATCH', url: `/api/v1/accounts/${account.id}`, payload: { notes: 'no history for this' } })
    const lines = await db.selectFrom('account_history').select(['tier', 'owner_id']).where('org_id', '=', org.id).where('account_id', '=', account.id).orderBy('valid_from').execute()
    assert.deepEqual(lines.map((l) => [l.tier, l.owner_id]), [['strategic', org.rep.id], ['key', org.rep.id], ['key', org.manager.id]])

    assert.equal((await call(app, org.admin, { method: 'POST', url: '/api/v1/kpis/snapshots/rebuild', payload: {} })).statusCode, 200)
    const weeks = async (tier: string) => (await call(app, org.analyst, { method: 'GET', url: `/api/v1/kpis/series?scope=tier&id=${tier}` })).json().points
      .filter((p: { relationships: number }) => p.relationships > 0).map((p: { weekStart: string }) => p.weekStart)
    const strategic = await weeks('strategic')
    assert.ok(strategic.length >= 1, 'the weeks before the change')
    assert.ok(strategic.every((w: string) => w < weekStartOf(Date.now())))
    assert.deepEqual(await weeks('key'), [weekStartOf(Date.now())])
    // This week's revenue counts for the owner of the account now, the manager, not the rep.
    const revenueOf = async (id: string) => (await call(app, org.admin, { method: 'GET', url: `/api/v1/kpis/series?scope=user&id=${id}` })).json().points.at(-1)?.revenue
    assert.deepEqual(await revenueOf(org.manager.id), { USD: 1200 })
    assert.deepEqual(await revenueOf(org.rep.id), {})
  })

  test('ROI payload states n, interval and what it cannot prove', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const roi = await call(app, org.analyst, { method: 'GET', url: '/api/v1/kpis/roi?months=6' })
    assert.equal(roi.statusCode, 200, roi.body)
    assert.equal(roi.json().correlations[0].n, 0)
    assert.match(roi.json().interpretation[0], /Not enough data/)
    assert.match(roi.json().interpretation.join(' '), /not proof/)
    // The same numbers are described in the OpenAPI document.
    const openapi = (await call(app, undefined, { method: 'GET', url: '/api/v1/openapi.json' })).json()
    for (const path of ['/api/v1/kpis/series', '/api/v1/kpis/breakdown', '/api/v1/kpis/roi', '/api/v1/outcomes', '/api/v1/reviews/prep/{reportId}', '/api/v1/programmes/{programmeId}/progress']) assert.ok(openapi.paths[path], path)
  })

  test('a review carries open commitments forward until done', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { ann } = await seed(app, org.rep)
    const plan = await post(app, org.rep, '/api/v1/plans', { stakeholderId: ann.id, title: 'Ann in 2026' })
    await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'introduction', title: 'Introduce Ann to our CFO', dueOn: daysAgo(3).slice(0, 10) })
    await post(app, org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'insight', title: 'Send the benchmark', dueOn: daysAgo(-3).slice(0, 10) })
    const prep = (await call(app, org.manager, { method: 'GET', url: `/api/v1/reviews/prep/${org.rep.id}` })).json()
    assert.deepEqual(prep.keyRelationships.map((r: { stakeholderName: string }) => r.stakeholderName), ['Ann'])
    assert.deepEqual(prep.cold.map((r: { stakeholderName: string }) => r.stakeholderName), ['Bo'])
    assert.deepEqual(prep.overduePlanActivities.map((a: { title: string }) => a.title), ['Introduce Ann to our CFO'])
    assert.deepEqual(prep.openFollowUps, [])
    const first = await call(app, org.manager, { method: 'POST', url: '/api/v1/reviews', payload: { reportId: org.rep.id, heldOn: '2026-01-05', notes: 'Bo has gone quiet', commitments: [{ ownerId: org.rep.id, text: 'Call Bo', dueOn: '2026-01-12' }, { ownerId: org.manager.id, text: 'Introduce Ann to our CTO' }] } })
    assert.equal(first.statusCode, 201, first.body)
    const [callBo, intro] = first.json().commitments
    assert.equal(callBo.overdue, true)
    const carried = (await call(app, org.manager, { method: 'GET', url: `/api/v1/reviews/prep/${org.rep.id}` })).json()
    assert.deepEqual(carried.openCommitments.map((c: { text: string }) => c.text), ['Call Bo', 'Introduce Ann to our CTO'])
    assert.equal(carried.lastReview.notes, 'Bo has gone quiet')
    const second = await call(app, org.manager, { method: 'POST', url: '/api/v1/reviews', payload: { reportId: org.rep.id, heldOn: '2026-01-19', completedCommitmentIds: [callBo.id] } })
    assert.equal(second.statusCode, 201, second.body)
    const open = (await call(app, org.manager, { method: 'GET', url: `/api/v1/reviews/prep/${org.rep.id}` })).json().openCommitments
    assert.deepEqual(open.map((c: { id: string }) => c.id), [intro.id])
    const done = await call(app, org.manager, { method: 'PATCH', url: `/api/v1/reviews/commitments/${intro.id}`, payload: { done: true } })
    assert.notEqual(done.json().doneAt, null)
    const list = (await call(app, org.admin, { method: 'GET', url: `/api/v1/reviews?reportId=${org.rep.id}` })).json().items
    assert.deepEqual(list.map((r: { heldOn: string }) => r.heldOn), ['2026-01-19', '2026-01-05'])

    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/reviews', payload: { reportId: org.manager.id, heldOn: '2026-01-05' } }), 403)
    assertProblem(await call(app, org.manager, { method: 'POST', url: '/api/v1/reviews', payload: { reportId: org.manager.id, heldOn: '2026-01-05' } }), 403)
    assertProblem(await call(app, org.analyst, { method: 'GET', url: `/api/v1/reviews/prep/${org.rep.id}` }), 403)
    assertProblem(await call(app, org.manager, { method: 'POST', url: '/api/v1/reviews', payload: { reportId: org.rep.id, heldOn: '2026-01-26', completedCommitmentIds: [callBo.id] } }), 422, ['#/completedCommitmentIds/0'])
    const other = await makeOrg(db)
    await expectTenantIsolation(app, other.admin, [
      { method: 'PATCH', url: `/api/v1/reviews/commitments/${intro.id}`, payload: { done: false } },
      { method: 'GET', url: `/api/v1/reviews?reportId=${org.rep.id}` },
    ])
  })

  test('a programme compares its cohort with its baseline and with everyone else', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    await seed(app, org.rep)
    await call(app, org.admin, { method: 'POST', url: '/api/v1/kpis/snapshots/rebuild', payload: {} })
    const startedOn = weekStartOf(Date.now())
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/programmes', payload: { name: 'Trust 101', startedOn, userIds: [org.rep.id] } }), 403)
    const created = await call(app, org.manager, { method: 'POST', url: '/api/v1/programmes', payload: { name: 'Trust 101', startedOn, userIds: [org.rep.id] } })
    assert.equal(created.statusCode, 201, created.body)
    const progress = (await call(app, org.analyst, { method: 'GET', url: `/api/v1/programmes/${created.json().id}/progress` })).json()
    assert.equal(progress.baselineWeek, weekStartOf(Date.now() - 7 * 86_400_000), JSON.stringify(progress))
    assert.equal(progress.baseline?.cohort.users, 1, JSON.stringify(progress))
    assert.equal(progress.baseline.others.users, 3)
    const latest = progress.weeks.at(-1)
    assert.deepEqual([latest.cohort.users, latest.cohort.coverage, latest.cohort.coldPerUser], [1, 1, 1])
    assert.deepEqual(progress.latestVsBaseline.cohort.coverage, 0)
    // Analysts see the aggregates only: how many are enrolled, not who (nor their ids), in the list and in the progress.
    assert.deepEqual(progress.programme, { id: created.json().id, name: 'Trust 101', startedOn, memberCount: 1 })
    const listed = (await call(app, org.analyst, { method: 'GET', url: '/api/v1/programmes' })).json().items
    assert.deepEqual(listed, [{ id: created.json().id, name: 'Trust 101', startedOn, memberCount: 1 }])
    const csv = await call(app, org.analyst, { method: 'GET', url: `/api/v1/programmes/${created.json().id}/progress?format=csv` })
    assert.equal(csv.statusCode, 200)
    assert.ok(!csv.body.includes(org.rep.id) && !csv.body.includes('Test rep'))
    // Managers and admins, who run programmes, see who is in them.
    const managerView = (await call(app, org.manager, { method: 'GET', url: `/api/v1/programmes/${created.json().id}/progress` })).json()
    assert.deepEqual(managerView.programme.members.map((m: { userId: string }) => m.userId), [org.rep.id])
    assert.deepEqual((await call(app, org.admin, { method: 'GET', url: '/api/v1/programmes' })).json().items[0].members.map((m: { name: string }) => m.name), ['Test rep'])
    const other = await makeOrg(db)
    assertProblem(await call(app, other.manager, { method: 'POST', url: '/api/v1/programmes', payload: { name: 'x', startedOn, userIds: [org.rep.id] } }), 422, ['#/userIds/0'])
    assert.deepEqual((await call(app, other.analyst, { method: 'GET', url: '/api/v1/programmes' })).json().items, [])
    assert.deepEqual((await call(app, other.admin, { method: 'GET', url: '/api/v1/programmes' })).json().items, [])
    await expectTenantIsolation(app, other.analyst, [{ method: 'GET', url: `/api/v1/programmes/${created.json().id}/progress` }])
    await expectTenantIsolation(app, other.admin, [
      { method: 'GET', url: `/api/v1/programmes/${created.json().id}/progress` },
      { method: 'POST', url: `/api/v1/programmes/${created.json().id}/members`, payload: { userIds: [other.rep.id] } },
    ])
  })
})

describe('KPI snapshots kept current by the job runner', () => {
  test('the periodic task rebuilds the last two weeks, idempotently', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    await seed(app, org.rep)
    const count = () => db.selectFrom('kpi_snapshots').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', org.id).executeTakeFirstOrThrow()
    assert.equal((await count()).n, 0)
    await refreshRecentSnapshots(db, new Date())
    const first = (await count()).n
    assert.ok(first > 0)
    await refreshRecentSnapshots(db, new Date())
    assert.equal((await count()).n, first)
    const latest = await db.selectFrom('kpi_snapshots').select(['week_start', 'key_relationships']).where('org_id', '=', org.id).where('scope_type', '=', 'org').orderBy('week_start', 'desc').executeTakeFirstOrThrow()
    assert.equal(latest.key_relationships, 1, 'Ann is the one key relationship')
  })})

describe('voice of the customer in the KPIs', () => {
  test('NPS, CSAT and ESAT per week in each scope from the survey answers; ESAT never per person, hidden under 5', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { account, ann } = await seed(app, org.rep)
    const other = await post(app, org.admin, '/api/v1/accounts', { name: 'Initech', tier: 'standard' })
    const npsSurvey = await post(app, org.admin, '/api/v1/surveys', { name: 'NPS', kind: 'nps' })
    const csatSurvey = await post(app, org.admin, '/api/v1/surveys', { name: 'CSAT', kind: 'csat' })
    const esatSurvey = await post(app, org.admin, '/api/v1/surveys', { name: 'ESAT', kind: 'esat' })
    const thisWeek = weekStartOf(Date.now())
    const at = new Date(`${thisWeek}T12:00:00Z`)
    const answer = (survey: { id: string; kind: string }, score: number, accountId: string | null, ownerId: string | null, teamManagerId: string | null = null) =>
      insertResponse(db, org.id, { survey_id: survey.id, kind: survey.kind, recipient_id: null, stakeholder_id: accountId ? ann.id : null, account_id: accountId, owner_id: ownerId, team_manager_id: teamManagerId, score, comment: null, answers: {}, submitted_at: at })
    // Globex (the rep's, strategic): a promoter and a detractor; Initech (the admin's): a promoter.
    await answer(npsSurvey, 10, account.id, org.rep.id)
    await answer(npsSurvey, 3, account.id, org.rep.id)
    await answer(npsSurvey, 9, other.id, org.admin.id)
    await answer(csatSurvey, 5, account.id, org.rep.id)
    await answer(csatSurvey, 2, account.id, org.rep.id)
    // Three staff answers in the manager's team: under 5, so hidden.
    for (const score of [5, 4, 1]) await answer(esatSurvey, score, null, null, org.manager.id)
    assert.equal((await call(app, org.admin, { method: 'POST', url: '/api/v1/kpis/snapshots/rebuild', payload: {} })).statusCode, 200)
    const week = async (as: TestUser, query: string) => {
      const res = await call(app, as, { method: 'GET', url: `/api/v1/kpis/series?${query}` })
      assert.equal(res.statusCode, 200, res.body)
      return res.json().points.find((p: { weekStart: string }) => p.weekStart === thisWeek)
    }
    const whole = await week(org.analyst, 'scope=org')
    assert.deepEqual([whole.nps.n, Math.round(whole.nps.score * 10) / 10], [3, 33.3])
    assert.deepEqual([whole.csat.n, whole.csat.score], [2, 50])
    assert.deepEqual([whole.esat.n, whole.esat.basis], [null, 'suppressed'], 'three staff answers stay hidden')
    const upTo = await week(org.analyst, `scope=org&from=${thisWeek}&to=${thisWeek}`)
    assert.deepEqual([upTo.nps.n, upTo.csat.n], [3, 2], 'a range ending in a week counts that whole week')
    const globex = await week(org.rep, `scope=account&id=${account.id}`)
    assert.deepEqual([globex.nps.n, globex.nps.score], [2, 0])
    assert.equal(globex.esat, null, 'no ESAT per account')
    const strategic = await week(org.analyst, 'scope=tier&id=strategic')
    assert.equal(strategic.nps.n, 2)
    const rep = await week(org.rep, `scope=user&id=${org.rep.id}`)
    assert.deepEqual([rep.nps.n, rep.csat.n, rep.esat], [2, 2, null])
    const lastWeek = (await call(app, org.analyst, { method: 'GET', url: '/api/v1/kpis/series' })).json().points.find((p: { weekStart: string }) => p.weekStart < thisWeek)
    assert.equal(lastWeek?.nps ?? null, null, 'weeks without answers have none')
    const csv = (await call(app, org.analyst, { method: 'GET', url: '/api/v1/kpis/series?format=csv' })).body
    assert.match(csv, /nps,nps_answers,csat,csat_answers,esat,esat_answers/)
    assert.match(csv, /,33\.3,3,50,2,,/)
  })
})
