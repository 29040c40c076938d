import assert from 'node:assert/strict'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import { assertProblem, call, makeOrg, useTestEnv } from '../../test/helpers.ts'

const env = useTestEnv()

type Operation = { operationId?: string }
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> }

// Operations anyone may call: signing in, answering an invitation, answering a survey through its link.
const PUBLIC_OPERATIONS = new Set(['login', 'previewInvitation', 'acceptInvitation', 'getPublicSurvey', 'answerSurvey', 'calendarFeed'])
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete'])

async function openApi(): Promise<OpenApi> {
  const res = await env.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })
  assert.equal(res.statusCode, 200)
  return res.json()
}

function operations(doc: OpenApi) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId })),
  )
}

describe('HTTP edge', () => {
  test('every non-public route answers 401 problem+json without credentials', async (t) => {
    const ops = operations(await openApi())
    assert.ok(ops.length > 20, `only ${ops.length} operations in the OpenAPI document`)
    assert.deepEqual(ops.filter((op) => PUBLIC_OPERATIONS.has(op.operationId ?? '')).map((op) => op.operationId).sort(), [...PUBLIC_OPERATIONS].sort())
    for (const op of ops.filter((o) => !PUBLIC_OPERATIONS.has(o.operationId ?? ''))) {
      const url = op.path.replace(/\{[^}]+\}/g, () => randomUUID())
      const res = await env.app.inject({ method: op.method as 'GET', url, ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: {} }) })
      assert.equal(res.statusCode, 401, `${op.method} ${op.path} (${op.operationId}) answered ${res.statusCode}: ${res.body}`)
      assertProblem(res, 401)
      t.diagnostic(`${op.method} ${op.path} -> 401`)
    }
  })

  test('an unknown or revoked Bearer token and an unknown session cookie are 401', async () => {
    assertProblem(await env.app.inject({ method: 'GET', url: '/api/v1/accounts', headers: { authorization: 'Bearer tend_nope' } }), 401)
    assertProblem(await env.app.inject({ method: 'GET', url: '/api/v1/accounts', headers: { authorization: 'Bearer not-even-ours' } }), 401)
    assertProblem(await env.app.inject({ method: 'GET', url: '/api/v1/accounts', headers: { cookie: 'tend_session=forged' } }), 401)
    assert.equal((await env.app.inject({ method: 'HEAD', url: '/api/v1/accounts' })).statusCode, 401)
  })

  test('an analyst gets 403 on every records list', async () => {
    const org = await makeOrg(env.db)
    for (const url of ['/api/v1/accounts', '/api/v1/stakeholders', '/api/v1/relationships', '/api/v1/experiences']) {
      assertProblem(await call(env.app, org.analyst, { method: 'GET', url }), 403)
    }
    assertProblem(await call(env.app, org.analyst, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Nope' } }), 403)
    assert.equal((await call(env.app, org.analyst, { method: 'GET', url: '/api/v1/session' })).statusCode, 200)
  })

  test('publishes an OpenAPI 3.1 document with an operationId on every operation, and the docs page', async () => {
    const doc = await openApi()
    assert.equal(doc.openapi, '3.1.0')
    const ops = operations(doc)
    assert.deepEqual(ops.filter((op) => !op.operationId).map((op) => `${op.method} ${op.path}`), [])
    const ids = ops.map((op) => op.operationId)
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique')
    let docs = await env.app.inject({ method: 'GET', url: '/api/docs' })
    if (docs.statusCode >= 300 && docs.statusCode < 400) docs = await env.app.inject({ method: 'GET', url: new URL(String(docs.headers.location), 'http://x/api/docs').pathname })
    assert.equal(docs.statusCode, 200)
    assert.match(String(docs.headers['content-type']), /^text\/html/)
  })

  test('compresses what a client accepts compressed, and only then', async () => {
    const plain = await env.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })
    assert.equal(plain.headers['content-encoding'], undefined)
    for (const [accept, encoding, decode] of [['br, gzip', 'br', brotliDecompressSync], ['gzip', 'gzip', gunzipSync]] as const) {
      const res = await env.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: { 'accept-encoding': accept } })
      assert.equal(res.headers['content-encoding'], encoding)
      assert.ok(res.rawPayload.length < plain.rawPayload.length / 3, `${encoding}: ${res.rawPayload.length} of ${plain.rawPayload.length} bytes`)
      assert.deepEqual(JSON.parse(decode(res.rawPayload).toString('utf8')), plain.json())
    }
  })

  test('an unknown route is a 404 problem', async () => {
    const org = await makeOrg(env.db)
    const res = await call(env.app, org.rep, { method: 'GET', url: '/api/v1/nothing-here?x=1' })
    assertProblem(res, 404)
    assert.equal(res.json().instance, '/api/v1/nothing-here')
    assert.equal(res.json().code, 'not_found')
    assertProblem(await env.app.inject({ method: 'DELETE', url: '/nowhere' }), 404)
  })

  test('a body that is not JSON is a 4xx problem, never a 500', async () => {
    const org = await makeOrg(env.db)
    const send = (payload: string, contentType: string) => call(env.app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload, headers: { 'content-type': contentType } })
    for (const res of [await send('{"name": "Broken', 'application/json'), await send('name=Acme', 'application/x-www-form-urlencoded'), await send('Acme', 'text/plain'), await send('', 'application/json')]) {
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode}: ${res.body}`)
      assertProblem(res, res.statusCode)
    }
    const form = await send('name=Acme', 'application/x-www-form-urlencoded')
    assertProblem(form, 415)
    assert.equal(form.json().code, 'unsupported_media_type')
    const [page, anchor] = form.json().type.split('#')
    const doc = await env.app.inject({ method: 'GET', url: page })
    assert.equal(doc.statusCode, 200)
    assert.match(doc.body, new RegExp(`id="${anchor}"><td><code>unsupported_media_type</code></td><td>415<`))
    const big = await send(JSON.stringify({ name: 'x', notes: 'y'.repeat(1_100_000) }), 'application/json')
    assertProblem(big, 413)
  })

  test('a duplicate relationship is a 409 conflict from the database constraint, not a 500', async () => {
    const org = await makeOrg(env.db)
    const stakeholder = (await call(env.app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Dup' } })).json()
    const create = () => call(env.app, org.rep, { method: 'POST', url: '/api/v1/relationships', payload: { stakeholderId: stakeholder.id } })
    assert.equal((await create()).statusCode, 201)
    const dup = await create()
    assertProblem(dup, 409)
    assert.equal(dup.json().code, 'conflict')
    assert.equal(dup.json().type, '/docs/problems#conflict')
    assert.match(dup.json().requestId, /^req-/)
  })
})
