import type { Db } from '../../db/connect.ts'
import type { Actor } from '../auth/roles.ts'

/** Record one write in the audit log, in the caller's transaction. Dates and all fields are kept as JSON. */
export async function recordAudit(
  db: Db,
  actor: Pick<Actor, 'orgId' | 'userId' | 'via'>,
  action: string,
  entityType: string,
  entityId: string | null,
  before: unknown,
  after: unknown,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      org_id: actor.orgId,
      actor_id: actor.via === 'system' ? null : actor.userId,
      action,
      entity_type: entityType,
      entity_id: entityId,
      before: before === undefined || before === null ? null : JSON.stringify(redact(before)),
      after: after === undefined || after === null ? null : JSON.stringify(redact(after)),
    })
    .execute()
}

// Secrets never enter the audit log, even hashed.
const SECRET_FIELDS = new Set(['password_hash', 'token_hash', 'passwordHash', 'tokenHash'])
function redact(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return value
  return Object.fromEntries(Object.entries(value).filter(([k]) => !SECRET_FIELDS.has(k)))
}

export const AUDIT_COLUMNS = ['id', 'actor_id', 'action', 'entity_type', 'entity_id', 'before', 'after', 'at'] as const

export function listAuditRows(db: Db, orgId: string, filter: { entityType?: string | undefined; entityId?: string | undefined; beforeId?: number | undefined; limit: number }) {
  let q = db.selectFrom('audit_log').select(AUDIT_COLUMNS).where('org_id', '=', orgId)
  if (filter.entityType) q = q.where('entity_type', '=', filter.entityType)
  if (filter.entityId) q = q.where('entity_id', '=', filter.entityId)
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId)
  return q.orderBy('id', 'desc').limit(filter.limit).execute()
}
