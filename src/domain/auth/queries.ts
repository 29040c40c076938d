import type { Db } from '../../db/connect.ts'

export function insertSession(db: Db, values: { id: string; org_id: string; user_id: string; csrf_token: string; expires_at: Date }) {
  return db.insertInto('sessions').values(values).execute()
}

/** The session and its active user, in one query (this runs on every cookie-authenticated request). */
export function findSession(db: Db, sessionHash: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 's.org_id').onRef('u.id', '=', 's.user_id'))
    .select(['s.id', 's.org_id', 's.user_id', 's.csrf_token', 's.expires_at', 'u.role', 'u.name', 'u.archived_at'])
    .where('s.id', '=', sessionHash)
    .executeTakeFirst()
}

export function deleteSession(db: Db, sessionHash: string) {
  return db.deleteFrom('sessions').where('id', '=', sessionHash).execute()
}

export function deleteUserSessions(db: Db, orgId: string, userId: string, exceptId?: string) {
  let q = db.deleteFrom('sessions').where('org_id', '=', orgId).where('user_id', '=', userId)
  if (exceptId) q = q.where('id', '<>', exceptId)
  return q.execute()
}

export const TOKEN_COLUMNS = ['id', 'user_id', 'name', 'token_prefix', 'created_at', 'last_used_at', 'revoked_at'] as const

export function insertApiToken(db: Db, values: { org_id: string; user_id: string; name: string; token_hash: string; token_prefix: string }) {
  return db.insertInto('api_tokens').values(values).returning(TOKEN_COLUMNS).executeTakeFirstOrThrow()
}

export function findApiToken(db: Db, tokenHash: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 't.org_id').onRef('u.id', '=', 't.user_id'))
    .select(['t.id', 't.org_id', 't.user_id', 't.revoked_at', 't.last_used_at', 'u.role', 'u.name', 'u.archived_at'])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst()
}

export function touchApiToken(db: Db, id: string) {
  return db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', id).execute()
}

export function listApiTokenRows(db: Db, orgId: string, userId: string) {
  return db.selectFrom('api_tokens').select(TOKEN_COLUMNS).where('org_id', '=', orgId).where('user_id', '=', userId).orderBy('created_at', 'desc').execute()
}

export function revokeApiTokenRow(db: Db, orgId: string, userId: string, id: string) {
  return db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(TOKEN_COLUMNS)
    .executeTakeFirst()
}

export function revokeUserTokens(db: Db, orgId: string, userId: string) {
  return db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('org_id', '=', orgId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute()
}
