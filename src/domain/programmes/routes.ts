import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAggregates, requireRecords } from '../../http/guard.ts'
import { toCsv } from '../../lib/csv.ts'
import { Uuid } from '../../lib/schema.ts'
import { sendCsv } from '../kpis/routes.ts'
import { CreateProgrammeBodySchema, EnrolBodySchema, ProgrammeSchema, ProgressQuerySchema, ProgressSchema, type ProgrammeGroup } from './schema.ts'
import { createProgramme, enrol, getProgress, listProgrammes } from './service.ts'

const tags = ['programmes']
const Params = Type.Object({ programmeId: Uuid })
const groupCols = (prefix: 'cohort' | 'others') => (['users', 'trustAvg', 'coverage', 'coldPerUser', 'experiencesPerUser'] as const).map((k) => ({ header: `${prefix}_${k}`, value: (w: Record<typeof prefix, ProgrammeGroup>) => w[prefix][k] }))

export const programmeRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/programmes', {
    preHandler: requireAggregates,
    schema: { operationId: 'listProgrammes', tags, response: { 200: Type.Object({ items: Type.Array(ProgrammeSchema) }) } },
  }, async (req) => ({ items: await listProgrammes(db, actorOf(req)) }))

  app.post('/api/v1/programmes', {
    preHandler: requireRecords,
    schema: { operationId: 'createProgramme', tags, summary: 'Enrol a cohort of users in a relationship programme from a date (managers and admins)', body: CreateProgrammeBodySchema, response: { 201: ProgrammeSchema } },
  }, async (req, reply) => reply.code(201).send(await createProgramme(db, actorOf(req), req.body)))

  app.post('/api/v1/programmes/:programmeId/members', {
    preHandler: requireRecords,
    schema: { operationId: 'enrolInProgramme', tags, params: Params, body: EnrolBodySchema, response: { 200: ProgrammeSchema } },
  }, async (req) => enrol(db, actorOf(req), req.params.programmeId, req.body.userIds, req.body.enrolledOn))

  app.get('/api/v1/programmes/:programmeId/progress', {
    preHandler: requireAggregates,
    schema: { operationId: 'getProgrammeProgress', tags, summary: 'Cohort vs its baseline week and vs everyone not enrolled, week by week', description: 'With format=csv the weeks come back as text/csv.', params: Params, querystring: ProgressQuerySchema, response: { 200: ProgressSchema } },
  }, async (req, reply) => {
    const progress = await getProgress(db, actorOf(req), req.params.programmeId)
    if (req.query.format !== 'csv') return progress
    return sendCsv(reply, 'programme-progress', toCsv(progress.weeks, [{ header: 'week_start', value: (w) => w.weekStart }, ...groupCols('cohort'), ...groupCols('others')]))
  })
}
