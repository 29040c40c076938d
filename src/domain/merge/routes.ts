import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import { AccountSchema } from '../accounts/schema.ts'
import { StakeholderSchema } from '../stakeholders/schema.ts'
import { MergeBodySchema, MergeSuggestionsSchema } from './schema.ts'
import { mergeAccounts, mergeStakeholders, suggestMerges } from './service.ts'

export const mergeRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.post('/api/v1/stakeholders/:stakeholderId/merge', {
    preHandler: requireRecords,
    schema: {
      operationId: 'mergeStakeholders', tags: ['stakeholders'], summary: 'Fold a duplicate into this stakeholder: experiences, relationships, notes and addresses move; the duplicate is archived',
      params: Type.Object({ stakeholderId: Uuid }), body: MergeBodySchema, response: { 200: StakeholderSchema },
    },
  }, async (req) => mergeStakeholders(db, actorOf(req), req.params.stakeholderId, req.body.mergeId))

  app.post('/api/v1/accounts/:accountId/merge', {
    preHandler: requireRecords,
    schema: {
      operationId: 'mergeAccounts', tags: ['accounts'], summary: 'Fold a duplicate into this account: stakeholders, experiences, domains and notes move; the duplicate is archived',
      params: Type.Object({ accountId: Uuid }), body: MergeBodySchema, response: { 200: AccountSchema },
    },
  }, async (req) => mergeAccounts(db, actorOf(req), req.params.accountId, req.body.mergeId))

  app.get('/api/v1/merge-suggestions', {
    preHandler: requireRecords,
    schema: {
      operationId: 'listMergeSuggestions', tags: ['stakeholders', 'accounts'], summary: 'Likely duplicates among stakeholders and accounts',
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }),
      response: { 200: MergeSuggestionsSchema },
    },
  }, async (req) => suggestMerges(db, actorOf(req), req.query.limit))
}
