import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import { AccountTrustSchema, AsOfQuerySchema, AttentionItemSchema, AttentionQuerySchema, RelationshipTrustSchema, StakeholderTrustSchema } from './schema.ts'
import { getAccountTrust, getRelationshipTrust, getStakeholderTrust, listAttention } from './service.ts'

const tags = ['trust']

export const trustRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/relationships/:relationshipId/trust', {
    preHandler: requireRecords,
    schema: { operationId: 'getRelationshipTrust', tags, summary: 'A relationship\'s trust score as of any date, the experiences behind it and its weekly trend', params: Type.Object({ relationshipId: Uuid }), querystring: AsOfQuerySchema, response: { 200: RelationshipTrustSchema } },
  }, async (req) => getRelationshipTrust(db, actorOf(req), req.params.relationshipId, req.query.asOf))

  app.get('/api/v1/stakeholders/:stakeholderId/trust', {
    preHandler: requireRecords,
    schema: { operationId: 'getStakeholderTrust', tags, summary: 'A stakeholder\'s trust in us across all our people, explained, with trend', params: Type.Object({ stakeholderId: Uuid }), querystring: AsOfQuerySchema, response: { 200: StakeholderTrustSchema } },
  }, async (req) => getStakeholderTrust(db, actorOf(req), req.params.stakeholderId, req.query.asOf))

  app.get('/api/v1/accounts/:accountId/trust', {
    preHandler: requireRecords,
    schema: { operationId: 'getAccountTrust', tags, summary: 'An account\'s trust: stakeholders weighted by influence × importance, with trend', params: Type.Object({ accountId: Uuid }), querystring: AsOfQuerySchema, response: { 200: AccountTrustSchema } },
  }, async (req) => getAccountTrust(db, actorOf(req), req.params.accountId, req.query.asOf))

  app.get('/api/v1/trust/attention', {
    preHandler: requireRecords,
    schema: { operationId: 'listAttention', tags, summary: 'Cold and cooling relationships, most important first, with a suggested next step', querystring: AttentionQuerySchema, response: { 200: Type.Object({ items: Type.Array(AttentionItemSchema) }) } },
  }, async (req) => ({ items: await listAttention(db, actorOf(req), req.query) }))
}
