import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAggregates, requireRecords } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import {
  CreateEscalationBodySchema, EscalationSchema, EscalationStatsQuerySchema, EscalationStatsSchema, ListEscalationsQuerySchema, ResolveBodySchema, RespondBodySchema,
} from './schema.ts'
import { computeEscalationStats, createEscalation, getEscalation, listEscalations, resolveEscalation, respondToEscalation } from './service.ts'

const Params = Type.Object({ escalationId: Uuid })
const tags = ['escalations']

export const escalationRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/escalations', {
    preHandler: requireRecords,
    schema: { operationId: 'listEscalations', tags, summary: 'Escalations and complaints, newest first, with times against their targets', querystring: ListEscalationsQuerySchema, response: { 200: Type.Object({ items: Type.Array(EscalationSchema) }) } },
  }, async (req) => ({ items: await listEscalations(db, actorOf(req), req.query) }))

  app.post('/api/v1/escalations', {
    preHandler: requireRecords,
    schema: { operationId: 'openEscalation', tags, summary: 'Open an escalation or complaint; it is a negative experience for the trust engine', body: CreateEscalationBodySchema, response: { 201: EscalationSchema } },
  }, async (req, reply) => reply.code(201).send(await createEscalation(db, actorOf(req), req.body)))

  app.get('/api/v1/escalations/:escalationId', {
    preHandler: requireRecords,
    schema: { operationId: 'getEscalation', tags, params: Params, response: { 200: EscalationSchema } },
  }, async (req) => getEscalation(db, actorOf(req), req.params.escalationId))

  app.post('/api/v1/escalations/:escalationId/respond', {
    preHandler: requireRecords,
    schema: { operationId: 'respondToEscalation', tags, summary: 'Record the first response (now, or `at`)', params: Params, body: RespondBodySchema, response: { 200: EscalationSchema } },
  }, async (req) => respondToEscalation(db, actorOf(req), req.params.escalationId, req.body?.at))

  app.post('/api/v1/escalations/:escalationId/resolve', {
    preHandler: requireRecords,
    schema: { operationId: 'resolveEscalation', tags, summary: 'Resolve, saying how', params: Params, body: ResolveBodySchema, response: { 200: EscalationSchema } },
  }, async (req) => resolveEscalation(db, actorOf(req), req.params.escalationId, req.body.resolution, req.body.at))

  app.get('/api/v1/escalation-stats', {
    preHandler: requireAggregates,
    schema: { operationId: 'getEscalationStats', tags, summary: 'Counts, median times, on-time rates and escalations per account, by period and account', querystring: EscalationStatsQuerySchema, response: { 200: EscalationStatsSchema } },
  }, async (req) => computeEscalationStats(db, actorOf(req), req.query))
}
