import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, makeUser, useTestEnv, type TestOrg, type TestUser } from '../../../test/helpers.ts'
import type { App } from '../../http/app.ts'
import { createUser } from '../users/service.ts'

const env = useTestEnv()
const PASSWORD = 'correct horse battery'

/** A rep with a password (argon2 is slow: only where login is tested). */
async function makePasswordUser(org: TestOrg) {
  const email = `login-${randomBytes(5).toString('hex')}@example.test`
  const user = await createUser(env.db, org.admin.actor, { email, name: 'Pat Login', role: 'rep', managerId: org.manager.id, password: PASSWORD })
  return { ...user, email }
}

function login(app: App, email: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password } })
}

/** Sign in and return a caller that uses the session cookie (and, for writes, the CSRF token). */
async function signIn(app: App, email: string, password = PASSWORD) {
  const res = await login(app, email, password)
  assert.equal(res.statusCode, 200, res.body)
  const cookie = res.cookies.find((c) => c.name === 'tend_session')
  assert.ok(cookie)
  const csrfToken: string = res.json().csrfToken
  return { res, csrfToken, cookie: { cookie: `tend_session=${cookie.value}` }, withCsrf: { cookie: `tend_session=${cookie.value}`, 'x-csrf-token': csrfToken } }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('auth API', () => {
  test('signs in with email and password and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const user = await makePasswordUser(org)
    const { res, cookie, csrfToken } = await signIn(app, user.email.toUpperCase())
    const setCookie = String(res.headers['set-cookie'])
    assert.match(setCookie, /^tend_session=[\w-]{20,};/)
    assert.match(setCookie, /; HttpOnly/)
    assert.match(setCookie, /; SameSite=Lax/)
    assert.match(setCookie, /; Path=\//)
    const body = res.json()
    assert.equal(body.user.id, user.id)
    assert.equal(body.organisation.id, org.id)
    assert.deepEqual(body.permissions, ['records', 'aggregates'])
    assert.equal(typeof csrfToken, 'string')
    assert.equal(JSON.stringify(body).includes('password'), false)

    const session = await call(app, undefined, { method: 'GET', url: '/api/v1/session', headers: cookie })
    assert.equal(session.statusCode, 200, session.body)
    assert.equal(session.json().user.email, user.email)
    assert.equal(session.json().csrfToken, csrfToken)
    const viaToken = await call(app, org.admin, { method: 'GET', url: '/api/v1/session' })
    assert.equal(viaToken.json().csrfToken, null)
    assert.deepEqual(viaToken.json().permissions, ['records', 'aggregates', 'users'])
  })

  test('cookie-authenticated writes need the X-CSRF-Token header; Bearer tokens do not', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const user = await makePasswordUser(org)
    const { cookie, withCsrf } = await signIn(app, user.email)
    const create = (headers: Record<string, string>, as?: TestUser) => call(app, as, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Csrf Co' }, headers })
    assertProblem(await create(cookie), 403)
    assertProblem(await create({ ...cookie, 'x-csrf-token': 'guess' }), 403)
    assert.equal((await create(withCsrf)).statusCode, 201)
    assert.equal((await create({}, org.rep)).statusCode, 201)
    assert.equal((await call(app, undefined, { method: 'GET', url: '/api/v1/accounts', headers: cookie })).json().items.length, 2)
  })

  test('a wrong password, an unknown email and an archived user get the same 401', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const user = await makePasswordUser(org)
    const wrong = await login(app, user.email, 'not the password')
    assertProblem(wrong, 401)
    const unknown = await login(app, `nobody-${randomBytes(4).toString('hex')}@example.test`, PASSWORD)
    assertProblem(unknown, 401)
    assert.equal(wrong.json().detail, unknown.json().detail)
    assert.equal(wrong.headers['set-cookie'], undefined)
    assertProblem(await login(app, org.rep.email, 'whatever'), 401)
    await call(app, org.admin, { method: 'POST', url: `/api/v1/users/${user.id}/archive` })
    assert.equal((await login(app, user.email, PASSWORD)).json().detail, wrong.json().detail)
    assertProblem(await login(app, 'not-an-email', ''), 400, ['#/email', '#/password'])
  })

  test('limits sign-in to 10 attempts a minute per address and email', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const [user, bystander] = [await makePasswordUser(org), await makePasswordUser(org)]
    for (let i = 0; i < 10; i++) assertProblem(await login(app, user.email, `guess ${i}`), 401)
    const limited = await login(app, user.email, PASSWORD)
    assertProblem(limited, 429)
    assert.equal(limited.json().code, 'rate_limited')
    assert.ok(Number(limited.headers['retry-after']) > 0)
    assert.equal((await login(app, bystander.email, PASSWORD)).statusCode, 200)
  })

  test('changing the password ends the other sessions; the new password works and the old fails', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const user = await makePasswordUser(org)
    const [here, elsewhere] = [await signIn(app, user.email), await signIn(app, user.email)]
    const change = (payload: unknown) => call(app, undefined, { method: 'POST', url: '/api/v1/me/password', payload, headers: here.withCsrf })
    assertProblem(await change({ currentPassword: 'wrong password', newPassword: 'a new long password' }), 400, ['#/currentPassword'])
    assertProblem(await change({ currentPassword: PASSWORD, newPassword: 'short', again: true }), 400, ['#/newPassword', '#/again'])
    assert.equal((await change({ currentPassword: PASSWORD, newPassword: 'a new long password' })).statusCode, 204)

    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/session', headers: elsewhere.cookie }), 401)
    assert.equal((await call(app, undefined, { method: 'GET', url: '/api/v1/session', headers: here.cookie })).statusCode, 200)
    assertProblem(await login(app, user.email, PASSWORD), 401)
    assert.equal((await login(app, user.email, 'a new long password')).statusCode, 200)
    const audit = await call(app, org.admin, { method: 'GET', url: `/api/v1/audit?entityId=${user.id}` })
    assert.ok(audit.json().items.some((e: { action: string }) => e.action === 'user.password_changed'))
    assert.equal(audit.body.includes('argon2'), false)
  })

  test('signing out ends the session and clears the cookie', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const user = await makePasswordUser(org)
    const { cookie, withCsrf } = await signIn(app, user.email)
    assertProblem(await call(app, undefined, { method: 'DELETE', url: '/api/v1/session', headers: cookie }), 403)
    const out = await call(app, undefined, { method: 'DELETE', url: '/api/v1/session', headers: withCsrf })
    assert.equal(out.statusCode, 204)
    assert.match(String(out.headers['set-cookie']), /^tend_session=;.*Expires=Thu, 01 Jan 1970/)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/session', headers: cookie }), 401)
  })

  test('an API token is shown once, never listed, and stops working when revoked', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const created = await call(app, org.rep, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'CI' } })
    assert.equal(created.statusCode, 201, created.body)
    const { token, apiToken } = created.json()
    assert.match(token, /^tend_[\w-]{40,}$/)
    assert.equal(apiToken.prefix, token.slice(0, 12))
    assert.equal(apiToken.revokedAt, null)

    const session = await call(app, undefined, { method: 'GET', url: '/api/v1/session', headers: bearer(token) })
    assert.equal(session.json().user.id, org.rep.id)
    const list = await call(app, org.rep, { method: 'GET', url: '/api/v1/tokens' })
    assert.deepEqual(list.json().items.map((t: { name: string }) => t.name).sort(), ['CI', 'test'])
    assert.equal(list.body.includes(token), false)
    assert.ok(list.json().items.every((t: Record<string, unknown>) => !('token' in t) && !('tokenHash' in t)))
    assert.notEqual(list.json().items.find((t: { id: string }) => t.id === apiToken.id).lastUsedAt, null)

    const revoked = await call(app, org.rep, { method: 'DELETE', url: `/api/v1/tokens/${apiToken.id}` })
    assert.equal(revoked.statusCode, 200)
    assert.notEqual(revoked.json().revokedAt, null)
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/session', headers: bearer(token) }), 401)
    assertProblem(await call(app, org.rep, { method: 'DELETE', url: `/api/v1/tokens/${apiToken.id}` }), 404)
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/session' })).statusCode, 200)
  })

  test('reports invalid token requests and keeps tokens to their owner', async (t) => {
    const { app, db } = env
    const [org, other] = [await makeOrg(db), await makeOrg(db)]
    assertProblem(await call(app, org.rep, { method: 'POST', url: '/api/v1/tokens', payload: { name: '', scope: 'all' } }), 400, ['#/name', '#/scope'])
    assertProblem(await call(app, org.rep, { method: 'DELETE', url: '/api/v1/tokens/nope' }), 400, ['tokenId'])
    const { apiToken } = (await call(app, org.rep, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'Mine' } })).json()
    await expectTenantIsolation(app, other.admin, [{ method: 'DELETE', url: `/api/v1/tokens/${apiToken.id}` }], t)
    const colleague = await makeUser(db, org.id, 'rep', org.manager.id)
    await expectTenantIsolation(app, colleague, [{ method: 'DELETE', url: `/api/v1/tokens/${apiToken.id}` }], t)
    await expectTenantIsolation(app, org.admin, [{ method: 'DELETE', url: `/api/v1/tokens/${apiToken.id}` }], t)
    assert.deepEqual((await call(app, other.admin, { method: 'GET', url: '/api/v1/tokens' })).json().items.map((x: { name: string }) => x.name), ['test'])
  })
})
