import type { TestContext } from 'node:test'
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../src/config.ts'
import type { Db, DbHandle } from '../src/db/connect.ts'
import { buildApp, type App } from '../src/http/app.ts'
import type { Actor, Role } from '../src/domain/auth/roles.ts'
import { createApiToken } from '../src/domain/auth/service.ts'
import { insertOrganisation } from '../src/domain/orgs/queries.ts'
import { insertUser } from '../src/domain/users/queries.ts'
import { openTestDb } from './db.ts'

export { TEST_DIALECT } from './db.ts'

export type TestEnv = { app: App; db: Db; handle: DbHandle }

/**
 * Open the test database and app before the file's tests and close them after. Call at the top
 * level of a test file. Every test makes its own organisation, so tests never interfere.
 */
export function useTestEnv(): TestEnv {
  const env = {} as TestEnv
  before(async () => {
    env.handle = await openTestDb()
    env.db = env.handle.db
    const config = loadConfig({ LOG_LEVEL: 'silent', TEND_DATA_DIR: 'memory://', PUBLIC_URL: 'http://tend.test' })
    env.app = await buildApp({ config, db: env.db })
    await env.app.ready()
  })
  after(async () => {
    await env.app?.close()
    await env.handle?.close()
  })
  return env
}

export type TestUser = { id: string; role: Role; email: string; actor: Actor; headers: Record<string, string> }
export type TestOrg = { id: string; admin: TestUser; manager: TestUser; rep: TestUser; analyst: TestUser }

function uniq(): string {
  return randomBytes(5).toString('hex')
}

export async function makeUser(db: Db, orgId: string, role: Role, managerId: string | null = null, name?: string): Promise<TestUser> {
  const email = `${role}-${uniq()}@example.test`
  const row = await insertUser(db, { org_id: orgId, email, name: name ?? `Test ${role}`, role, manager_id: managerId })
  const actor: Actor = { orgId, userId: row.id, role, name: row.name, via: 'token' }
  const { token } = await createApiToken(db, actor, 'test')
  return { id: row.id, role, email, actor, headers: { authorization: `Bearer ${token}` } }
}

/** A new organisation with one user of each role; the rep reports to the manager, the manager to the admin. */
export async function makeOrg(db: Db): Promise<TestOrg> {
  const suffix = uniq()
  const org = await insertOrganisation(db, { name: `Org ${suffix}`, slug: `org-${suffix}` })
  const admin = await makeUser(db, org.id, 'admin')
  const manager = await makeUser(db, org.id, 'manager', admin.id)
  const rep = await makeUser(db, org.id, 'rep', manager.id)
  const analyst = await makeUser(db, org.id, 'analyst')
  return { id: org.id, admin, manager, rep, analyst }
}

type InjectArgs = { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; payload?: unknown; headers?: Record<string, string> }

/** Call the API as a test user. */
export async function call(app: App, as: TestUser | undefined, args: InjectArgs) {
  return app.inject({ method: args.method, url: args.url, payload: args.payload as never, headers: { ...(as?.headers ?? {}), ...(args.headers ?? {}) } })
}

/** Assert a problem+json answer with this status and, optionally, exactly these field pointers/parameters. */
export function assertProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }, status: number, fields?: string[]) {
  assert.equal(res.statusCode, status, `expected ${status}, got ${res.statusCode}: ${JSON.stringify(res.json())}`)
  assert.match(String(res.headers['content-type'] ?? ''), /^application\/problem\+json/)
  const body = res.json() as { status: number; errors?: { pointer?: string; parameter?: string }[] }
  assert.equal(body.status, status)
  if (fields) assert.deepEqual((body.errors ?? []).map((e) => e.pointer ?? e.parameter).sort(), [...fields].sort())
}

/**
 * Tenant isolation: a resource made in one organisation answers 404 to a caller from another,
 * on every route given. Each route is called with the caller's credentials and a valid body.
 */
export async function expectTenantIsolation(app: App, stranger: TestUser, routes: InjectArgs[], t?: TestContext) {
  for (const route of routes) {
    const res = await call(app, stranger, route)
    assert.equal(res.statusCode, 404, `${route.method} ${route.url} from another organisation answered ${res.statusCode}: ${res.body}`)
    t?.diagnostic(`${route.method} ${route.url} -> 404`)
  }
}
