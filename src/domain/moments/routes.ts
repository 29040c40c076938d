import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAdmin, requireRecords } from '../../http/guard.ts'
import { notFound } from '../../lib/errors.ts'
import { Nullable, Uuid } from '../../lib/schema.ts'
import { ExperienceSchema } from '../experiences/schema.ts'
import { buildCalendar, createFeed, getFeedInfo, resolveFeedToken, revokeFeed } from './calendar.ts'
import { erasePersonalData, exportPersonalData } from './personal-data.ts'
import {
  ActOnMomentBodySchema, ClosePersonSchema, CreateClosePersonBodySchema, CreateMomentBodySchema, MomentSchema, OccurrenceSchema,
  UpcomingQuerySchema, UpdateClosePersonBodySchema, UpdateMomentBodySchema,
} from './schema.ts'
import * as svc from './service.ts'

const StakeholderParams = Type.Object({ stakeholderId: Uuid })
const MomentParams = Type.Object({ momentId: Uuid })
const PersonParams = Type.Object({ closePersonId: Uuid })
const tags = ['moments']
const ICS = 'text/calendar; charset=utf-8'

export const momentRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  app.get('/api/v1/stakeholders/:stakeholderId/moments', {
    preHandler: requireRecords,
    schema: { operationId: 'listMoments', tags, summary: 'Important dates and life events of a stakeholder (personal ones only with consent)', params: StakeholderParams, response: { 200: Type.Array(MomentSchema) } },
  }, async (req) => svc.listMoments(db, actorOf(req), req.params.stakeholderId))

  app.post('/api/v1/stakeholders/:stakeholderId/moments', {
    preHandler: requireRecords,
    schema: { operationId: 'createMoment', tags, summary: 'Add a moment: one-off or yearly, with a reminder lead time', params: StakeholderParams, body: CreateMomentBodySchema, response: { 201: MomentSchema } },
  }, async (req, reply) => reply.code(201).send(await svc.createMoment(db, actorOf(req), req.params.stakeholderId, req.body)))

  app.patch('/api/v1/moments/:momentId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateMoment', tags, params: MomentParams, body: UpdateMomentBodySchema, response: { 200: MomentSchema } },
  }, async (req) => svc.updateMoment(db, actorOf(req), req.params.momentId, req.body))

  app.delete('/api/v1/moments/:momentId', {
    preHandler: requireRecords,
    schema: { operationId: 'deleteMoment', tags, params: MomentParams, response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await svc.deleteMoment(db, actorOf(req), req.params.momentId)
    return reply.code(204).send(null)
  })

  app.post('/api/v1/moments/:momentId/acted', {
    preHandler: requireRecords,
    schema: {
      operationId: 'actOnMoment', tags, summary: 'Mark an occurrence as acted upon: logs a personal experience we gave (trust refreshes)',
      params: MomentParams, body: ActOnMomentBodySchema,
      response: { 201: Type.Object({ momentId: Uuid, occursOn: Type.String({ format: 'date' }), experience: ExperienceSchema }) },
    },
  }, async (req, reply) => reply.code(201).send(await svc.actOnMoment(db, actorOf(req), req.params.momentId, req.body)))

  app.get('/api/v1/moments/upcoming', {
    preHandler: requireRecords,
    schema: { operationId: 'listUpcomingMoments', tags, summary: 'Upcoming occurrences (for Today) with labels and gesture ideas', querystring: UpcomingQuerySchema, response: { 200: Type.Array(OccurrenceSchema) } },
  }, async (req) => svc.listUpcoming(db, actorOf(req), req.query))

  app.get('/api/v1/stakeholders/:stakeholderId/close-people', {
    preHandler: requireRecords,
    schema: { operationId: 'listClosePeople', tags, summary: 'Family and close people of a stakeholder (only with consent)', params: StakeholderParams, response: { 200: Type.Array(ClosePersonSchema) } },
  }, async (req) => svc.listClosePeople(db, actorOf(req), req.params.stakeholderId))

  app.post('/api/v1/stakeholders/:stakeholderId/close-people', {
    preHandler: requireRecords,
    schema: { operationId: 'createClosePerson', tags, params: StakeholderParams, body: CreateClosePersonBodySchema, response: { 201: ClosePersonSchema } },
  }, async (req, reply) => reply.code(201).send(await svc.createClosePerson(db, actorOf(req), req.params.stakeholderId, req.body)))

  app.patch('/api/v1/close-people/:closePersonId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateClosePerson', tags, params: PersonParams, body: UpdateClosePersonBodySchema, response: { 200: ClosePersonSchema } },
  }, async (req) => svc.updateClosePerson(db, actorOf(req), req.params.closePersonId, req.body))

  app.delete('/api/v1/close-people/:closePersonId', {
    preHandler: requireRecords,
    schema: { operationId: 'deleteClosePerson', tags, params: PersonParams, response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await svc.deleteClosePerson(db, actorOf(req), req.params.closePersonId)
    return reply.code(204).send(null)
  })

  app.get('/api/v1/stakeholders/:stakeholderId/personal-data', {
    preHandler: requireAdmin,
    schema: { operationId: 'exportPersonalData', tags, summary: 'Export everything personal held about a stakeholder (admin; audited)', params: StakeholderParams },
  }, async (req) => exportPersonalData(db, actorOf(req), req.params.stakeholderId))

  app.post('/api/v1/stakeholders/:stakeholderId/personal-data/erase', {
    preHandler: requireAdmin,
    schema: { operationId: 'erasePersonalData', tags, summary: 'Erase a stakeholder\'s personal data on request: moments, close people, personal notes, interests; consent reset (admin; audited)', params: StakeholderParams },
  }, async (req) => erasePersonalData(db, actorOf(req), req.params.stakeholderId))

  const FeedInfoSchema = Type.Object({ isActive: Type.Boolean(), tokenPrefix: Nullable(Type.String()), createdAt: Nullable(Type.String()), lastUsedAt: Nullable(Type.String()) })
  app.get('/api/v1/me/calendar-feed', {
    preHandler: requireRecords,
    schema: { operationId: 'getCalendarFeed', tags, summary: 'Whether you have a live private calendar URL', response: { 200: FeedInfoSchema } },
  }, async (req) => getFeedInfo(db, actorOf(req)))

  app.post('/api/v1/me/calendar-feed', {
    preHandler: requireRecords,
    schema: { operationId: 'createCalendarFeed', tags, summary: 'A new private ICS URL for Outlook/Google Calendar (shown once; the previous one stops working)', response: { 201: Type.Object({ url: Type.String(), token: Type.String(), createdAt: Type.String() }) } },
  }, async (req, reply) => reply.code(201).send(await createFeed(db, actorOf(req), config.publicUrl)))

  app.delete('/api/v1/me/calendar-feed', {
    preHandler: requireRecords,
    schema: { operationId: 'revokeCalendarFeed', tags, summary: 'Revoke your calendar URL (it answers 404 from now on)', response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await revokeFeed(db, actorOf(req))
    return reply.code(204).send(null)
  })

  app.get('/api/v1/me/calendar.ics', {
    preHandler: requireRecords,
    schema: { operationId: 'downloadCalendar', tags, summary: 'One-off download of your calendar (.ics)' },
  }, async (req, reply) => {
    const actor = actorOf(req)
    return reply.type(ICS).header('content-disposition', 'attachment; filename="tend.ics"').send(await buildCalendar(db, actor.orgId, actor.userId, config.publicUrl))
  })

  app.get('/api/v1/calendar/:file', {
    config: { isPublic: true, rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: { operationId: 'calendarFeed', tags, summary: 'The private calendar feed (the token is the credential); unknown or revoked → 404', params: Type.Object({ file: Type.String({ maxLength: 200 }) }) },
  }, async (req, reply) => {
    const token = req.params.file.replace(/\.ics$/, '')
    const owner = await resolveFeedToken(db, token)
    if (!owner) throw notFound('Calendar feed')
    return reply.type(ICS).header('cache-control', 'private, max-age=300').send(await buildCalendar(db, owner.org_id, owner.user_id, config.publicUrl))
  })
}
