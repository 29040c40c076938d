import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import type { App } from '../../http/app.ts'

const env = useTestEnv()

async function createAccount(app: App, as: TestUser, name: string): Promise<{ id: string }> {
  const res = await call(app, as, { method: 'POST', url: '/api/v1/accounts', payload: { name } })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

async function createStakeholder(app: App, as: TestUser, payload: Record<string, unknown>) {
  const res = await call(app, as, { method: 'POST', url: '/api/v1/stakeholders', payload })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

const names = (res: { json: () => { items: { name: string }[] } }) => res.json().items.map((s) => s.name)

describe('stakeholders API', () => {
  test('creates, reads, updates, archives and restores a stakeholder, with audit entries', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const account = await createAccount(app, org.rep, 'Globex')
    const created = await createStakeholder(app, org.rep, {
      name: '  Hank Scorpio ', accountId: account.id, emails: ['Hank@Globex.COM', 'hank@globex.com', 'h.s@globex.com'], phones: ['+1 (555) 010-0001'],
      title: 'CEO', influence: 5, attitude: 'champion', goals: 'World domination',
    })
    assert.equal(created.name, 'Hank Scorpio')
    assert.deepEqual(created.emails, ['hank@globex.com', 'h.s@globex.com'])
    assert.equal(created.accountId, account.id)
    assert.equal(created.accountName, 'Globex')
    assert.equal(created.hasConsent, false)
    assert.equal(created.personalNotes, null)

    const read = await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${created.id}` })
    assert.equal(read.statusCode, 200)
    for (const key of ['id', 'name', 'emails', 'phones', 'title', 'influence', 'attitude', 'goals', 'accountName', 'createdAt']) assert.deepEqual(read.json()[key], created[key], key)

    const patched = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${created.id}`, payload: { attitude: 'skeptic', title: null, emails: ['NEW@globex.com'] } })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.equal(patched.json().attitude, 'skeptic')
    assert.equal(patched.json().title, null)
    assert.deepEqual(patched.json().emails, ['new@globex.com'])
    assert.equal(patched.json().influence, 5)

    const archived = await call(app, org.rep, { method: 'POST', url: `/api/v1/stakeholders/${created.id}/archive` })
    assert.equal(archived.statusCode, 200)
    assert.notEqual(archived.json().archivedAt, null)
    assert.deepEqual(names(await call(app, org.rep, { method: 'GET', url: '/api/v1/stakeholders' })), [])
    assert.deepEqual(names(await call(app, org.rep, { method: 'GET', url: '/api/v1/stakeholders?includeArchived=true' })), ['Hank Scorpio'])
    const restored = await call(app, org.rep, { method: 'POST', url: `/api/v1/stakeholders/${created.id}/restore` })
    assert.equal(restored.json().archivedAt, null)
    assert.deepEqual(names(await call(app, org.rep, { method: 'GET', url: '/api/v1/stakeholders' })), ['Hank Scorpio'])

    const audit = await call(app, org.admin, { method: 'GET', url: `/api/v1/audit?entityId=${created.id}` })
    const entries = audit.json().items as { action: string; actorId: string; entityType: string; before: { attitude: string } | null; after: { attitude: string } }[]
    assert.deepEqual(entries.map((e) => e.action), ['stakeholder.restored', 'stakeholder.archived', 'stakeholder.updated', 'stakeholder.created'])
    assert.ok(entries.every((e) => e.actorId === org.rep.id && e.entityType === 'stakeholder'))
    assert.equal(entries[2]?.before?.attitude, 'champion')
    assert.equal(entries[2]?.after.attitude, 'skeptic')
  })

  test('reports every invalid field of a new stakeholder, an update and a list query', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const bad = await call(app, org.rep, {
      method: 'POST', url: '/api/v1/stakeholders',
      payload: { name: '', influence: 6, attitude: 'fan', emails: ['not-an-email'], phones: ['call me'], accountId: 'x', hasConsent: 'yes', colour: 'red' },
    })
    assertProblem(bad, 400, ['#/name', '#/influence', '#/attitude', '#/emails/0', '#/phones/0', '#/accountId', '#/hasConsent', '#/colour'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: {} }), 400, ['#/name'])

    const s = await createStakeholder(app, org.rep, { name: 'Valid' })
    const patch = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${s.id}`, payload: { influence: 0, reportsToId: 'nobody', nickname: 'V' } })
    assertProblem(patch, 400, ['#/influence', '#/reportsToId', '#/nickname'])
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${s.id}`, payload: {} }), 400, ['#'])

    const list = await call(app, org.rep, { method: 'GET', url: '/api/v1/stakeholders?attitude=fan&minInfluence=9&sort=age&accountId=1&limit=0&colour=red' })
    assertProblem(list, 400, ['attitude', 'minInfluence', 'sort', 'accountId', 'limit', 'colour'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/stakeholders?cursor=garbage' }), 400, ['cursor'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/stakeholders/not-a-uuid' }), 400, ['stakeholderId'])
  })

  test('searches by name, email, title and company name', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const initech = await createAccount(app, org.rep, 'Initech')
    await createStakeholder(app, org.rep, { name: 'Bill Lumbergh', accountId: initech.id, title: 'Vice President', emails: ['bill@initech.example'] })
    await createStakeholder(app, org.rep, { name: 'Milton Waddams', title: 'Collator', emails: ['stapler@basement.example'] })
    await createStakeholder(app, org.rep, { name: 'Joanna', title: 'Server', emails: ['joanna@chotchkies.example'] })
    const search = async (q: string) => names(await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders?q=${encodeURIComponent(q)}` }))
    assert.deepEqual(await search('lumb'), ['Bill Lumbergh'])
    assert.deepEqual(await search('STAPLER@'), ['Milton Waddams'])
    assert.deepEqual(await search('collat'), ['Milton Waddams'])
    assert.deepEqual(await search('initech'), ['Bill Lumbergh'])
    assert.deepEqual(await search('a'), ['Bill Lumbergh', 'Joanna', 'Milton Waddams'])
    assert.deepEqual(await search('100%_'), [])
  })

  test('filters by account, attitude, influence and email; sorts and pages by cursor', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const acme = await createAccount(app, org.rep, 'Acme')
    const people = [['Ada', 5, 'champion'], ['bob', 2, 'neutral'], ['Cy', 4, 'champion'], ['Dee', 1, 'detractor'], ['eve', 3, 'supporter']] as const
    for (const [name, influence, attitude] of people) {
      await createStakeholder(app, org.rep, { name, influence, attitude, emails: [`${name.toLowerCase()}@acme.example`], ...(influence >= 3 ? { accountId: acme.id } : {}) })
    }
    const list = async (query: string) => names(await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders?${query}` }))
    assert.deepEqual(await list(''), ['Ada', 'bob', 'Cy', 'Dee', 'eve'])
    assert.deepEqual(await list('sort=-name'), ['eve', 'Dee', 'Cy', 'bob', 'Ada'])
    assert.deepEqual(await list('sort=-influence'), ['Ada', 'Cy', 'eve', 'bob', 'Dee'])
    assert.deepEqual(await list(`accountId=${acme.id}`), ['Ada', 'Cy', 'eve'])
    assert.deepEqual(await list('attitude=champion'), ['Ada', 'Cy'])
    assert.deepEqual(await list('minInfluence=4'), ['Ada', 'Cy'])
    assert.deepEqual(await list('email=DEE@acme.example'), ['Dee'])
    assert.deepEqual(await list('email=dee@acme'), [])

    const page1 = await call(app, org.rep, { method: 'GET', url: '/api/v1/stakeholders?sort=-influence&limit=2' })
    assert.deepEqual(names(page1), ['Ada', 'Cy'])
    const page2 = await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders?sort=-influence&limit=2&cursor=${page1.json().nextCursor}` })
    assert.deepEqual(names(page2), ['eve', 'bob'])
    const page3 = await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders?sort=-influence&limit=2&cursor=${page2.json().nextCursor}` })
    assert.deepEqual(names(page3), ['Dee'])
    assert.equal(page3.json().nextCursor, null)
    const byName = await call(app, org.rep, { method: 'GET', url: '/api/v1/stakeholders?limit=3' })
    const rest = await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders?limit=3&cursor=${byName.json().nextCursor}` })
    assert.deepEqual([...names(byName), ...names(rest)], ['Ada', 'bob', 'Cy', 'Dee', 'eve'])
    // Timestamps carry microseconds in PostgreSQL; paging on them must neither repeat nor skip rows.
    const seen: string[] = []
    for (let cursor = ''; ;) {
      const page = await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders?sort=createdAt&limit=2${cursor}` })
      seen.push(...names(page))
      if (!page.json().nextCursor) break
      cursor = `&cursor=${page.json().nextCursor}`
    }
    assert.deepEqual(seen, ['Ada', 'bob', 'Cy', 'Dee', 'eve'])
  })

  test('personal notes need consent, and withdrawing consent erases them', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const noConsent = await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Pat', personalNotes: 'Two kids, loves sailing' } })
    assertProblem(noConsent, 422, ['#/personalNotes'])
    assert.equal(noConsent.json().code, 'unprocessable')

    const pat = await createStakeholder(app, org.rep, { name: 'Pat', hasConsent: true, personalNotes: 'Two kids, loves sailing' })
    assert.equal(pat.personalNotes, 'Two kids, loves sailing')
    assert.notEqual(pat.consentAt, null)
    const edited = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${pat.id}`, payload: { personalNotes: 'Three kids' } })
    assert.equal(edited.json().personalNotes, 'Three kids')
    assert.equal(edited.json().consentAt, pat.consentAt)

    const withdrawn = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${pat.id}`, payload: { hasConsent: false } })
    assert.equal(withdrawn.statusCode, 200, withdrawn.body)
    assert.equal(withdrawn.json().hasConsent, false)
    assert.equal(withdrawn.json().personalNotes, null)
    assert.equal(withdrawn.json().consentAt, null)
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${pat.id}`, payload: { personalNotes: 'Back again' } }), 422, ['#/personalNotes'])
    const both = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${pat.id}`, payload: { hasConsent: false, personalNotes: 'Sneaky' } })
    assert.equal(both.json().personalNotes, null)
  })

  test('rejects reporting loops and references into another organisation', async () => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const ceo = await createStakeholder(app, org.rep, { name: 'CEO' })
    const cfo = await createStakeholder(app, org.rep, { name: 'CFO', reportsToId: ceo.id })
    const clerk = await createStakeholder(app, org.rep, { name: 'Clerk', reportsToId: cfo.id })
    assert.equal(clerk.reportsToId, cfo.id)
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${ceo.id}`, payload: { reportsToId: clerk.id } }), 422, ['#/reportsToId'])
    assertProblem(await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${ceo.id}`, payload: { reportsToId: ceo.id } }), 422, ['#/reportsToId'])

    const foreignBoss = await createStakeholder(app, other.rep, { name: 'Foreign boss' })
    const foreignAccount = await createAccount(app, other.rep, 'Foreign Co')
    const res = await call(app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'X', reportsToId: foreignBoss.id } })
    assertProblem(res, 422, ['#/reportsToId'])
    assert.equal(res.json().code, 'invalid_reference')
    const acc = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${cfo.id}`, payload: { accountId: foreignAccount.id } })
    assertProblem(acc, 422, ['#/accountId'])
    assert.equal(acc.json().code, 'invalid_reference')
  })

  test('answers 404 for a stakeholder of another organisation and never lists it', async (t) => {
    const { app, db } = env
    const [a, b] = [await makeOrg(db), await makeOrg(db)]
    const account = await createAccount(app, a.rep, 'Private Co')
    const s = await createStakeholder(app, a.rep, { name: 'Secret Person', accountId: account.id, emails: ['secret@private.example'] })
    await expectTenantIsolation(app, b.admin, [
      { method: 'GET', url: `/api/v1/stakeholders/${s.id}` },
      { method: 'PATCH', url: `/api/v1/stakeholders/${s.id}`, payload: { name: 'Stolen' } },
      { method: 'POST', url: `/api/v1/stakeholders/${s.id}/archive` },
      { method: 'POST', url: `/api/v1/stakeholders/${s.id}/restore` },
    ], t)
    for (const query of ['', '?q=secret', `?accountId=${account.id}`, '?email=secret@private.example', '?includeArchived=true']) {
      assert.deepEqual(names(await call(app, b.admin, { method: 'GET', url: `/api/v1/stakeholders${query}` })), [], query)
    }
    assert.equal((await call(app, a.rep, { method: 'GET', url: `/api/v1/stakeholders/${s.id}` })).json().name, 'Secret Person')
  })
})
