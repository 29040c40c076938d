import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Insertable } from 'kysely'
import type { UsersTable } from '../../db/schema.ts'

export const USER_COLUMNS = ['id', 'org_id', 'email', 'name', 'role', 'manager_id', 'created_at', 'updated_at', 'archived_at', 'time_zone'] as const

export function getUserRow(db: Db, orgId: string, userId: string) {
  return db.selectFrom('users').select(USER_COLUMNS).where('org_id', '=', orgId).where('id', '=', userId).executeTakeFirst()
}

/** Login looks users up across organisations: an email belongs to one user in one organisation. */
export function findUserForLogin(db: Db, email: string) {
  return db
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst()
}

export function findUserByEmail(db: Db, orgId: string, email: string) {
  return db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('org_id', '=', orgId)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst()
}

export function getPasswordHash(db: Db, orgId: string, userId: string) {
  return db.selectFrom('users').select('password_hash').where('org_id', '=', orgId).where('id', '=', userId).executeTakeFirst()
}

export function listUserRows(db: Db, orgId: string, filter: { ids?: string[] | undefined; includeArchived?: boolean | undefined }) {
  let q = db.selectFrom('users').select(USER_COLUMNS).where('org_id', '=', orgId)
  if (filter.ids) q = filter.ids.length > 0 ? q.where('id', 'in', filter.ids) : q.where(sql<boolean>`false`)
  if (!filter.includeArchived) q = q.where('archived_at', 'is', null)
  return q.orderBy('name').orderBy('id').execute()
}

export function insertUser(db: Db, values: Insertable<UsersTable>) {
  return db.insertInto('users').values(values).returning(USER_COLUMNS).executeTakeFirstOrThrow()
}

export function updateUserRow(db: Db, orgId: string, userId: string, values: { name?: string; role?: string; manager_id?: string | null; password_hash?: string; archived_at?: Date | null; time_zone?: string | undefined }) {
  return db
    .updateTable('users')
    .set({ ...values, updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .returning(USER_COLUMNS)
    .executeTakeFirst()
}

/** The ids of a user and everyone below them in the reporting line. */
export async function listSubtreeIds(db: Db, orgId: string, rootId: string): Promise<string[]> {
  const rows = await db
    .withRecursive('tree', (qc) =>
      qc
        .selectFrom('users')
        .select('id')
        .where('org_id', '=', orgId)
        .where('id', '=', rootId)
        .union((qb) => qb.selectFrom('users as u').innerJoin('tree as t', 't.id', 'u.manager_id').select('u.id').where('u.org_id', '=', orgId)),
    )
    .selectFrom('tree')
    .select('id')
    .execute()
  return rows.map((r) => r.id)
}

export const INVITATION_COLUMNS = ['id', 'org_id', 'email', 'role', 'manager_id', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'] as const

export function insertInvitation(db: Db, values: { org_id: string; email: string; role: string; manager_id: string | null; token_hash: string; invited_by: string | null; expires_at: Date }) {
  return db.insertInto('invitations').values(values).returning(INVITATION_COLUMNS).executeTakeFirstOrThrow()
}

export function listInvitationRows(db: Db, orgId: string) {
  return db.selectFrom('invitations').select(INVITATION_COLUMNS).where('org_id', '=', orgId).orderBy('created_at', 'desc').limit(500).execute()
}

export function findInvitationByTokenHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('organisations as o', 'o.id', 'i.org_id')
    .select(['i.id', 'i.org_id', 'i.email', 'i.role', 'i.manager_id', 'i.created_at', 'i.expires_at', 'i.accepted_at', 'i.revoked_at', 'o.name as org_name'])
    .where('i.token_hash', '=', tokenHash)
    .executeTakeFirst()
}

export function markInvitation(db: Db, orgId: string, id: string, values: { accepted_at?: Date; revoked_at?: Date }) {
  return db
    .updateTable('invitations')
    .set(values)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning(INVITATION_COLUMNS)
    .executeTakeFirst()
}

/** A user's own time zone (UTC until they choose one). */
export async function getUserTimeZone(db: Db, orgId: string, userId: string): Promise<string> {
  const row = await db.selectFrom('users').select('time_zone').where('org_id', '=', orgId).where('id', '=', userId).executeTakeFirst()
  return row?.time_zone ?? 'UTC'
}
