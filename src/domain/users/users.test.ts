import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, makeUser, useTestEnv, type TestOrg } from '../../../test/helpers.ts'
import type { Actor } from '../auth/roles.ts'
import { archiveUser } from './service.ts'

const env = useTestEnv()
const PASSWORD = 'a long enough password'

const newEmail = () => `invitee-${randomBytes(5).toString('hex')}@example.test`
const names = (res: { json: () => { items: { name: string }[] } }) => res.json().items.map((u) => u.name)

async function invite(org: TestOrg, payload: Record<string, unknown> = {}) {
  const res = await call(env.app, org.admin, { method: 'POST', url: '/api/v1/invitations', payload: { email: newEmail(), role: 'rep', ...payload } })
  assert.equal(res.statusCode, 201, res.body)
  return res.json() as { invitation: { id: string; email: string }; token: string; url: string }
}

function preview(token: string) {
  return env.app.inject({ method: 'GET', url: `/api/v1/invitations/preview?token=${encodeURIComponent(token)}` })
}

function accept(token: string, name = 'New Person') {
  return env.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, name, password: PASSWORD } })
}

describe('users API', () => {
  test('lists the organisation\'s people, a manager\'s subtree and one user', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const all = await call(app, org.analyst, { method: 'GET', url: '/api/v1/users' })
    assert.equal(all.statusCode, 200)
    assert.deepEqual(names(all), ['Test admin', 'Test analyst', 'Test manager', 'Test rep'])
    assert.deepEqual(names(await call(app, org.manager, { method: 'GET', url: '/api/v1/users?subtreeOf=me' })), ['Test manager', 'Test rep'])
    assert.deepEqual(names(await call(app, org.rep, { method: 'GET', url: `/api/v1/users?subtreeOf=${org.admin.id}` })), ['Test admin', 'Test manager', 'Test rep'])
    const one = await call(app, org.rep, { method: 'GET', url: `/api/v1/users/${org.rep.id}` })
    assert.deepEqual([one.json().id, one.json().email, one.json().role, one.json().managerId], [org.rep.id, org.rep.email, 'rep', org.manager.id])
    assert.equal('passwordHash' in one.json() || 'password_hash' in one.json(), false)
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/users?subtreeOf=them&includeArchived=maybe&role=rep' }), 400, ['subtreeOf', 'includeArchived', 'role'])
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/users/42' }), 400, ['userId'])
  })

  test('an admin changes a user\'s name, role and manager; loops and foreign managers are refused', async () => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const patch = (userId: string, payload: unknown) => call(app, org.admin, { method: 'PATCH', url: `/api/v1/users/${userId}`, payload })
    const promoted = await patch(org.rep.id, { name: 'Rita Rep', role: 'manager', managerId: org.admin.id })
    assert.equal(promoted.statusCode, 200, promoted.body)
    assert.deepEqual([promoted.json().name, promoted.json().role, promoted.json().managerId], ['Rita Rep', 'manager', org.admin.id])
    assert.equal((await patch(org.rep.id, { managerId: org.manager.id })).json().managerId, org.manager.id)

    const loop = await patch(org.manager.id, { managerId: org.rep.id })
    assertProblem(loop, 422, ['#/managerId'])
    assert.equal(loop.json().code, 'unprocessable')
    assertProblem(await patch(org.admin.id, { managerId: org.rep.id }), 422, ['#/managerId'])
    assertProblem(await patch(org.rep.id, { managerId: org.rep.id }), 422, ['#/managerId'])
    const foreign = await patch(org.rep.id, { managerId: other.manager.id })
    assertProblem(foreign, 422, ['#/managerId'])
    assert.equal(foreign.json().code, 'invalid_reference')
    assertProblem(await patch(org.admin.id, { role: 'rep' }), 422)
    assertProblem(await patch(org.rep.id, { name: '', role: 'boss', managerId: 'x', email: 'x@example.test' }), 400, ['#/name', '#/role', '#/managerId', '#/email'])
    assertProblem(await patch(org.rep.id, {}), 400, ['#'])

    const audit = await call(app, org.admin, { method: 'GET', url: `/api/v1/audit?entityId=${org.rep.id}` })
    assert.deepEqual(audit.json().items.map((e: { action: string }) => e.action), ['user.updated', 'user.updated'])
  })

  test('user and invitation management is for admins only', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { invitation } = await invite(org)
    for (const who of [org.rep, org.manager, org.analyst]) {
      for (const route of [
        { method: 'PATCH', url: `/api/v1/users/${org.rep.id}`, payload: { name: 'Hacked' } },
        { method: 'POST', url: `/api/v1/users/${org.rep.id}/archive` },
        { method: 'GET', url: '/api/v1/invitations' },
        { method: 'POST', url: '/api/v1/invitations', payload: { email: newEmail(), role: 'admin' } },
        { method: 'DELETE', url: `/api/v1/invitations/${invitation.id}` },
        { method: 'GET', url: '/api/v1/audit' },
      ] as const) {
        assertProblem(await call(app, who, route), 403)
      }
    }
    assert.equal((await call(app, org.admin, { method: 'GET', url: `/api/v1/users/${org.rep.id}` })).json().name, 'Test rep')
  })

  test('archiving a user revokes their tokens; nobody archives themselves or the last admin', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const archived = await call(app, org.admin, { method: 'POST', url: `/api/v1/users/${org.rep.id}/archive` })
    assert.equal(archived.statusCode, 200, archived.body)
    assert.notEqual(archived.json().archivedAt, null)
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/session' }), 401)
    assert.deepEqual(names(await call(app, org.admin, { method: 'GET', url: '/api/v1/users' })), ['Test admin', 'Test analyst', 'Test manager'])
    assert.equal((await call(app, org.admin, { method: 'GET', url: '/api/v1/users?includeArchived=true' })).json().items.length, 4)
    assertProblem(await call(app, org.admin, { method: 'PATCH', url: `/api/v1/users/${org.manager.id}`, payload: { managerId: org.rep.id } }), 422, ['#/managerId'])

    assertProblem(await call(app, org.admin, { method: 'POST', url: `/api/v1/users/${org.admin.id}/archive` }), 422)
    const system: Actor = { orgId: org.id, userId: randomUUID(), role: 'admin', name: 'CLI', via: 'system' }
    await assert.rejects(archiveUser(db, system, org.admin.id), (err: { code?: string }) => err.code === 'unprocessable')
    const second = await makeUser(db, org.id, 'admin')
    assert.equal((await call(app, second, { method: 'POST', url: `/api/v1/users/${org.admin.id}/archive` })).statusCode, 200)
    assertProblem(await call(app, org.admin, { method: 'GET', url: '/api/v1/users' }), 401)
    assertProblem(await call(app, second, { method: 'PATCH', url: `/api/v1/users/${second.id}`, payload: { role: 'rep' } }), 422)
  })

  test('an invitation is previewed and accepted once: the user is created and signed in', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const email = newEmail().replace('invitee', 'Invitee')
    const { invitation, token, url } = await invite(org, { email, role: 'rep', managerId: org.manager.id })
    assert.equal(url, `http://tend.test/invite/${token}`)
    assert.equal((await call(app, org.admin, { method: 'GET', url: '/api/v1/invitations' })).json().items[0].id, invitation.id)

    const seen = await preview(token)
    assert.equal(seen.statusCode, 200, seen.body)
    assert.deepEqual([seen.json().email, seen.json().role, seen.json().organisation], [email, 'rep', (await call(app, org.rep, { method: 'GET', url: '/api/v1/session' })).json().organisation.name])

    const accepted = await accept(token, 'Nia New')
    assert.equal(accepted.statusCode, 201, accepted.body)
    const user = accepted.json().user
    assert.deepEqual([user.name, user.email, user.role, user.managerId], ['Nia New', email, 'rep', org.manager.id])
    const setCookie = String(accepted.headers['set-cookie'])
    assert.match(setCookie, /^tend_session=[\w-]{20,};/)
    assert.match(setCookie, /; HttpOnly/)
    assert.match(setCookie, /; SameSite=Lax/)
    const cookie = `tend_session=${accepted.cookies.find((c) => c.name === 'tend_session')?.value}`
    const session = await call(app, undefined, { method: 'GET', url: '/api/v1/session', headers: { cookie } })
    assert.equal(session.json().user.id, user.id)
    assert.equal(session.json().csrfToken, accepted.json().csrfToken)

    assertProblem(await accept(token, 'Second Try'), 404)
    assertProblem(await preview(token), 404)
    assert.notEqual((await call(app, org.admin, { method: 'GET', url: '/api/v1/invitations' })).json().items[0].acceptedAt, null)
    const taken = await call(app, org.admin, { method: 'POST', url: '/api/v1/invitations', payload: { email: email.toLowerCase(), role: 'rep' } })
    assertProblem(taken, 409, ['#/email'])
  })

  test('revoked and expired invitations are not found', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const revokedOne = await invite(org)
    const revoked = await call(app, org.admin, { method: 'DELETE', url: `/api/v1/invitations/${revokedOne.invitation.id}` })
    assert.equal(revoked.statusCode, 200)
    assert.notEqual(revoked.json().revokedAt, null)
    assertProblem(await preview(revokedOne.token), 404)
    assertProblem(await accept(revokedOne.token), 404)
    assertProblem(await call(app, org.admin, { method: 'DELETE', url: `/api/v1/invitations/${revokedOne.invitation.id}` }), 404)

    const expiredOne = await invite(org)
    await db.updateTable('invitations').set({ expires_at: new Date(Date.now() - 1000) }).where('org_id', '=', org.id).where('id', '=', expiredOne.invitation.id).execute()
    assertProblem(await preview(expiredOne.token), 404)
    assertProblem(await accept(expiredOne.token), 404)
    assert.equal((await call(app, org.admin, { method: 'GET', url: '/api/v1/users' })).json().items.length, 4)
  })

  test('reports every invalid field of an invitation and an acceptance', async () => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    const bad = await call(app, org.admin, { method: 'POST', url: '/api/v1/invitations', payload: { email: 'nope', role: 'boss', managerId: 'x', name: 'X' } })
    assertProblem(bad, 400, ['#/email', '#/role', '#/managerId', '#/name'])
    assertProblem(await call(app, org.admin, { method: 'POST', url: '/api/v1/invitations', payload: { email: newEmail(), role: 'rep', managerId: other.manager.id } }), 422, ['#/managerId'])
    const res = await app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: 'short', name: '', password: 'short', role: 'admin' } })
    assertProblem(res, 400, ['#/token', '#/name', '#/password', '#/role'])
    assertProblem(await app.inject({ method: 'GET', url: '/api/v1/invitations/preview' }), 400, ['token'])
    assertProblem(await preview('not-a-real-token-at-all'), 404)
  })

  test('answers 404 for users and invitations of another organisation and never lists them', async (t) => {
    const { app, db } = env
    const [a, b] = [await makeOrg(db), await makeOrg(db)]
    const { invitation } = await invite(a)
    await expectTenantIsolation(app, b.admin, [
      { method: 'GET', url: `/api/v1/users/${a.rep.id}` },
      { method: 'PATCH', url: `/api/v1/users/${a.rep.id}`, payload: { name: 'Stolen' } },
      { method: 'POST', url: `/api/v1/users/${a.rep.id}/archive` },
      { method: 'DELETE', url: `/api/v1/invitations/${invitation.id}` },
    ], t)
    const ids = (await call(app, b.admin, { method: 'GET', url: '/api/v1/users?includeArchived=true' })).json().items.map((u: { id: string }) => u.id)
    assert.deepEqual(ids.sort(), [b.admin.id, b.manager.id, b.rep.id, b.analyst.id].sort())
    assert.deepEqual(names(await call(app, b.admin, { method: 'GET', url: `/api/v1/users?subtreeOf=${a.admin.id}` })), [])
    assert.deepEqual((await call(app, b.admin, { method: 'GET', url: '/api/v1/invitations' })).json().items, [])
    assert.equal((await call(app, a.admin, { method: 'GET', url: `/api/v1/users/${a.rep.id}` })).json().archivedAt, null)
  })
})
