import type { Db } from '../../db/connect.ts'
import { AppError, invalidReference, notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import { deleteUserSessions, revokeUserTokens } from '../auth/queries.ts'
import type { Actor, Role } from '../auth/roles.ts'
import { hashPassword, hashToken, newToken } from '../auth/secrets.ts'
import { createSession } from '../auth/service.ts'
import { isValidTimeZone } from '../moments/dates.ts'
import * as q from './queries.ts'
import { toInvitation, toUser, type CreateInvitationBody, type Invitation, type UpdateMeBody, type UpdateUserBody, type User } from './schema.ts'

export const INVITATION_DAYS = 7

export async function getUser(db: Db, actor: Actor, userId: string): Promise<User> {
  const row = await q.getUserRow(db, actor.orgId, userId)
  if (!row) throw notFound('User')
  return toUser(row)
}

export async function listUsers(db: Db, actor: Actor, filter: { subtreeOf?: string | undefined; includeArchived?: boolean | undefined }): Promise<User[]> {
  const rootId = filter.subtreeOf === 'me' ? actor.userId : filter.subtreeOf
  const ids = rootId ? await q.listSubtreeIds(db, actor.orgId, rootId) : undefined
  return (await q.listUserRows(db, actor.orgId, { ids, includeArchived: filter.includeArchived })).map(toUser)
}

/** A manager must exist in the organisation and must not sit below the user (no cycles in the reporting line). */
async function checkManager(db: Db, orgId: string, userId: string | null, managerId: string | null | undefined, pointer: string) {
  if (!managerId) return
  const manager = await q.getUserRow(db, orgId, managerId)
  if (!manager || manager.archived_at) throw invalidReference(pointer, 'is not an active user of this organisation')
  if (userId && (await q.listSubtreeIds(db, orgId, userId)).includes(managerId)) {
    throw new AppError('unprocessable', 'A user cannot report to someone in their own team', [{ pointer, detail: 'would make the reporting line a loop' }])
  }
}

export async function createUser(db: Db, actor: Actor, input: { email: string; name: string; role: Role; managerId?: string | null; password?: string }): Promise<User> {
  const passwordHash = input.password ? await hashPassword(input.password) : null
  return db.transaction().execute(async (trx) => {
    await checkManager(trx, actor.orgId, null, input.managerId, '#/managerId')
    const row = await q.insertUser(trx, { org_id: actor.orgId, email: input.email, name: input.name, role: input.role, manager_id: input.managerId ?? null, password_hash: passwordHash })
    const user = toUser(row)
    await recordAudit(trx, actor, 'user.created', 'user', row.id, null, user)
    return user
  })
}

function checkTimeZone(timeZone: string | undefined) {
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    throw new AppError('invalid_request', 'Unknown time zone', [{ pointer: '#/timeZone', detail: 'is not an IANA time zone (e.g. Europe/Paris)' }])
  }
}

export async function updateUser(db: Db, actor: Actor, userId: string, body: UpdateUserBody): Promise<User> {
  checkTimeZone(body.timeZone)
  return db.transaction().execute(async (trx) => {
    const before = await q.getUserRow(trx, actor.orgId, userId)
    if (!before) throw notFound('User')
    await checkManager(trx, actor.orgId, userId, body.managerId, '#/managerId')
    if (before.role === 'admin' && body.role && body.role !== 'admin') await ensureAnotherAdmin(trx, actor.orgId, userId)
    const row = await q.updateUserRow(trx, actor.orgId, userId, { name: body.name, role: body.role, manager_id: body.managerId, time_zone: body.timeZone })
    if (!row) throw notFound('User')
    const user = toUser(row)
    await recordAudit(trx, actor, 'user.updated', 'user', userId, toUser(before), user)
    return user
  })
}

/** A user changes their own name or time zone. */
export async function updateMe(db: Db, actor: Actor, body: UpdateMeBody): Promise<User> {
  checkTimeZone(body.timeZone)
  return db.transaction().execute(async (trx) => {
    const before = await q.getUserRow(trx, actor.orgId, actor.userId)
    if (!before) throw notFound('User')
    const row = await q.updateUserRow(trx, actor.orgId, actor.userId, { name: body.name, time_zone: body.timeZone })
    if (!row) throw notFound('User')
    const user = toUser(row)
    await recordAudit(trx, actor, 'user.updated', 'user', actor.userId, toUser(before), user)
    return user
  })
}

async function ensureAnotherAdmin(db: Db, orgId: string, userId: string) {
  const admins = (await q.listUserRows(db, orgId, {})).filter((u) => u.role === 'admin' && u.id !== userId)
  if (admins.length === 0) throw new AppError('unprocessable', 'An organisation needs at least one active admin')
}

/** Archive (deactivate) a user: their sessions end and their API tokens are revoked; their records stay. */
export async function archiveUser(db: Db, actor: Actor, userId: string): Promise<User> {
  if (userId === actor.userId) throw new AppError('unprocessable', 'You cannot archive yourself')
  return db.transaction().execute(async (trx) => {
    const before = await q.getUserRow(trx, actor.orgId, userId)
    if (!before) throw notFound('User')
    if (before.role === 'admin') await ensureAnotherAdmin(trx, actor.orgId, userId)
    const row = await q.updateUserRow(trx, actor.orgId, userId, { archived_at: before.archived_at ?? new Date() })
    if (!row) throw notFound('User')
    await deleteUserSessions(trx, actor.orgId, userId)
    await revokeUserTokens(trx, actor.orgId, userId)
    const user = toUser(row)
    await recordAudit(trx, actor, 'user.archived', 'user', userId, toUser(before), user)
    return user
  })
}

export async function createInvitation(db: Db, actor: Actor, body: CreateInvitationBody, publicUrl: string): Promise<{ invitation: Invitation; token: string; url: string }> {
  const token = newToken()
  return db.transaction().execute(async (trx) => {
    if (await q.findUserForLogin(trx, body.email)) {
      throw new AppError('conflict', 'A user with this email already exists', [{ pointer: '#/email', detail: 'already belongs to a user' }])
    }
    await checkManager(trx, actor.orgId, null, body.managerId, '#/managerId')
    const row = await q.insertInvitation(trx, {
      org_id: actor.orgId,
      email: body.email,
      role: body.role,
      manager_id: body.managerId ?? null,
      token_hash: hashToken(token),
      invited_by: actor.via === 'system' ? null : actor.userId,
      expires_at: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
    })
    const invitation = toInvitation(row)
    await recordAudit(trx, actor, 'invitation.created', 'invitation', row.id, null, invitation)
    return { invitation, token, url: `${publicUrl}/invite/${token}` }
  })
}

export async function listInvitations(db: Db, actor: Actor): Promise<Invitation[]> {
  return (await q.listInvitationRows(db, actor.orgId)).map(toInvitation)
}

export async function revokeInvitation(db: Db, actor: Actor, id: string): Promise<Invitation> {
  return db.transaction().execute(async (trx) => {
    const row = await q.markInvitation(trx, actor.orgId, id, { revoked_at: new Date() })
    if (!row) throw notFound('Open invitation')
    const invitation = toInvitation(row)
    await recordAudit(trx, actor, 'invitation.revoked', 'invitation', id, null, invitation)
    return invitation
  })
}

/** An invitation that can still be accepted, by its token; anything else is simply not found. */
async function findOpenInvitation(db: Db, token: string) {
  const row = await q.findInvitationByTokenHash(db, hashToken(token))
  if (!row || row.accepted_at || row.revoked_at || row.expires_at.getTime() < Date.now()) throw notFound('Invitation')
  return row
}

export async function previewInvitation(db: Db, token: string) {
  const row = await findOpenInvitation(db, token)
  return { email: row.email, role: row.role as Role, organisation: row.org_name, expiresAt: row.expires_at.toISOString() }
}

/** Accept an invitation: creates the user, uses the invitation up and starts a session. */
export async function acceptInvitation(db: Db, token: string, name: string, password: string) {
  const passwordHash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const inv = await findOpenInvitation(trx, token)
    // Marking it first makes a second, concurrent acceptance find nothing to mark.
    const marked = await q.markInvitation(trx, inv.org_id, inv.id, { accepted_at: new Date() })
    if (!marked) throw notFound('Invitation')
    const row = await q.insertUser(trx, { org_id: inv.org_id, email: inv.email, name, role: inv.role, manager_id: inv.manager_id, password_hash: passwordHash })
    const user = toUser(row)
    const actor: Actor = { orgId: inv.org_id, userId: row.id, role: user.role, name, via: 'session' }
    await recordAudit(trx, actor, 'invitation.accepted', 'user', row.id, null, user)
    const session = await createSession(trx, inv.org_id, row.id)
    return { user, ...session }
  })
}
