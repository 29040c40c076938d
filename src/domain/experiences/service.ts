import type { Db } from '../../db/connect.ts'
import { AppError, forbidden, invalidReference, notFound, type FieldError } from '../../lib/errors.ts'
import { DEFAULT_PAGE_SIZE, toPage } from '../../lib/pagination.ts'
import { inTransaction } from '../../lib/transaction.ts'
import { getAccountRow } from '../accounts/queries.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { patchHistoriesInThisTransaction } from '../trust/queries.ts'
import { refreshTrustAfterWrite } from '../trust/refresh.ts'
import { forViewer, hasPrivateTitle, isTitleHidden, managedIfPrivate } from './privacy.ts'
import * as q from './queries.ts'
import {
  EARLIEST_EXPERIENCE, FUTURE_TOLERANCE_MS, toExperience,
  type CreateExperienceBody, type Experience, type ListExperiencesQuery, type UpdateExperienceBody,
} from './schema.ts'

/** An experience cannot be dated before 1990 or more than a day ahead: such dates are typos or bogus imports. */
export function checkOccurredAt(value: string, now = Date.now()): Date {
  const date = new Date(value)
  if (date.getTime() > now + FUTURE_TOLERANCE_MS) throw new AppError('unprocessable', 'An experience cannot be in the future', [{ pointer: '#/occurredAt', detail: 'is in the future' }])
  if (date.getTime() < Date.parse(EARLIEST_EXPERIENCE)) throw new AppError('unprocessable', 'The date is too far in the past', [{ pointer: '#/occurredAt', detail: `is before ${EARLIEST_EXPERIENCE.slice(0, 10)}` }])
  return date
}

/** Check that the participants belong to the organisation; returns each stakeholder's account. */
async function checkParticipants(db: Db, orgId: string, stakeholderIds: string[] | undefined, userIds: string[] | undefined) {
  const errors: FieldError[] = []
  const found = await q.findParticipants(db, orgId, stakeholderIds ?? [], userIds ?? [])
  stakeholderIds?.forEach((id, i) => found.stakeholders.has(id) || errors.push({ pointer: `#/stakeholderIds/${i}`, detail: 'is not a stakeholder of this organisation' }))
  userIds?.forEach((id, i) => found.users.has(id) || errors.push({ pointer: `#/userIds/${i}`, detail: 'is not a user of this organisation' }))
  if (errors.length) throw new AppError('invalid_reference', 'Some participants do not exist in this organisation', errors)
  return found.stakeholders
}

/** The account of an experience: the one given, or else the account of its first stakeholder. */
async function resolveAccount(db: Db, orgId: string, accountId: string | null | undefined, stakeholderIds: string[] | undefined, accounts: ReadonlyMap<string, string | null>) {
  if (accountId) {
    if (!(await getAccountRow(db, orgId, accountId))) throw invalidReference('#/accountId', 'is not an account of this organisation')
    return accountId
  }
  if (accountId === null || !stakeholderIds?.length) return accountId
  return accounts.get(stakeholderIds[0]!) ?? null
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])]

async function load(db: Db, orgId: string, id: string): Promise<Experience> {
  const row = await q.getExperienceRow(db, orgId, id)
  if (!row) throw notFound('Experience')
  return toExperience(row)
}

/**
 * Experiences as the actor may see them (titles of mail they are not part of withheld). Who the
 * actor manages is read once, and only when some title could be private.
 */
async function forActor(db: Db, actor: Actor, experiences: Experience[]): Promise<Experience[]> {
  const managed = await managedIfPrivate(db, actor, experiences)
  return experiences.map((e) => forViewer(e, managed))
}

const oneForActor = async (db: Db, actor: Actor, experience: Experience) => (await forActor(db, actor, [experience]))[0]!

export async function getExperience(db: Db, actor: Actor, id: string): Promise<Experience> {
  return oneForActor(db, actor, await load(db, actor.orgId, id))
}

export async function listExperiences(db: Db, actor: Actor, query: ListExperiencesQuery) {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE
  const { rows, cursorOf } = q.listExperienceRows(db, actor.orgId, query, query.sort !== 'occurredAt', query.cursor, limit)
  const page = toPage(await rows, limit, toExperience, cursorOf)
  return { ...page, items: await forActor(db, actor, page.items) }
}

/**
 * An experience to change, its row locked until the transaction ends: two writes to one experience
 * take turns, so the second sees the participants the first left (their scores and stored trust
 * histories are refreshed from what it reads).
 */
async function loadForWrite(db: Db, orgId: string, id: string): Promise<Experience> {
  await q.lockExperienceRow(db, orgId, id)
  return load(db, orgId, id)
}

/** Log an experience. The same source + externalId is accepted once (409 the second time). */
export async function createExperience(db: Db, actor: Actor, body: CreateExperienceBody): Promise<Experience> {
  const occurredAt = checkOccurredAt(body.occurredAt)
  const userIds = body.userIds ?? [actor.userId]
  const source = body.source ?? 'manual'
  return inTransaction(db, async (trx) => {
    const accounts = await checkParticipants(trx, actor.orgId, body.stakeholderIds, userIds)
    if (body.externalId && (await q.findExperienceByExternalId(trx, actor.orgId, source, body.externalId))) {
      throw new AppError('conflict', 'This experience was already recorded', [{ pointer: '#/externalId', detail: `already used for source ${source}` }])
    }
    // The refresh below patches the stored trust histories with this experience (migration 0016).
    await patchHistoriesInThisTransaction(trx)
    const row = await q.insertExperienceWithParticipants(trx, actor.orgId, {
      occurred_at: occurredAt,
      kind: body.kind,
      valence: body.valence ?? null,
      direction: body.direction,
      initiator: body.initiator,
      depth: body.depth,
      title: body.title,
      notes: body.notes,
      source,
      external_id: body.externalId ?? null,
      account_id: await resolveAccount(trx, actor.orgId, body.accountId, body.stakeholderIds, accounts),
      created_by: actor.via === 'system' ? null : actor.userId,
    }, body.stakeholderIds, userIds)
    const experience = toExperience(row)
    await refreshTrustAfterWrite(trx, actor.orgId, experience.stakeholderIds, experience.userIds, new Date(), [experience.id])
    await recordAudit(trx, actor, 'experience.created', 'experience', experience.id, null, experience)
    return oneForActor(trx, actor, experience)
  })
}

export async function updateExperience(db: Db, actor: Actor, id: string, body: UpdateExperienceBody): Promise<Experience> {
  const occurredAt = body.occurredAt === undefined ? undefined : checkOccurredAt(body.occurredAt)
  return db.transaction().execute(async (trx) => {
    const before = await loadForWrite(trx, actor.orgId, id)
    // Mail: who may see its subject depends on who took part, so those who may not cannot change either.
    const managed = await managedIfPrivate(trx, actor, [before])
    if (isTitleHidden(before, before.userIds, managed) && (body.userIds !== undefined || body.title !== undefined)) {
      throw forbidden('Only the people in this mail, their managers and admins can change its subject or who took part')
    }
    const accounts = await checkParticipants(trx, actor.orgId, body.stakeholderIds, body.userIds)
    const accountId = body.accountId !== undefined || body.stakeholderIds ? await resolveAccount(trx, actor.orgId, body.accountId, body.stakeholderIds, accounts) : undefined
    await patchHistoriesInThisTransaction(trx)
    await q.updateExperienceRow(trx, actor.orgId, id, {
      occurred_at: occurredAt,
      kind: body.kind,
      valence: body.valence,
      direction: body.direction,
      initiator: body.initiator,
      depth: body.depth,
      title: body.title,
      notes: body.notes,
      account_id: accountId,
    })
    await q.setParticipants(trx, actor.orgId, id, body.stakeholderIds, body.userIds)
    const experience = await load(trx, actor.orgId, id)
    // Participants may have changed: refresh the scores of everyone before and after.
    await refreshTrustAfterWrite(trx, actor.orgId, union(before.stakeholderIds, experience.stakeholderIds), union(before.userIds, experience.userIds), new Date(), [id])
    await recordAudit(trx, actor, 'experience.updated', 'experience', id, before, experience)
    // Its title may have been set just now: judged like any other.
    return hasPrivateTitle(before) ? forViewer(experience, managed) : oneForActor(trx, actor, experience)
  })
}

/** Archive (remove from scores and timelines) or restore an experience. */
export async function setExperienceArchived(db: Db, actor: Actor, id: string, isArchived: boolean): Promise<Experience> {
  return db.transaction().execute(async (trx) => {
    const before = await loadForWrite(trx, actor.orgId, id)
    await patchHistoriesInThisTransaction(trx)
    await q.updateExperienceRow(trx, actor.orgId, id, { archived_at: isArchived ? (before.archivedAt ? new Date(before.archivedAt) : new Date()) : null })
    const experience = await load(trx, actor.orgId, id)
    await refreshTrustAfterWrite(trx, actor.orgId, experience.stakeholderIds, experience.userIds, new Date(), [id])
    await recordAudit(trx, actor, isArchived ? 'experience.archived' : 'experience.restored', 'experience', id, before, experience)
    return oneForActor(trx, actor, experience)
  })
}
