import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAdmin } from '../../http/guard.ts'
import { Nullable, Uuid } from '../../lib/schema.ts'
import { listAuditRows } from './queries.ts'

const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  actorId: Nullable(Uuid),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Nullable(Uuid),
  before: Type.Unknown(),
  after: Type.Unknown(),
  at: Type.String({ format: 'date-time' }),
})

export const auditRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/audit', {
    preHandler: requireAdmin,
    schema: {
      operationId: 'listAuditEntries', tags: ['audit'], summary: 'Every write: who, what, when, before and after (admin)',
      querystring: Type.Object({
        entityType: Type.Optional(Type.String({ maxLength: 50 })),
        entityId: Type.Optional(Uuid),
        before: Type.Optional(Type.Integer({ minimum: 1, description: 'Entries older than this id (the page cursor)' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema), nextBefore: Nullable(Type.Integer()) }) },
    },
  }, async (req) => {
    const limit = req.query.limit ?? 100
    const rows = await listAuditRows(db, actorOf(req).orgId, { entityType: req.query.entityType, entityId: req.query.entityId, beforeId: req.query.before, limit })
    const items = rows.map((r) => ({ id: Number(r.id), actorId: r.actor_id, action: r.action, entityType: r.entity_type, entityId: r.entity_id, before: r.before, after: r.after, at: r.at.toISOString() }))
    return { items, nextBefore: rows.length === limit ? (items[items.length - 1]?.id ?? null) : null }
  })
}
