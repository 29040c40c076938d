import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { PageSchema } from '../../lib/pagination.ts'
import { Uuid } from '../../lib/schema.ts'
import { CreateStakeholderBodySchema, ListStakeholdersQuerySchema, StakeholderSchema, UpdateStakeholderBodySchema } from './schema.ts'
import { createStakeholder, getStakeholder, listStakeholders, setStakeholderArchived, updateStakeholder } from './service.ts'

const Params = Type.Object({ stakeholderId: Uuid })
const tags = ['stakeholders']

export const stakeholderRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/stakeholders', {
    preHandler: requireRecords,
    schema: { operationId: 'listStakeholders', tags, summary: 'Stakeholders: search by name, email, title or company; filter, sort, page', querystring: ListStakeholdersQuerySchema, response: { 200: PageSchema(StakeholderSchema) } },
  }, async (req) => listStakeholders(db, actorOf(req), req.query))

  app.post('/api/v1/stakeholders', {
    preHandler: requireRecords,
    schema: { operationId: 'createStakeholder', tags, body: CreateStakeholderBodySchema, response: { 201: StakeholderSchema } },
  }, async (req, reply) => reply.code(201).send(await createStakeholder(db, actorOf(req), req.body)))

  app.get('/api/v1/stakeholders/:stakeholderId', {
    preHandler: requireRecords,
    schema: { operationId: 'getStakeholder', tags, params: Params, response: { 200: StakeholderSchema } },
  }, async (req) => getStakeholder(db, actorOf(req), req.params.stakeholderId))

  app.patch('/api/v1/stakeholders/:stakeholderId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateStakeholder', tags, summary: 'Update a stakeholder; hasConsent=false erases personal notes', params: Params, body: UpdateStakeholderBodySchema, response: { 200: StakeholderSchema } },
  }, async (req) => updateStakeholder(db, actorOf(req), req.params.stakeholderId, req.body))

  app.post('/api/v1/stakeholders/:stakeholderId/archive', {
    preHandler: requireRecords,
    schema: { operationId: 'archiveStakeholder', tags, params: Params, response: { 200: StakeholderSchema } },
  }, async (req) => setStakeholderArchived(db, actorOf(req), req.params.stakeholderId, true))

  app.post('/api/v1/stakeholders/:stakeholderId/restore', {
    preHandler: requireRecords,
    schema: { operationId: 'restoreStakeholder', tags, params: Params, response: { 200: StakeholderSchema } },
  }, async (req) => setStakeholderArchived(db, actorOf(req), req.params.stakeholderId, false))
}
