import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import { ConnectionsSchema } from './schema.ts'
import { getConnections } from './service.ts'

export const connectionRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/stakeholders/:stakeholderId/connections', {
    preHandler: requireRecords,
    schema: {
      operationId: 'getStakeholderConnections', tags: ['stakeholders'], summary: 'Who knows this stakeholder best: our people ranked by strength, with last contact and experience counts',
      params: Type.Object({ stakeholderId: Uuid }), response: { 200: ConnectionsSchema },
    },
  }, async (req) => getConnections(db, actorOf(req), req.params.stakeholderId))
}
