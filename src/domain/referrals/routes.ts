import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import { AmbassadorSchema, CreateReferralBodySchema, ListReferralsQuerySchema, ReferralSchema, UpdateReferralBodySchema } from './schema.ts'
import { createReferral, getReferral, listAmbassadors, listReferrals, updateReferral } from './service.ts'

const Params = Type.Object({ referralId: Uuid })
const tags = ['referrals']

export const referralRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/referrals', {
    preHandler: requireRecords,
    schema: { operationId: 'listReferrals', tags, summary: 'Who referred whom, newest first', querystring: ListReferralsQuerySchema, response: { 200: Type.Object({ items: Type.Array(ReferralSchema) }) } },
  }, async (req) => ({ items: await listReferrals(db, actorOf(req), req.query) }))

  app.post('/api/v1/referrals', {
    preHandler: requireRecords,
    schema: { operationId: 'createReferral', tags, summary: 'Record a referral; a strong positive experience with the referrer', body: CreateReferralBodySchema, response: { 201: ReferralSchema } },
  }, async (req, reply) => reply.code(201).send(await createReferral(db, actorOf(req), req.body)))

  app.get('/api/v1/referrals/:referralId', {
    preHandler: requireRecords,
    schema: { operationId: 'getReferral', tags, params: Params, response: { 200: ReferralSchema } },
  }, async (req) => getReferral(db, actorOf(req), req.params.referralId))

  app.patch('/api/v1/referrals/:referralId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateReferral', tags, summary: 'Status and value of the business that came from it', params: Params, body: UpdateReferralBodySchema, response: { 200: ReferralSchema } },
  }, async (req) => updateReferral(db, actorOf(req), req.params.referralId, req.body))

  app.get('/api/v1/ambassadors', {
    preHandler: requireRecords,
    schema: {
      operationId: 'listAmbassadors', tags, summary: 'Stakeholders who referred someone or answered NPS with 9–10',
      querystring: Type.Object({ accountId: Type.Optional(Uuid) }, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(AmbassadorSchema) }) },
    },
  }, async (req) => ({ items: await listAmbassadors(db, actorOf(req), req.query.accountId) }))
}
