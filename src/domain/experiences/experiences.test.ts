import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, makeUser, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import type { App } from '../../http/app.ts'

const env = useTestEnv()
const DAY = 86_400_000
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString()

async function post(app: App, as: TestUser, url: string, payload: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  const res = await call(app, as, { method: 'POST', url, payload })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

/** An account with one stakeholder in it. */
async function makeContact(app: App, as: TestUser, name: string) {
  const account = await post(app, as, '/api/v1/accounts', { name: `${name} Inc` })
  const stakeholder = await post(app, as, '/api/v1/stakeholders', { name, accountId: account.id })
  return { accountId: account.id, stakeholderId: stakeholder.id }
}

const ids = (res: { json: () => { items: { id: string }[] } }) => res.json().items.map((e) => e.id)

describe('experiences API', () => {
  test('logs, reads, updates, archives and restores an experience', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const [ann, bo] = [await makeContact(app, org.rep, 'Ann'), await makeContact(app, org.rep, 'Bo')]
    const exp = await post(app, org.rep, '/api/v1/experiences', {
      occurredAt: daysAgo(2), kind: 'meal', valence: 2, direction: 'we_gave', initiator: 'them', depth: 'personal', title: 'Lunch', notes: 'Talked about sailing',
      stakeholderIds: [ann.stakeholderId, bo.stakeholderId],
    })
    assert.equal(exp.accountId, ann.accountId)
    assert.deepEqual(exp.stakeholderIds, [ann.stakeholderId, bo.stakeholderId].sort())
    assert.deepEqual(exp.userIds, [org.rep.id])
    assert.equal(exp.createdBy, org.rep.id)
    assert.deepEqual([exp.kind, exp.valence, exp.direction, exp.initiator, exp.depth, exp.source, exp.externalId], ['meal', 2, 'we_gave', 'them', 'personal', 'manual', null])

    const read = await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences/${exp.id}` })
    assert.equal(read.statusCode, 200)
    assert.deepEqual([read.json().id, read.json().title, read.json().occurredAt], [exp.id, 'Lunch', exp.occurredAt])

    const patched = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/experiences/${exp.id}`, payload: { stakeholderIds: [bo.stakeholderId], userIds: [org.manager.id, org.rep.id], valence: null } })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.deepEqual(patched.json().stakeholderIds, [bo.stakeholderId])
    assert.deepEqual(patched.json().userIds, [org.manager.id, org.rep.id].sort())
    assert.equal(patched.json().accountId, bo.accountId)
    assert.equal(patched.json().valence, null)
    assert.equal(patched.json().title, 'Lunch')
    const unlinked = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/experiences/${exp.id}`, payload: { accountId: null } })
    assert.equal(unlinked.json().accountId, null)

    assert.notEqual((await call(app, org.rep, { method: 'POST', url: `/api/v1/experiences/${exp.id}/archive` })).json().archivedAt, null)
    assert.deepEqual(ids(await call(app, org.rep, { method: 'GET', url: '/api/v1/experiences' })), [])
    assert.deepEqual(ids(await call(app, org.rep, { method: 'GET', url: '/api/v1/experiences?includeArchived=true' })), [exp.id])
    assert.equal((await call(app, org.rep, { method: 'POST', url: `/api/v1/experiences/${exp.id}/restore` })).json().archivedAt, null)
    assert.deepEqual(ids(await call(app, org.rep, { method: 'GET', url: '/api/v1/experiences' })), [exp.id])

    const audit = await call(app, org.admin, { method: 'GET', url: `/api/v1/audit?entityId=${exp.id}` })
    assert.deepEqual(audit.json().items.map((e: { action: string }) => e.action), ['experience.restored', 'experience.archived', 'experience.updated', 'experience.updated', 'experience.created'])
  })

  test('an explicit account wins over the first stakeholder\'s', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const [ann, bo] = [await makeContact(app, org.rep, 'Ann'), await makeContact(app, org.rep, 'Bo')]
    const exp = await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(1), kind: 'call', stakeholderIds: [ann.stakeholderId], accountId: bo.accountId })
    assert.equal(exp.accountId, bo.accountId)
    const none = await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(1), kind: 'call', stakeholderIds: [ann.stakeholderId], accountId: null })
    assert.equal(none.accountId, null)
  })

  test('reports every invalid field of a new experience, an update and a list query', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { stakeholderId } = await makeContact(app, org.rep, 'Ann')
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/experiences', payload: { occurredAt: daysAgo(1), kind: 'call', valence: 3, stakeholderIds: [stakeholderId] } }), 400, ['#/valence'])
    const bad = await call(app, org.rep, {
      method: 'POST', url: '/api/v1/experiences',
      payload: { occurredAt: 'yesterday', kind: 'party', valence: 1.5, direction: 'sideways', depth: 'deep', stakeholderIds: [], userIds: ['x'], source: 'fax', externalId: '', colour: 'red' },
    })
    assertProblem(bad, 400, ['#/occurredAt', '#/kind', '#/valence', '#/direction', '#/depth', '#/stakeholderIds', '#/userIds/0', '#/source', '#/externalId', '#/colour'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/experiences', payload: {} }), 400, ['#/occurredAt', '#/kind', '#/stakeholderIds'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/experiences', payload: { occurredAt: daysAgo(1), kind: 'call', stakeholderIds: [stakeholderId, stakeholderId] } }), 400, ['#/stakeholderIds'])

    const exp = await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(1), kind: 'call', stakeholderIds: [stakeholderId] })
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/experiences/${exp.id}`, payload: { valence: -3, userIds: [], externalId: 'x' } }), 400, ['#/valence', '#/userIds', '#/externalId'])
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/experiences/${exp.id}`, payload: {} }), 400, ['#'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/experiences?kind=party&from=yesterday&sort=valence&limit=0&userId=me' }), 400, ['kind', 'from', 'sort', 'limit', 'userId'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/experiences/nope' }), 400, ['experienceId'])
  })

  test('rejects dates more than a day ahead or before 1990', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { stakeholderId } = await makeContact(app, org.rep, 'Ann')
    const at = (occurredAt: string) => call(app, org.rep, { method: 'POST', url: '/api/v1/experiences', payload: { occurredAt, kind: 'call', stakeholderIds: [stakeholderId] } })
    const future = await at(new Date(Date.now() + 2 * DAY).toISOString())
    assertProblem(future, 422, ['#/occurredAt'])
    assertProblem(await at('1989-12-31T23:59:59Z'), 422, ['#/occurredAt'])
    assert.equal((await at(new Date(Date.now() + DAY / 2).toISOString())).statusCode, 201)
    const exp = (await at('1990-01-01T00:00:00Z')).json()
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/experiences/${exp.id}`, payload: { occurredAt: new Date(Date.now() + 3 * DAY).toISOString() } }), 422, ['#/occurredAt'])
  })

  test('participants and accounts must belong to the organisation', async () => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const mine = await makeContact(app, org.rep, 'Ann')
    const theirs = await makeContact(app, other.rep, 'Zed')
    const create = (payload: Record<string, unknown>) => call(app, org.rep, { method: 'POST', url: '/api/v1/experiences', payload: { occurredAt: daysAgo(1), kind: 'call', ...payload } })
    const res = await create({ stakeholderIds: [theirs.stakeholderId] })
    assertProblem(res, 422, ['#/stakeholderIds/0'])
    assert.equal(res.json().code, 'invalid_reference')
    assertProblem(await create({ stakeholderIds: [mine.stakeholderId, theirs.stakeholderId], userIds: [other.rep.id] }), 422, ['#/stakeholderIds/1', '#/userIds/0'])
    assertProblem(await create({ stakeholderIds: [mine.stakeholderId], accountId: theirs.accountId }), 422, ['#/accountId'])
    const exp = await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(1), kind: 'call', stakeholderIds: [mine.stakeholderId] })
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/experiences/${exp.id}`, payload: { stakeholderIds: [theirs.stakeholderId] } }), 422, ['#/stakeholderIds/0'])
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/experiences?includeArchived=true' })).json().items.length, 1)
  })

  test('the same source and external id is accepted once', async () => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const { stakeholderId } = await makeContact(app, org.rep, 'Ann')
    const payload = { occurredAt: daysAgo(3), kind: 'email', source: 'email', externalId: '<msg-1@mail.example>', stakeholderIds: [stakeholderId] }
    await post(app, org.rep, '/api/v1/experiences', payload)
    const again = await call(app, org.rep, { method: 'POST', url: '/api/v1/experiences', payload: { ...payload, valence: 1 } })
    assertProblem(again, 409, ['#/externalId'])
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/experiences?source=email' })).json().items.length, 1)
    await post(app, org.rep, '/api/v1/experiences', { ...payload, source: 'calendar' })
    const theirs = await makeContact(app, other.rep, 'Zed')
    await post(app, other.rep, '/api/v1/experiences', { ...payload, stakeholderIds: [theirs.stakeholderId] })
  })

  test('lists newest first with filters and cursor pagination', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const [ann, bo] = [await makeContact(app, org.rep, 'Ann'), await makeContact(app, org.rep, 'Bo')]
    const log = (days: number, kind: string, stakeholderIds: string[], as = org.rep) => post(app, as, '/api/v1/experiences', { occurredAt: daysAgo(days), kind, stakeholderIds })
    const e10 = await log(10, 'meeting', [ann.stakeholderId])
    const e1 = await log(1, 'call', [bo.stakeholderId])
    const e5 = await log(5, 'call', [ann.stakeholderId, bo.stakeholderId], org.manager)
    const e3 = await log(3, 'email', [bo.stakeholderId])
    const list = async (query: string) => ids(await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences?${query}` }))

    assert.deepEqual(await list(''), [e1.id, e3.id, e5.id, e10.id])
    assert.deepEqual(await list('sort=occurredAt'), [e10.id, e5.id, e3.id, e1.id])
    assert.deepEqual(await list(`stakeholderId=${ann.stakeholderId}`), [e5.id, e10.id])
    assert.deepEqual(await list(`accountId=${bo.accountId}`), [e1.id, e3.id])
    assert.deepEqual(await list(`userId=${org.manager.id}`), [e5.id])
    assert.deepEqual(await list('kind=call'), [e1.id, e5.id])
    assert.deepEqual(await list(`from=${encodeURIComponent(daysAgo(6))}&to=${encodeURIComponent(daysAgo(2))}`), [e3.id, e5.id])

    const page1 = await call(app, org.rep, { method: 'GET', url: '/api/v1/experiences?limit=3' })
    assert.deepEqual(ids(page1), [e1.id, e3.id, e5.id])
    const page2 = await call(app, org.rep, { method: 'GET', url: `/api/v1/experiences?limit=3&cursor=${page1.json().nextCursor}` })
    assert.deepEqual(ids(page2), [e10.id])
    assert.equal(page2.json().nextCursor, null)
  })

  test('answers 404 for an experience of another organisation and never lists it', async (t) => {
    const { app, db } = env
    const [a, b] = [await makeOrg(db), await makeOrg(db)]
    const contact = await makeContact(app, a.rep, 'Ann')
    const exp = await post(app, a.rep, '/api/v1/experiences', { occurredAt: daysAgo(1), kind: 'call', stakeholderIds: [contact.stakeholderId] })
    await expectTenantIsolation(app, b.admin, [
      { method: 'GET', url: `/api/v1/experiences/${exp.id}` },
      { method: 'PATCH', url: `/api/v1/experiences/${exp.id}`, payload: { title: 'Stolen' } },
      { method: 'POST', url: `/api/v1/experiences/${exp.id}/archive` },
      { method: 'POST', url: `/api/v1/experiences/${exp.id}/restore` },
    ], t)
    for (const query of ['', `?stakeholderId=${contact.stakeholderId}`, `?accountId=${contact.accountId}`, `?userId=${a.rep.id}`, '?includeArchived=true']) {
      assert.deepEqual(ids(await call(app, b.admin, { method: 'GET', url: `/api/v1/experiences${query}` })), [], query)
    }
  })

  test('the title of mail is only for its people, their managers and admins; other titles are for everyone', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const repB = await makeUser(db, org.id, 'rep', org.manager.id)
    const ann = await makeContact(app, org.rep, 'Ann')
    const mail = await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(3), kind: 'email', source: 'email', title: 'Our price for 2027', stakeholderIds: [ann.stakeholderId] })
    const untitled = await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(2), kind: 'email', source: 'email', stakeholderIds: [ann.stakeholderId] })
    const lunch = await post(app, org.rep, '/api/v1/experiences', { occurredAt: daysAgo(1), kind: 'meal', title: 'Lunch', stakeholderIds: [ann.stakeholderId] })
    assert.deepEqual([mail.title, mail.titleHidden], ['Our price for 2027', false])
    const seen = async (as: TestUser) => {
      const items = (await call(app, as, { method: 'GET', url: `/api/v1/experiences?stakeholderId=${ann.stakeholderId}&sort=occurredAt` })).json().items as { title: string | null; titleHidden: boolean }[]
      const one = (await call(app, as, { method: 'GET', url: `/api/v1/experiences/${mail.id}` })).json()
      return [...items.map((e) => [e.title, e.titleHidden]), [one.title, one.titleHidden]]
    }
    const full = [['Our price for 2027', false], [null, false], ['Lunch', false], ['Our price for 2027', false]]
    assert.deepEqual(await seen(org.rep), full)
    assert.deepEqual(await seen(org.manager), full)
    assert.deepEqual(await seen(org.admin), full)
    assert.deepEqual(await seen(repB), [[null, true], [null, false], ['Lunch', false], [null, true]])
    // B may log how it went, but cannot rename the mail or join it to read its subject.
    const rated = await call(app, repB, { method: 'PATCH', url: `/api/v1/experiences/${mail.id}`, payload: { valence: 1 } })
    assert.equal(rated.statusCode, 200, rated.body)
    assert.deepEqual([rated.json().valence, rated.json().title, rated.json().titleHidden], [1, null, true])
    assertProblem(await call(app, repB, { method: 'PATCH', url: `/api/v1/experiences/${mail.id}`, payload: { userIds: [org.rep.id, repB.id] } }), 403)
    assertProblem(await call(app, repB, { method: 'PATCH', url: `/api/v1/experiences/${mail.id}`, payload: { title: 'Renamed' } }), 403)
    const joined = await call(app, org.manager, { method: 'PATCH', url: `/api/v1/experiences/${mail.id}`, payload: { userIds: [org.rep.id, repB.id] } })
    assert.equal(joined.statusCode, 200, joined.body)
    assert.deepEqual((await seen(repB))[0], ['Our price for 2027', false])
    assert.equal(untitled.titleHidden, false)
    assert.equal(lunch.titleHidden, false)
  })
})
