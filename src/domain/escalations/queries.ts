import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { ListEscalationsQuery } from './schema.ts'

function selectEscalations(db: Db, orgId: string) {
  return db
    .selectFrom('escalations as e')
    .innerJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 'e.org_id').onRef('a.id', '=', 'e.account_id'))
    .leftJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'e.org_id').onRef('s.id', '=', 'e.stakeholder_id'))
    .select([
      'e.id', 'e.kind', 'e.severity', 'e.account_id', 'a.name as account_name', 'e.stakeholder_id', 's.name as stakeholder_name', 'e.owner_id', 'e.title', 'e.description',
      'e.opened_at', 'e.first_response_at', 'e.resolved_at', 'e.resolution', 'e.response_target_hours', 'e.resolution_target_hours', 'e.experience_id', 'e.created_at',
    ])
    .where('e.org_id', '=', orgId)
}
export type EscalationRow = NonNullable<Awaited<ReturnType<typeof getEscalationRow>>>

export function getEscalationRow(db: Db, orgId: string, id: string) {
  return selectEscalations(db, orgId).where('e.id', '=', id).executeTakeFirst()
}

export function listEscalationRows(db: Db, orgId: string, query: Omit<ListEscalationsQuery, 'status'> & { status?: string | undefined }) {
  let q = selectEscalations(db, orgId)
  if (query.accountId) q = q.where('e.account_id', '=', query.accountId)
  if (query.ownerId) q = q.where('e.owner_id', '=', query.ownerId)
  if (query.kind) q = q.where('e.kind', '=', query.kind)
  if (query.status === 'open') q = q.where('e.resolved_at', 'is', null)
  if (query.status === 'resolved') q = q.where('e.resolved_at', 'is not', null)
  if (query.from) q = q.where('e.opened_at', '>=', new Date(query.from))
  if (query.to) q = q.where('e.opened_at', '<', new Date(query.to))
  return q.orderBy('e.opened_at', 'desc').orderBy('e.id').limit(query.limit ?? 100).execute()
}

export async function insertEscalation(db: Db, orgId: string, values: {
  kind: string; severity: string; account_id: string; stakeholder_id: string; owner_id: string | null; title: string; description: string | null; opened_at: Date
  response_target_hours: number; resolution_target_hours: number; experience_id: string | null; created_by: string | null
}) {
  const { id } = await db.insertInto('escalations').values({ ...values, org_id: orgId }).returning('id').executeTakeFirstOrThrow()
  return id
}

export function updateEscalationRow(db: Db, orgId: string, id: string, values: { first_response_at?: Date; resolved_at?: Date; resolution?: string }) {
  return db.updateTable('escalations').set({ ...values, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).execute()
}

export function findStakeholder(db: Db, orgId: string, id: string) {
  return db.selectFrom('stakeholders').select(['id', 'account_id']).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
}

export async function accountExists(db: Db, orgId: string, id: string) {
  return !!(await db.selectFrom('accounts').select('id').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst())
}

export async function accountOwner(db: Db, orgId: string, id: string) {
  return (await db.selectFrom('accounts').select('owner_id').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst())?.owner_id ?? null
}

export async function userExists(db: Db, orgId: string, id: string) {
  return !!(await db.selectFrom('users').select('id').where('org_id', '=', orgId).where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst())
}

export async function relationshipUsers(db: Db, orgId: string, stakeholderId: string) {
  return (await db.selectFrom('relationships').select('user_id').where('org_id', '=', orgId).where('stakeholder_id', '=', stakeholderId).where('archived_at', 'is', null).execute()).map((r) => r.user_id)
}

export async function countActiveAccounts(db: Db, orgId: string) {
  const row = await db.selectFrom('accounts').select(sql<number>`count(*)::int`.as('n')).where('org_id', '=', orgId).where('archived_at', 'is', null).executeTakeFirstOrThrow()
  return row.n
}
