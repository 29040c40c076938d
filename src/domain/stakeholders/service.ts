import type { Db } from '../../db/connect.ts'
import { AppError, invalidReference, notFound, unprocessable } from '../../lib/errors.ts'
import { parseSort } from '../../lib/keyset.ts'
import { DEFAULT_PAGE_SIZE, toPage } from '../../lib/pagination.ts'
import { getAccountRow } from '../accounts/queries.ts'
import { recordAudit } from '../audit/queries.ts'
import { erasePersonalMoments } from '../moments/personal-data.ts'
import type { Actor } from '../auth/roles.ts'
import { refreshWeightsOf } from '../trust/refresh.ts'
import * as q from './queries.ts'
import { searchTextOf, toStakeholder, type CreateStakeholderBody, type ListStakeholdersQuery, type Stakeholder, type StakeholderRowWithAccount, type UpdateStakeholderBody } from './schema.ts'

function normaliseEmails(emails: string[] | undefined): string[] | undefined {
  return emails ? [...new Set(emails.map((e) => e.trim().toLowerCase()))] : undefined
}

/** Check references and the consent rule, and compute the stored values of a create or update. */
async function toValues(db: Db, orgId: string, id: string | null, body: UpdateStakeholderBody, before?: StakeholderRowWithAccount): Promise<q.StakeholderValues> {
  if (body.accountId && !(await getAccountRow(db, orgId, body.accountId))) throw invalidReference('#/accountId', 'is not an account of this organisation')
  if (body.reportsToId) {
    if (body.reportsToId === id) throw unprocessable('#/reportsToId', 'a person cannot report to themselves')
    if (!(await q.getStakeholderRow(db, orgId, body.reportsToId))) throw invalidReference('#/reportsToId', 'is not a stakeholder of this organisation')
    if (id && (await q.listReportingChain(db, orgId, body.reportsToId)).includes(id)) throw unprocessable('#/reportsToId', 'would make the reporting line a loop')
  }
  const hasConsent = body.hasConsent ?? before?.has_consent ?? false
  const personalNotes = body.hasConsent === false ? null : body.personalNotes
  if (personalNotes && !hasConsent) throw unprocessable('#/personalNotes', 'personal notes need the stakeholder\'s consent (hasConsent)')
  const values: q.StakeholderValues = {
    account_id: body.accountId,
    name: body.name?.trim(),
    emails: normaliseEmails(body.emails),
    phones: body.phones,
    title: body.title,
    reports_to_id: body.reportsToId,
    influence: body.influence,
    attitude: body.attitude,
    goals: body.goals,
    pains: body.pains,
    interests: body.interests,
    personal_notes: personalNotes,
    has_consent: body.hasConsent,
    // Withdrawing consent erases the personal notes at once; granting it records when.
    consent_at: body.hasConsent === undefined ? undefined : body.hasConsent ? (before?.has_consent ? before.consent_at : new Date()) : null,
  }
  const name = values.name ?? before?.name ?? ''
  const emails = values.emails ?? before?.emails ?? []
  const title = values.title !== undefined ? values.title : (before?.title ?? null)
  values.search_text = searchTextOf({ name, emails, title })
  return values
}

export async function getStakeholder(db: Db, actor: Actor, id: string): Promise<Stakeholder> {
  const row = await q.getStakeholderRow(db, actor.orgId, id)
  if (!row) throw notFound('Stakeholder')
  return toStakeholder(row)
}

export async function listStakeholders(db: Db, actor: Actor, query: ListStakeholdersQuery) {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE
  const { rows, cursorOf } = q.listStakeholderRows(db, actor.orgId, query, parseSort(query.sort, 'name'), query.cursor, limit)
  return toPage(await rows, limit, toStakeholder, cursorOf)
}

export async function createStakeholder(db: Db, actor: Actor, body: CreateStakeholderBody): Promise<Stakeholder> {
  return db.transaction().execute(async (trx) => {
    const values = await toValues(trx, actor.orgId, null, body)
    const row = await q.insertStakeholder(trx, actor.orgId, { ...values, name: body.name.trim() })
    const stakeholder = toStakeholder(row)
    await recordAudit(trx, actor, 'stakeholder.created', 'stakeholder', row.id, null, stakeholder)
    return stakeholder
  })
}

export async function updateStakeholder(db: Db, actor: Actor, id: string, body: UpdateStakeholderBody): Promise<Stakeholder> {
  return db.transaction().execute(async (trx) => {
    const before = await q.getStakeholderRow(trx, actor.orgId, id)
    if (!before) throw notFound('Stakeholder')
    const row = await q.updateStakeholderRow(trx, actor.orgId, id, await toValues(trx, actor.orgId, id, body, before))
    if (!row) throw notFound('Stakeholder')
    // Withdrawn consent also erases personal moments and close people (professional moments stay).
    if (before.has_consent && !row.has_consent) await erasePersonalMoments(trx, actor.orgId, id, false)
    await refreshWeightsOf(trx, actor.orgId, before, row)
    const stakeholder = toStakeholder(row)
    await recordAudit(trx, actor, 'stakeholder.updated', 'stakeholder', id, toStakeholder(before), stakeholder)
    return stakeholder
  })
}

export async function setStakeholderArchived(db: Db, actor: Actor, id: string, isArchived: boolean): Promise<Stakeholder> {
  return db.transaction().execute(async (trx) => {
    const before = await q.getStakeholderRow(trx, actor.orgId, id)
    if (!before) throw notFound('Stakeholder')
    const row = await q.updateStakeholderRow(trx, actor.orgId, id, { archived_at: isArchived ? (before.archived_at ?? new Date()) : null })
    if (!row) throw new AppError('not_found', 'Stakeholder not found')
    await refreshWeightsOf(trx, actor.orgId, before, row)
    const stakeholder = toStakeholder(row)
    await recordAudit(trx, actor, isArchived ? 'stakeholder.archived' : 'stakeholder.restored', 'stakeholder', id, toStakeholder(before), stakeholder)
    return stakeholder
  })
}
