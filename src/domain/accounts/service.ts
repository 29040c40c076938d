import type { Db } from '../../db/connect.ts'
import { invalidReference, notFound } from '../../lib/errors.ts'
import { parseSort } from '../../lib/keyset.ts'
import { DEFAULT_PAGE_SIZE, toPage } from '../../lib/pagination.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { settleQueuedAccounts } from '../trust/refresh.ts'
import { getUserRow } from '../users/queries.ts'
import * as q from './queries.ts'
import { toAccount, type Account, type CreateAccountBody, type ListAccountsQuery, type UpdateAccountBody } from './schema.ts'

function toValues(body: UpdateAccountBody): q.AccountValues {
  return {
    name: body.name?.trim(),
    domains: body.domains?.map((d) => d.toLowerCase()),
    tier: body.tier,
    industry: body.industry,
    owner_id: body.ownerId,
    status: body.status,
    notes: body.notes,
  }
}

async function checkOwner(db: Db, orgId: string, ownerId: string | null | undefined) {
  if (!ownerId) return
  const owner = await getUserRow(db, orgId, ownerId)
  if (!owner) throw invalidReference('#/ownerId', 'is not a user of this organisation')
}

// Reads of account scores settle the organisation's queued ones first (trust/refresh.ts): a
// reader sees the scores of its own writes, not those of a second ago.

export async function getAccount(db: Db, actor: Actor, id: string): Promise<Account> {
  await settleQueuedAccounts(db, { orgId: actor.orgId })
  const row = await q.getAccountRow(db, actor.orgId, id)
  if (!row) throw notFound('Account')
  return toAccount(row)
}

export async function listAccounts(db: Db, actor: Actor, query: ListAccountsQuery) {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE
  await settleQueuedAccounts(db, { orgId: actor.orgId })
  const { rows, cursorOf } = q.listAccountRows(db, actor.orgId, query, parseSort(query.sort, 'name'), query.cursor, limit)
  return toPage(await rows, limit, toAccount, cursorOf)
}

export async function createAccount(db: Db, actor: Actor, body: CreateAccountBody): Promise<Account> {
  return db.transaction().execute(async (trx) => {
    await checkOwner(trx, actor.orgId, body.ownerId)
    const row = await q.insertAccount(trx, actor.orgId, { ...toValues(body), name: body.name.trim(), owner_id: body.ownerId ?? actor.userId })
    const account = toAccount(row)
    await recordAudit(trx, actor, 'account.created', 'account', row.id, null, account)
    return account
  })
}

export async function updateAccount(db: Db, actor: Actor, id: string, body: UpdateAccountBody): Promise<Account> {
  return db.transaction().execute(async (trx) => {
    const before = await q.getAccountRow(trx, actor.orgId, id)
    if (!before) throw notFound('Account')
    await checkOwner(trx, actor.orgId, body.ownerId)
    const row = await q.updateAccountRow(trx, actor.orgId, id, toValues(body))
    if (!row) throw notFound('Account')
    const account = toAccount(row)
    await recordAudit(trx, actor, 'account.updated', 'account', id, toAccount(before), account)
    return account
  })
}

/** Archive or restore an account; archived accounts leave lists but keep their history. */
export async function setAccountArchived(db: Db, actor: Actor, id: string, isArchived: boolean): Promise<Account> {
  return db.transaction().execute(async (trx) => {
    const before = await q.getAccountRow(trx, actor.orgId, id)
    if (!before) throw notFound('Account')
    const row = await q.updateAccountRow(trx, actor.orgId, id, { archived_at: isArchived ? (before.archived_at ?? new Date()) : null })
    if (!row) throw notFound('Account')
    const account = toAccount(row)
    await recordAudit(trx, actor, isArchived ? 'account.archived' : 'account.restored', 'account', id, toAccount(before), account)
    return account
  })
}
