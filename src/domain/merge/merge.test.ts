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

describe('merging duplicates', () => {
  test('a merged stakeholder brings experiences, relationships and notes; colliding relationships fold; trust is recomputed', async () => {
    const org = await makeOrg(env.db)
    const acme = await post(org.rep, '/api/v1/accounts', { name: 'Acme' })
    const keep = await post(org.rep, '/api/v1/stakeholders', { name: 'Ann Lee', emails: ['ann@acme.example'], accountId: acme.id, goals: 'Ship Q3' })
    const dup = await post(org.rep, '/api/v1/stakeholders', { name: 'Ann Lee', emails: ['Ann+crm@acme.example', 'ann.lee@home.example'], phones: ['+1 555 0100'], pains: 'Slow support', title: 'CTO' })
    const relKeep = await post(org.rep, '/api/v1/relationships', { stakeholderId: keep.id, importance: 2, cadenceDays: 60, privateNotes: 'Met at the fair' })
    await post(org.rep, '/api/v1/relationships', { stakeholderId: dup.id, importance: 5, cadenceDays: 14, privateNotes: 'Likes cycling' })
    const relManager = await post(org.manager, '/api/v1/relationships', { stakeholderId: dup.id })
    await post(org.rep, '/api/v1/experiences', { kind: 'meeting', occurredAt: daysAgo(3), stakeholderIds: [dup.id], depth: 'meaningful', valence: 2 })
    await post(org.manager, '/api/v1/experiences', { kind: 'call', occurredAt: daysAgo(2), stakeholderIds: [dup.id] })
    await post(org.rep, '/api/v1/experiences', { kind: 'email', occurredAt: daysAgo(1), stakeholderIds: [keep.id, dup.id] })

    const suggestions = (await call(env.app, org.rep, { method: 'GET', url: '/api/v1/merge-suggestions' })).json()
    assert.deepEqual(suggestions.stakeholders.map((p: { keep: { id: string }; merge: { id: string }; reason: string }) => [p.keep.id, p.merge.id, p.reason]), [[keep.id, dup.id, 'same e-mail address ann@acme.example']])

    // Tables of later capabilities follow the merge too (found through their foreign keys).
    await env.db.insertInto('close_people').values({ org_id: org.id, stakeholder_id: dup.id, name: 'Sam Lee', relation: 'child' }).execute()

    const merged = await post(org.rep, `/api/v1/stakeholders/${keep.id}/merge`, { mergeId: dup.id })
    const family = await env.db.selectFrom('close_people').select(['stakeholder_id', 'name']).where('org_id', '=', org.id).execute()
    assert.deepEqual(family, [{ stakeholder_id: keep.id, name: 'Sam Lee' }])
    assert.deepEqual(merged.emails.sort(), ['ann+crm@acme.example', 'ann.lee@home.example', 'ann@acme.example'])
    assert.deepEqual([merged.title, merged.goals, merged.pains, merged.phones], ['CTO', 'Ship Q3', 'Slow support', ['+1 555 0100']])

    const experiences = (await call(env.app, org.rep, { method: 'GET', url: `/api/v1/experiences?stakeholderId=${keep.id}` })).json().items
    assert.equal(experiences.length, 3)
    assert.ok(experiences.every((e: { stakeholderIds: string[] }) => e.stakeholderIds.length === 1 && e.stakeholderIds[0] === keep.id))
    const rels = (await call(env.app, org.admin, { method: 'GET', url: `/api/v1/relationships?stakeholderId=${keep.id}` })).json().items
    assert.equal(rels.length, 2)
    const rep = rels.find((r: { userId: string }) => r.userId === org.rep.id)
    assert.equal(rep.id, relKeep.id)
    assert.deepEqual([rep.importance, rep.cadenceDays], [5, 14])
    assert.match(rep.privateNotes, /Met at the fair[\s\S]*merged from Ann Lee[\s\S]*Likes cycling/)
    assert.ok(rels.some((r: { id: string }) => r.id === relManager.id))
    const scores = await env.db.selectFrom('relationship_scores').select(['relationship_id', 'experience_count']).where('org_id', '=', org.id).execute()
    assert.equal(scores.find((s) => s.relationship_id === relKeep.id)?.experience_count, 2)
    const stakeholderScore = await env.db.selectFrom('stakeholder_scores').select(['stakeholder_id', 'experience_count']).where('org_id', '=', org.id).execute()
    assert.deepEqual(stakeholderScore.map((s) => [s.stakeholder_id, s.experience_count]), [[keep.id, 3]])

    const gone = (await call(env.app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${dup.id}` })).json()
    assert.notEqual(gone.archivedAt, null)
    assert.deepEqual(gone.emails, [])
    const audit = (await call(env.app, org.admin, { method: 'GET', url: `/api/v1/audit?entityId=${keep.id}` })).json().items
    assert.equal(audit[0].action, 'stakeholder.merged')
    assert.equal(audit[0].before.merged.id, dup.id)
    assert.deepEqual(audit[0].before.moved, ['close_people.stakeholder_id'])
    assertProblem(await call(env.app, org.rep, { method: 'POST', url: `/api/v1/stakeholders/${keep.id}/merge`, payload: { mergeId: dup.id } }), 422, ['#/mergeId'])
    assertProblem(await call(env.app, org.rep, { method: 'POST', url: `/api/v1/stakeholders/${keep.id}/merge`, payload: { mergeId: keep.id } }), 422, ['#/mergeId'])
  })

  test('merging accounts moves stakeholders, experiences and domains', async () => {
    const org = await makeOrg(env.db)
    const a = await post(org.rep, '/api/v1/accounts', { name: 'Globex', domains: ['globex.example'] })
    const b = await post(org.rep, '/api/v1/accounts', { name: 'globex', domains: ['globex.example', 'globex-corp.example'], notes: 'From the CRM' })
    const hank = await post(org.rep, '/api/v1/stakeholders', { name: 'Hank', accountId: b.id })
    await post(org.rep, '/api/v1/experiences', { kind: 'meeting', occurredAt: daysAgo(1), stakeholderIds: [hank.id], accountId: b.id })
    const suggestions = (await call(env.app, org.rep, { method: 'GET', url: '/api/v1/merge-suggestions' })).json()
    assert.deepEqual(suggestions.accounts.map((p: { keep: { id: string }; merge: { id: string } }) => [p.keep.id, p.merge.id]), [[a.id, b.id]])
    await env.db.insertInto('relationship_plans').values({ org_id: org.id, account_id: b.id, title: 'Grow Globex', owner_id: org.rep.id }).execute()
    const merged = await post(org.rep, `/api/v1/accounts/${a.id}/merge`, { mergeId: b.id })
    const plans = await env.db.selectFrom('relationship_plans').select('account_id').where('org_id', '=', org.id).execute()
    assert.deepEqual(plans, [{ account_id: a.id }])
    assert.deepEqual(merged.domains.sort(), ['globex-corp.example', 'globex.example'])
    assert.equal(merged.notes, 'From the CRM')
    assert.equal((await call(env.app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${hank.id}` })).json().accountId, a.id)
    assert.equal((await call(env.app, org.rep, { method: 'GET', url: `/api/v1/experiences?accountId=${a.id}` })).json().items.length, 1)
    const score = await env.db.selectFrom('account_scores').select('account_id').where('org_id', '=', org.id).execute()
    assert.deepEqual(score.map((s) => s.account_id), [a.id])
  })

  test('guards: analysts cannot merge or list suggestions; other organisations get 404', async (t) => {
    const org = await makeOrg(env.db)
    const other = await makeOrg(env.db)
    const s1 = await post(org.rep, '/api/v1/stakeholders', { name: 'One' })
    const s2 = await post(org.rep, '/api/v1/stakeholders', { name: 'Two' })
    const a1 = await post(org.rep, '/api/v1/accounts', { name: 'A1' })
    const a2 = await post(org.rep, '/api/v1/accounts', { name: 'A2' })
    assertProblem(await call(env.app, org.analyst, { method: 'POST', url: `/api/v1/stakeholders/${s1.id}/merge`, payload: { mergeId: s2.id } }), 403)
    assertProblem(await call(env.app, org.analyst, { method: 'POST', url: `/api/v1/accounts/${a1.id}/merge`, payload: { mergeId: a2.id } }), 403)
    assertProblem(await call(env.app, org.analyst, { method: 'GET', url: '/api/v1/merge-suggestions' }), 403)
    assertProblem(await call(env.app, undefined, { method: 'GET', url: '/api/v1/merge-suggestions' }), 401)
    await expectTenantIsolation(env.app, other.rep, [
      { method: 'POST', url: `/api/v1/stakeholders/${s1.id}/merge`, payload: { mergeId: s2.id } },
      { method: 'POST', url: `/api/v1/accounts/${a1.id}/merge`, payload: { mergeId: a2.id } },
    ], t)
    // Folding another organisation's record into one's own is a bad reference, never a merge.
    const mine = await post(other.rep, '/api/v1/stakeholders', { name: 'Mine' })
    assertProblem(await call(env.app, other.rep, { method: 'POST', url: `/api/v1/stakeholders/${mine.id}/merge`, payload: { mergeId: s1.id } }), 422, ['#/mergeId'])
    assert.deepEqual((await call(env.app, other.rep, { method: 'GET', url: '/api/v1/merge-suggestions' })).json(), { stakeholders: [], accounts: [] })
  })
})
