import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { PageSchema } from '../../lib/pagination.ts'
import { Uuid } from '../../lib/schema.ts'
import { CreateExperienceBodySchema, ExperienceSchema, ListExperiencesQuerySchema, UpdateExperienceBodySchema } from './schema.ts'
import { createExperience, getExperience, listExperiences, setExperienceArchived, updateExperience } from './service.ts'

const Params = Type.Object({ experienceId: Uuid })
const tags = ['experiences']

export const experienceRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/experiences', {
    preHandler: requireRecords,
    schema: { operationId: 'listExperiences', tags, summary: 'Experiences, newest first, by stakeholder, account, user, kind, source or period', querystring: ListExperiencesQuerySchema, response: { 200: PageSchema(ExperienceSchema) } },
  }, async (req) => listExperiences(db, actorOf(req), req.query))

  app.post('/api/v1/experiences', {
    preHandler: requireRecords,
    schema: { operationId: 'createExperience', tags, summary: 'Log an experience: when, what, how it went, who gave, who took part', body: CreateExperienceBodySchema, response: { 201: ExperienceSchema } },
  }, async (req, reply) => reply.code(201).send(await createExperience(db, actorOf(req), req.body)))

  app.get('/api/v1/experiences/:experienceId', {
    preHandler: requireRecords,
    schema: { operationId: 'getExperience', tags, params: Params, response: { 200: ExperienceSchema } },
  }, async (req) => getExperience(db, actorOf(req), req.params.experienceId))

  app.patch('/api/v1/experiences/:experienceId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateExperience', tags, params: Params, body: UpdateExperienceBodySchema, response: { 200: ExperienceSchema } },
  }, async (req) => updateExperience(db, actorOf(req), req.params.experienceId, req.body))

  app.post('/api/v1/experiences/:experienceId/archive', {
    preHandler: requireRecords,
    schema: { operationId: 'archiveExperience', tags, params: Params, response: { 200: ExperienceSchema } },
  }, async (req) => setExperienceArchived(db, actorOf(req), req.params.experienceId, true))

  app.post('/api/v1/experiences/:experienceId/restore', {
    preHandler: requireRecords,
    schema: { operationId: 'restoreExperience', tags, params: Params, response: { 200: ExperienceSchema } },
  }, async (req) => setExperienceArchived(db, actorOf(req), req.params.experienceId, false))
}
