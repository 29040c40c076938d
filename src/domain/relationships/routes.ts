import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { PageSchema } from '../../lib/pagination.ts'
import { Uuid } from '../../lib/schema.ts'
import { CreateRelationshipBodySchema, ListRelationshipsQuerySchema, RelationshipSchema, UpdateRelationshipBodySchema } from './schema.ts'
import { createRelationship, getRelationship, listRelationships, setRelationshipArchived, updateRelationship } from './service.ts'

const Params = Type.Object({ relationshipId: Uuid })
const tags = ['relationships']

export const relationshipRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/relationships', {
    preHandler: requireRecords,
    schema: { operationId: 'listRelationships', tags, summary: 'Relationships (our person ↔ their stakeholder), by user, team, stakeholder or account', querystring: ListRelationshipsQuerySchema, response: { 200: PageSchema(RelationshipSchema) } },
  }, async (req) => listRelationships(db, actorOf(req), req.query))

  app.post('/api/v1/relationships', {
    preHandler: requireRecords,
    schema: { operationId: 'createRelationship', tags, summary: 'Make a user the owner of a relationship with a stakeholder (yourself; a manager for their team; an admin for anyone)', body: CreateRelationshipBodySchema, response: { 201: RelationshipSchema } },
  }, async (req, reply) => reply.code(201).send(await createRelationship(db, actorOf(req), req.body)))

  app.get('/api/v1/relationships/:relationshipId', {
    preHandler: requireRecords,
    schema: { operationId: 'getRelationship', tags, params: Params, response: { 200: RelationshipSchema } },
  }, async (req) => getRelationship(db, actorOf(req), req.params.relationshipId))

  app.patch('/api/v1/relationships/:relationshipId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateRelationship', tags, params: Params, body: UpdateRelationshipBodySchema, response: { 200: RelationshipSchema } },
  }, async (req) => updateRelationship(db, actorOf(req), req.params.relationshipId, req.body))

  app.post('/api/v1/relationships/:relationshipId/archive', {
    preHandler: requireRecords,
    schema: { operationId: 'archiveRelationship', tags, params: Params, response: { 200: RelationshipSchema } },
  }, async (req) => setRelationshipArchived(db, actorOf(req), req.params.relationshipId, true))

  app.post('/api/v1/relationships/:relationshipId/restore', {
    preHandler: requireRecords,
    schema: { operationId: 'restoreRelationship', tags, params: Params, response: { 200: RelationshipSchema } },
  }, async (req) => setRelationshipArchived(db, actorOf(req), req.params.relationshipId, false))
}
