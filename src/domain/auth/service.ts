import type { Db } from '../../db/connect.ts'
import { AppError, notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import { findUserForLogin, getPasswordHash, updateUserRow } from '../users/queries.ts'
import { toUser, type User } from '../users/schema.ts'
import * as q from './queries.ts'
import type { Actor, Role } from './roles.ts'
import { hashPassword, hashToken, newToken, verifyPassword } from './secrets.ts'

export const SESSION_DAYS = 30
export const API_TOKEN_PREFIX = 'tend_'

export type NewSession = { token: string; csrfToken: string; expiresAt: Date; user: User; orgId: string }

/** Start a session for a user; the raw token goes in the cookie, only its hash is stored. */
export async function createSession(db: Db, orgId: string, userId: string): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = newToken()
  const csrfToken = newToken()
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000)
  await q.insertSession(db, { id: hashToken(token), org_id: orgId, user_id: userId, csrf_token: csrfToken, expires_at: expiresAt })
  return { token, csrfToken, expiresAt }
}

/** Check an email and password; the same error for an unknown email and a wrong password. */
export async function login(db: Db, email: string, password: string): Promise<NewSession> {
  const user = await findUserForLogin(db, email)
  const isValid = await verifyPassword(user?.password_hash ?? null, password)
  if (!user || !isValid || user.archived_at) throw new AppError('unauthenticated', 'The email or password is not right')
  const session = await createSession(db, user.org_id, user.id)
  return { ...session, user: toUser(user), orgId: user.org_id }
}

export async function logout(db: Db, sessionToken: string): Promise<void> {
  await q.deleteSession(db, hashToken(sessionToken))
}

/** Resolve a session cookie to an actor, or undefined when it is unknown, expired or its user archived. */
export async function authenticateSession(db: Db, sessionToken: string): Promise<Actor | undefined> {
  const id = hashToken(sessionToken)
  const row = await q.findSession(db, id)
  if (!row || row.archived_at || row.expires_at.getTime() < Date.now()) return undefined
  return { orgId: row.org_id, userId: row.user_id, role: row.role as Role, name: row.name, via: 'session', sessionId: id, csrfToken: row.csrf_token }
}

const TOKEN_TOUCH_MS = 60_000

/** Resolve a Bearer API token to an actor. */
export async function authenticateToken(db: Db, token: string): Promise<Actor | undefined> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return undefined
  const row = await q.findApiToken(db, hashToken(token))
  if (!row || row.revoked_at || row.archived_at) return undefined
  // Record use at most once a minute: a write per request would double the cost of every call.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > TOKEN_TOUCH_MS) await q.touchApiToken(db, row.id)
  return { orgId: row.org_id, userId: row.user_id, role: row.role as Role, name: row.name, via: 'token' }
}

export async function changePassword(db: Db, actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
  const row = await getPasswordHash(db, actor.orgId, actor.userId)
  if (!row || !(await verifyPassword(row.password_hash, currentPassword))) {
    throw new AppError('invalid_request', 'The current password is not right', [{ pointer: '#/currentPassword', detail: 'is not your current password' }])
  }
  const passwordHash = await hashPassword(newPassword)
  await db.transaction().execute(async (trx) => {
    await updateUserRow(trx, actor.orgId, actor.userId, { password_hash: passwordHash })
    // Every other session ends: a changed password should lock out whoever knew the old one.
    await q.deleteUserSessions(trx, actor.orgId, actor.userId, actor.sessionId)
    await recordAudit(trx, actor, 'user.password_changed', 'user', actor.userId, null, null)
  })
}

export type ApiToken = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

function toApiToken(row: { id: string; name: string; token_prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  }
}

/** Create an API token for the actor (or, from the CLI, any user). The token is returned once and stored hashed. */
export async function createApiToken(db: Db, actor: Actor, name: string): Promise<{ token: string; apiToken: ApiToken }> {
  const token = newToken(API_TOKEN_PREFIX)
  return db.transaction().execute(async (trx) => {
    const row = await q.insertApiToken(trx, { org_id: actor.orgId, user_id: actor.userId, name, token_hash: hashToken(token), token_prefix: token.slice(0, 12) })
    const apiToken = toApiToken(row)
    await recordAudit(trx, actor, 'api_token.created', 'api_token', row.id, null, apiToken)
    return { token, apiToken }
  })
}

export async function listApiTokens(db: Db, actor: Actor): Promise<ApiToken[]> {
  return (await q.listApiTokenRows(db, actor.orgId, actor.userId)).map(toApiToken)
}

export async function revokeApiToken(db: Db, actor: Actor, id: string): Promise<ApiToken> {
  return db.transaction().execute(async (trx) => {
    const row = await q.revokeApiTokenRow(trx, actor.orgId, actor.userId, id)
    if (!row) throw notFound('API token')
    const apiToken = toApiToken(row)
    await recordAudit(trx, actor, 'api_token.revoked', 'api_token', id, null, apiToken)
    return apiToken
  })
}
