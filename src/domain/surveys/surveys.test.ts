import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, makeUser, useTestEnv } from '../../../test/helpers.ts'
import { answer, makeCustomer, post, sendAndLink } from '../../../test/surveys.ts'

const env = useTestEnv()

describe('surveys API', () => {
  test('an NPS survey end to end: send, answer, results with interval, experience, follow-up closed', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const [ann, bo, cy] = [await makeCustomer(app, org, 'Ann'), await makeCustomer(app, org, 'Bo'), await makeCustomer(app, org, 'Cy', org.manager)]
    const survey = await post(app, org.rep, '/api/v1/surveys', { name: 'Q4 NPS', kind: 'nps', reminderDays: 5 })
    assert.deepEqual([survey.kind, survey.audience, survey.recipientCount], ['nps', 'stakeholders', 0])
    assert.match(survey.question, /recommend/)

    const [tAnn, tBo, tCy] = await sendAndLink(app, org.rep, survey.id, [ann.stakeholderId, bo.stakeholderId, cy.stakeholderId])
    const again = await post(app, org.rep, `/api/v1/surveys/${survey.id}/send`, { stakeholderIds: [ann.stakeholderId] }, 200)
    assert.deepEqual([again.added.length, again.alreadyInvited], [0, [ann.stakeholderId]])
    const jobs = await db.selectFrom('jobs').select(['kind', 'dedupe_key']).where('org_id', '=', org.id).orderBy('kind').orderBy('dedupe_key').execute()
    assert.equal(jobs.filter((j) => j.kind === 'survey.invite').length, 3)
    assert.equal(jobs.filter((j) => j.kind === 'survey.reminder').length, 3)

    assert.equal((await answer(app, tAnn!, { score: 10, comment: 'Great team' })).statusCode, 201)
    assert.equal((await answer(app, tBo!, { score: 7 })).statusCode, 201)
    assert.equal((await answer(app, tCy!, { score: 6, comment: '<script>alert(1)</script> slow' })).statusCode, 201)

    const results = (await call(app, org.analyst, { method: 'GET', url: `/api/v1/surveys/${survey.id}/results` })).json()
    // 1 promoter, 1 passive, 1 detractor → NPS 0; adjusted Wald: n' = 6, p' = d' = 1.75/6, var = 0.5833, se = 0.3118 → ±61.1
    assert.deepEqual([results.overall.n, results.overall.score, results.overall.counts], [3, 0, { promoters: 1, passives: 1, detractors: 1 }])
    assert.ok(Math.abs(results.overall.ci.high - 61.12) < 0.05, String(results.overall.ci.high))
    assert.equal(results.trend.length, 1)
    assert.equal(results.groups.length, 3)

    const detractors = (await call(app, org.rep, { method: 'GET', url: `/api/v1/surveys/${survey.id}/responses?category=detractor` })).json()
    assert.equal(detractors.items.length, 1)
    assert.equal(detractors.items[0].comment, '<script>alert(1)</script> slow')
    assert.equal(detractors.items[0].stakeholderId, cy.stakeholderId)

    // Each NPS answer is an experience for the trust engine; the detractor's is negative.
    const exps = (await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences?stakeholderId=${cy.stakeholderId}` })).json().items
    assert.deepEqual(exps.map((e: { valence: number; direction: string; kind: string; source: string }) => [e.valence, e.direction, e.kind, e.source]), [[-1, 'they_gave', 'survey_answer', 'survey']])
    const annExp = (await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences?stakeholderId=${ann.stakeholderId}` })).json().items
    assert.deepEqual(annExp.map((e: { valence: number }) => e.valence), [2])

    // The detractor opened a follow-up for the account's owner (the manager), due in 3 days.
    const mine = (await call(app, org.manager, { method: 'GET', url: '/api/v1/follow-ups?ownerId=me' })).json().items
    assert.equal(mine.length, 1)
    assert.deepEqual([mine[0].ownerId, mine[0].score, mine[0].accountId, mine[0].isOverdue], [org.manager.id, 6, cy.accountId, false])
    assert.ok(Math.abs(Date.parse(mine[0].dueAt) - Date.now() - 3 * 86_400_000) < 60_000)
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/follow-ups?ownerId=me' })).json().items.length, 0)
    assert.equal((await call(app, org.admin, { method: 'GET', url: '/api/v1/follow-ups?subtreeOf=me' })).json().items.length, 1)
    assert.equal((await call(app, org.rep, { method: 'GET', url: `/api/v1/follow-ups?subtreeOf=${org.rep.id}` })).json().items.length, 0)

    assertProblem(await call(app, org.manager, { method: 'POST', url: `/api/v1/follow-ups/${mine[0].id}/close`, payload: { resolution: '' } }), 400, ['#/resolution'])
    assertProblem(await call(app, org.manager, { method: 'POST', url: `/api/v1/follow-ups/${mine[0].id}/close`, payload: {} }), 400, ['#/resolution'])
    const closed = await post(app, org.manager, `/api/v1/follow-ups/${mine[0].id}/close`, { resolution: 'Called Cy, agreed a faster release plan' }, 200)
    assert.deepEqual([closed.resolution, closed.closedBy], ['Called Cy, agreed a faster release plan', org.manager.id])
    assertProblem(await call(app, org.manager, { method: 'POST', url: `/api/v1/follow-ups/${mine[0].id}/close`, payload: { resolution: 'again' } }), 409)
    assert.equal((await call(app, org.manager, { method: 'GET', url: '/api/v1/follow-ups?status=closed' })).json().items.length, 1)
    assert.equal((await call(app, org.manager, { method: 'GET', url: '/api/v1/follow-ups' })).json().items.length, 0)

    const across = (await call(app, org.analyst, { method: 'GET', url: '/api/v1/survey-results?kind=nps&groupBy=owner' })).json()
    assert.deepEqual(across.groups.map((g: { key: string; stats: { n: number; score: number } }) => [g.key, g.stats.n, g.stats.score]).sort(), [[org.manager.id, 1, -100], [org.rep.id, 2, 50]].sort())
    const team = (await call(app, org.analyst, { method: 'GET', url: `/api/v1/survey-results?kind=nps&groupBy=team&teamOf=${org.manager.id}` })).json()
    assert.deepEqual(team.groups.map((g: { key: string; stats: { n: number } }) => [g.key, g.stats.n]), [[org.manager.id, 3]])
    assert.equal(team.overall.n, 3)
  })

  test('CSAT with a custom question; a dissatisfied answer opens a follow-up', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const ann = await makeCustomer(app, org, 'Ann')
    const survey = await post(app, org.rep, '/api/v1/surveys', {
      name: 'Onboarding', kind: 'csat', questions: [{ id: 'speed', label: 'Speed', type: 'scale', min: 1, max: 5, required: true }, { id: 'channel', label: 'Channel', type: 'choice', options: ['Phone', 'Mail'] }],
    })
    const [token] = await sendAndLink(app, org.rep, survey.id, [ann.stakeholderId])
    assertProblem(await answer(app, token!, { score: 2 }), 400, ['#/answers/speed'])
    assertProblem(await answer(app, token!, { score: 2, answers: { speed: 9, channel: 'Fax', other: 'x' } }), 400, ['#/answers/speed', '#/answers/channel', '#/answers/other'])
    assert.equal((await answer(app, token!, { score: 2, answers: { speed: 1, channel: 'Phone' } })).statusCode, 201)
    const res = (await call(app, org.rep, { method: 'GET', url: `/api/v1/surveys/${survey.id}/responses` })).json().items
    assert.deepEqual([res[0].score, res[0].category, res[0].answers], [2, 'dissatisfied', { speed: 1, channel: 'Phone' }])
    assert.ok(res[0].followUpId)
    const results = (await call(app, org.rep, { method: 'GET', url: `/api/v1/surveys/${survey.id}/results` })).json()
    assert.deepEqual([results.overall.n, results.overall.score, results.overall.basis], [1, 0, 'single_answer'])
    assert.deepEqual(results.questions.map((x: { id: string; n: number; mean: number | null; counts: unknown }) => [x.id, x.n, x.mean, x.counts]), [['speed', 1, 1, null], ['channel', 1, null, { Phone: 1, Mail: 0 }]])
  })

  test('ESAT: staff only, anonymous, hidden below five answers', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const staff = [org.rep, ...(await Promise.all([1, 2, 3, 4].map((i) => makeUser(db, org.id, 'rep', org.manager.id, `Rep ${i}`))))]
    const survey = await post(app, org.admin, '/api/v1/surveys', { name: 'Pulse', kind: 'esat' })
    assert.equal(survey.audience, 'staff')
    assertProblem(await call(app, org.admin, { method: 'POST', url: `/api/v1/surveys/${survey.id}/send`, payload: { stakeholderIds: [org.rep.id] } }), 400, ['#/stakeholderIds'])
    const sent = await post(app, org.admin, `/api/v1/surveys/${survey.id}/send`, { userIds: staff.map((u) => u.id) }, 200)
    assert.equal(sent.added.length, 5)
    // Staff links are never shown to anyone: they go by e-mail only.
    assertProblem(await call(app, org.admin, { method: 'POST', url: `/api/v1/surveys/${survey.id}/recipients/${sent.added[0].id}/link` }), 403)

    // Answer through the e-mail job's link path: make links the way the job does.
    const { issueLink } = await import('./service.ts')
    const tokens = await Promise.all(sent.added.map(async (r: { id: string }) => (await issueLink(db, org.id, r.id, 30, 'http://tend.test')).url.split('/s/')[1]!))
    const scores = [5, 4, 4, 2, 5]
    for (let i = 0; i < 4; i++) assert.equal((await answer(app, tokens[i]!, { score: scores[i], comment: `c${i}` })).statusCode, 201)

    const four = (await call(app, org.manager, { method: 'GET', url: `/api/v1/surveys/${survey.id}/results` })).json()
    assert.deepEqual([four.overall.n, four.overall.score, four.overall.basis], [null, null, 'suppressed'])
    assert.deepEqual((await call(app, org.manager, { method: 'GET', url: `/api/v1/surveys/${survey.id}/responses` })).json(), { items: [], hidden: true })

    assert.equal((await answer(app, tokens[4]!, { score: scores[4] })).statusCode, 201)
    const five = (await call(app, org.manager, { method: 'GET', url: `/api/v1/surveys/${survey.id}/results` })).json()
    assert.deepEqual([five.overall.n, five.overall.score], [5, 80])
    const listed = (await call(app, org.manager, { method: 'GET', url: `/api/v1/surveys/${survey.id}/responses` })).json().items
    assert.deepEqual(listed.map((r: { score: number }) => r.score), [2, 4, 4, 5, 5])
    assert.ok(listed.every((r: { stakeholderId: null; submittedAt: null; ownerId: null }) => r.stakeholderId === null && r.submittedAt === null && r.ownerId === null))
    const recipients = (await call(app, org.admin, { method: 'GET', url: `/api/v1/surveys/${survey.id}/recipients` })).json().items
    assert.ok(recipients.every((r: { respondedAt: null }) => r.respondedAt === null))
    const row = await db.selectFrom('survey_responses').select(['recipient_id', 'team_manager_id']).where('survey_id', '=', survey.id).execute()
    assert.ok(row.every((r) => r.recipient_id === null && r.team_manager_id === org.manager.id))
    // Team of the manager: all five; no team below the threshold is shown.
    const teams = (await call(app, org.analyst, { method: 'GET', url: '/api/v1/survey-results?kind=esat&groupBy=team' })).json()
    assert.deepEqual(teams.groups.map((g: { key: string; stats: { n: number } }) => [g.key, g.stats.n]).sort(), [[org.admin.id, 5], [org.manager.id, 5]].sort())
  })

  test('reports invalid surveys and sends', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/surveys', payload: { kind: 'xyz', reminderDays: 0 } }), 400, ['#/name', '#/kind', '#/reminderDays'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/surveys', payload: { name: 'C', kind: 'custom' } }), 400, ['#/questions'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/surveys', payload: { name: 'N', kind: 'nps', audience: 'staff' } }), 400, ['#/audience'])
    const survey = await post(app, org.rep, '/api/v1/surveys', { name: 'N', kind: 'nps' })
    const other = await makeOrg(db)
    const theirs = await makeCustomer(app, other, 'Zed')
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/surveys/${survey.id}/send`, payload: { stakeholderIds: [theirs.stakeholderId] } }), 422, ['#/stakeholderIds/0'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/surveys/${survey.id}/send`, payload: {} }), 400, ['#'])
  })

  test('roles: analysts read aggregates only; nobody without credentials', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const survey = await post(app, org.rep, '/api/v1/surveys', { name: 'N', kind: 'nps' })
    assertProblem(await call(app, org.analyst, { method: 'POST', url: '/api/v1/surveys', payload: { name: 'N', kind: 'nps' } }), 403)
    assertProblem(await call(app, org.analyst, { method: 'GET', url: `/api/v1/surveys/${survey.id}/responses` }), 403)
    assertProblem(await call(app, org.analyst, { method: 'GET', url: '/api/v1/follow-ups' }), 403)
    assertProblem(await call(app, org.analyst, { method: 'POST', url: `/api/v1/surveys/${survey.id}/send`, payload: { stakeholderIds: [survey.id] } }), 403)
    assert.equal((await call(app, org.analyst, { method: 'GET', url: `/api/v1/surveys/${survey.id}/results` })).statusCode, 200)
    assert.equal((await call(app, org.analyst, { method: 'GET', url: '/api/v1/surveys' })).statusCode, 200)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/surveys' }), 401)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/follow-ups' }), 401)
  })

  test('answers 404 for another organisation\'s surveys and follow-ups and never counts them', async (t) => {
    const { app, db } = env
    const [a, b] = [await makeOrg(db), await makeOrg(db)]
    const ann = await makeCustomer(app, a, 'Ann')
    const survey = await post(app, a.rep, '/api/v1/surveys', { name: 'N', kind: 'nps' })
    const [token] = await sendAndLink(app, a.rep, survey.id, [ann.stakeholderId])
    await answer(app, token!, { score: 1 })
    const [followUp] = (await call(app, a.admin, { method: 'GET', url: '/api/v1/follow-ups' })).json().items
    const recipient = (await call(app, a.rep, { method: 'GET', url: `/api/v1/surveys/${survey.id}/recipients` })).json().items[0]
    await expectTenantIsolation(app, b.admin, [
      { method: 'GET', url: `/api/v1/surveys/${survey.id}` },
      { method: 'POST', url: `/api/v1/surveys/${survey.id}/close` },
      { method: 'POST', url: `/api/v1/surveys/${survey.id}/send`, payload: { stakeholderIds: [ann.stakeholderId] } },
      { method: 'GET', url: `/api/v1/surveys/${survey.id}/recipients` },
      { method: 'POST', url: `/api/v1/surveys/${survey.id}/recipients/${recipient.id}/link` },
      { method: 'GET', url: `/api/v1/surveys/${survey.id}/results` },
      { method: 'GET', url: `/api/v1/surveys/${survey.id}/responses` },
      { method: 'GET', url: `/api/v1/follow-ups/${followUp.id}` },
      { method: 'PATCH', url: `/api/v1/follow-ups/${followUp.id}`, payload: { dueAt: new Date().toISOString() } },
      { method: 'POST', url: `/api/v1/follow-ups/${followUp.id}/close`, payload: { resolution: 'x' } },
    ], t)
    assert.deepEqual((await call(app, b.admin, { method: 'GET', url: '/api/v1/surveys' })).json().items, [])
    assert.deepEqual((await call(app, b.admin, { method: 'GET', url: '/api/v1/follow-ups' })).json().items, [])
    assert.equal((await call(app, b.admin, { method: 'GET', url: `/api/v1/survey-results?kind=nps&surveyId=${survey.id}` })).json().overall.n, 0)
  })
})
