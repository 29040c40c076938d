import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, makeUser, useTestEnv, type TestOrg, type TestUser } from '../../../test/helpers.ts'
import type { App } from '../../http/app.ts'

const env = useTestEnv()

async function createStakeholder(app: App, as: TestUser, payload: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await call(app, as, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Someone', ...payload } })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

async function createRelationship(app: App, as: TestUser, payload: Record<string, unknown>) {
  const res = await call(app, as, { method: 'POST', url: '/api/v1/relationships', payload })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

/** The org from makeOrg plus a second rep under the same manager and a second manager with their own rep. */
async function makeTeams(org: TestOrg) {
  const { db } = env
  const peer = await makeUser(db, org.id, 'rep', org.manager.id)
  const otherManager = await makeUser(db, org.id, 'manager', org.admin.id)
  const otherRep = await makeUser(db, org.id, 'rep', otherManager.id)
  return { peer, otherManager, otherRep }
}

const ids = (res: { json: () => { items: { id: string }[] } }) => res.json().items.map((r) => r.id)

describe('relationships API', () => {
  test('a rep creates, reads, updates, archives and restores their own relationship', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const account = (await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Acme Bank' } })).json()
    const s = await createStakeholder(app, org.rep, { name: 'Ada Lovelace', accountId: account.id })
    const rel = await createRelationship(app, org.rep, { stakeholderId: s.id, privateNotes: 'Prefers calls' })
    assert.equal(rel.userId, org.rep.id)
    assert.equal(rel.stakeholderId, s.id)
    assert.deepEqual([rel.userName, rel.stakeholderName, rel.accountId, rel.accountName], ['Test rep', 'Ada Lovelace', account.id, 'Acme Bank'])
    assert.deepEqual([rel.importance, rel.cadenceDays, rel.targetStrength], [3, 30, 70])
    assert.equal(rel.privateNotes, 'Prefers calls')
    assert.equal(rel.canSeePrivateNotes, true)

    const read = await call(app, org.rep, { method: 'GET', url: `/api/v1/relationships/${rel.id}` })
    assert.equal(read.statusCode, 200)
    assert.deepEqual([read.json().id, read.json().userId, read.json().privateNotes, read.json().createdAt], [rel.id, org.rep.id, 'Prefers calls', rel.createdAt])
    const patched = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/relationships/${rel.id}`, payload: { cadenceDays: 14, importance: 5, privateNotes: null } })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.deepEqual([patched.json().cadenceDays, patched.json().importance, patched.json().privateNotes], [14, 5, null])

    assert.notEqual((await call(app, org.rep, { method: 'POST', url: `/api/v1/relationships/${rel.id}/archive` })).json().archivedAt, null)
    assert.deepEqual(ids(await call(app, org.rep, { method: 'GET', url: '/api/v1/relationships' })), [])
    assert.deepEqual(ids(await call(app, org.rep, { method: 'GET', url: '/api/v1/relationships?includeArchived=true' })), [rel.id])
    assert.equal((await call(app, org.rep, { method: 'POST', url: `/api/v1/relationships/${rel.id}/restore` })).json().archivedAt, null)
    assert.deepEqual(ids(await call(app, org.rep, { method: 'GET', url: '/api/v1/relationships' })), [rel.id])

    const audit = await call(app, org.admin, { method: 'GET', url: `/api/v1/audit?entityId=${rel.id}` })
    assert.deepEqual(audit.json().items.map((e: { action: string }) => e.action), ['relationship.restored', 'relationship.archived', 'relationship.updated', 'relationship.created'])
  })

  test('reports every invalid field of a new relationship, an update and a list query', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const bad = await call(app, org.rep, {
      method: 'POST', url: '/api/v1/relationships',
      payload: { stakeholderId: 'x', userId: 42, importance: 0, cadenceDays: 400, targetStrength: 101, privateNotes: 5, colour: 'red' },
    })
    assertProblem(bad, 400, ['#/stakeholderId', '#/userId', '#/importance', '#/cadenceDays', '#/targetStrength', '#/privateNotes', '#/colour'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/relationships', payload: {} }), 400, ['#/stakeholderId'])

    const rel = await createRelationship(app, org.rep, { stakeholderId: (await createStakeholder(app, org.rep)).id })
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/relationships/${rel.id}`, payload: { cadenceDays: 0, userId: org.manager.id } }), 400, ['#/cadenceDays', '#/userId'])
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/relationships/${rel.id}`, payload: {} }), 400, ['#'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/relationships?subtreeOf=you&limit=5000&userId=1&sort=name' }), 400, ['subtreeOf', 'limit', 'userId', 'sort'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/relationships/123' }), 400, ['relationshipId'])

    const gone = await createStakeholder(app, org.rep, { name: 'Has left' })
    assert.equal((await call(app, org.rep, { method: 'POST', url: `/api/v1/stakeholders/${gone.id}/archive` })).statusCode, 200)
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: gone.id } }), 422, ['#/stakeholderId'])
  })

  test('a rep works on their own relationships only; a manager on their subtree; an admin on anyone', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { peer, otherManager, otherRep } = await makeTeams(org)
    const s = await createStakeholder(app, org.rep)

    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: s.id, userId: peer.id } }), 403)
    const forRep = await createRelationship(app, org.manager, { stakeholderId: s.id, userId: org.rep.id })
    assert.equal(forRep.userId, org.rep.id)
    await createRelationship(app, org.manager, { stakeholderId: s.id, userId: peer.id })
    assertProblem(await call(app, org.manager, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: s.id, userId: otherRep.id } }), 403)
    assertProblem(await call(app, org.manager, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: s.id, userId: otherManager.id } }), 403)
    assert.equal((await createRelationship(app, org.admin, { stakeholderId: s.id, userId: otherRep.id })).userId, otherRep.id)

    assertProblem(await call(app, peer, { method: 'PATCH', url: `/api/v1/relationships/${forRep.id}`, payload: { importance: 1 } }), 403)
    assertProblem(await call(app, peer, { method: 'POST', url: `/api/v1/relationships/${forRep.id}/archive` }), 403)
    assertProblem(await call(app, otherManager, { method: 'PATCH', url: `/api/v1/relationships/${forRep.id}`, payload: { importance: 1 } }), 403)
    assert.equal((await call(app, org.manager, { method: 'PATCH', url: `/api/v1/relationships/${forRep.id}`, payload: { importance: 1 } })).json().importance, 1)
    assert.equal((await call(app, org.admin, { method: 'PATCH', url: `/api/v1/relationships/${forRep.id}`, payload: { importance: 2 } })).json().importance, 2)
  })

  test('private notes are shown to the owner, their managers and admins only', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { peer, otherManager } = await makeTeams(org)
    const rel = await createRelationship(app, org.rep, { stakeholderId: (await createStakeholder(app, org.rep)).id, privateNotes: 'Going through a divorce' })
    for (const [who, canSee] of [[org.rep, true], [org.manager, true], [org.admin, true], [peer, false], [otherManager, false]] as const) {
      const one = (await call(app, who, { method: 'GET', url: `/api/v1/relationships/${rel.id}` })).json()
      assert.equal(one.canSeePrivateNotes, canSee, who.role)
      assert.equal(one.privateNotes, canSee ? 'Going through a divorce' : null, who.role)
      const listed = (await call(app, who, { method: 'GET', url: '/api/v1/relationships' })).json().items[0]
      assert.equal(listed.privateNotes, canSee ? 'Going through a divorce' : null, who.role)
    }
  })

  test('lists by subtree, user, stakeholder and account, paged by cursor', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { peer, otherRep } = await makeTeams(org)
    const account = (await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Vandelay' } })).json()
    const art = await createStakeholder(app, org.rep, { name: 'Art', accountId: account.id })
    const bob = await createStakeholder(app, org.rep, { name: 'Bob' })
    const mine = await createRelationship(app, org.manager, { stakeholderId: art.id })
    const reps = await createRelationship(app, org.rep, { stakeholderId: art.id })
    const peers = await createRelationship(app, peer, { stakeholderId: bob.id })
    const others = await createRelationship(app, otherRep, { stakeholderId: bob.id })
    const list = async (query: string, as = org.manager) => ids(await call(app, as, { method: 'GET', url: `/api/v1/relationships?${query}` }))

    assert.deepEqual(await list(''), [mine.id, reps.id, peers.id, others.id])
    assert.deepEqual(await list('subtreeOf=me'), [mine.id, reps.id, peers.id])
    assert.deepEqual(await list('subtreeOf=me', org.rep), [reps.id])
    assert.deepEqual(await list(`subtreeOf=${org.manager.id}`, org.admin), [mine.id, reps.id, peers.id])
    assert.deepEqual(await list(`userId=${peer.id}`), [peers.id])
    assert.deepEqual(await list(`stakeholderId=${bob.id}`), [peers.id, others.id])
    assert.deepEqual(await list(`accountId=${account.id}`), [mine.id, reps.id])

    const page1 = await call(app, org.admin, { method: 'GET', url: '/api/v1/relationships?limit=3' })
    assert.deepEqual(ids(page1), [mine.id, reps.id, peers.id])
    const page2 = await call(app, org.admin, { method: 'GET', url: `/api/v1/relationships?limit=3&cursor=${page1.json().nextCursor}` })
    assert.deepEqual(ids(page2), [others.id])
    assert.equal(page2.json().nextCursor, null)
  })

  test('rejects a duplicate relationship and references into another organisation', async () => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const s = await createStakeholder(app, org.rep)
    await createRelationship(app, org.rep, { stakeholderId: s.id })
    const dup = await call(app, org.rep, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: s.id, cadenceDays: 7 } })
    assertProblem(dup, 409)
    assert.equal(dup.json().code, 'conflict')
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/relationships' })).json().items.length, 1)

    const foreign = await createStakeholder(app, other.rep)
    const badStakeholder = await call(app, org.rep, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: foreign.id } })
    assertProblem(badStakeholder, 422, ['#/stakeholderId'])
    assert.equal(badStakeholder.json().code, 'invalid_reference')
    assertProblem(await call(app, org.admin, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: s.id, userId: other.rep.id } }), 422, ['#/userId'])
  })

  test('answers 404 for a relationship of another organisation and never lists it', async (t) => {
    const { app, db } = env
    const [a, b] = [await makeOrg(db), await makeOrg(db)]
    const s = await createStakeholder(app, a.rep)
    const rel = await createRelationship(app, a.rep, { stakeholderId: s.id, privateNotes: 'secret' })
    await expectTenantIsolation(app, b.admin, [
      { method: 'GET', url: `/api/v1/relationships/${rel.id}` },
      { method: 'PATCH', url: `/api/v1/relationships/${rel.id}`, payload: { importance: 1 } },
      { method: 'POST', url: `/api/v1/relationships/${rel.id}/archive` },
      { method: 'POST', url: `/api/v1/relationships/${rel.id}/restore` },
    ], t)
    for (const query of ['', `?stakeholderId=${s.id}`, `?userId=${a.rep.id}`, `?subtreeOf=${a.admin.id}`, '?includeArchived=true']) {
      assert.deepEqual(ids(await call(app, b.admin, { method: 'GET', url: `/api/v1/relationships${query}` })), [], query)
    }
  })
})
