import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAdmin, requireAggregates, requireRecords } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import { getResponsiveness } from './responsiveness.ts'
import {
  AcceptSuggestionsBodySchema, AcceptSuggestionsResultSchema, EmailMessageSchema, EmailSettingsSchema, ListMessagesQuerySchema, ResponsivenessQuerySchema,
  ResponsivenessSchema, SuggestionsQuerySchema, SuggestionsSchema, ThreadSchema, UnansweredQuerySchema, UnansweredSchema,
} from './schema.ts'
import { acceptSuggestions, getEmailSettings, getMessage, getSuggestions, getThread, listMessages, listUnanswered, updateEmailSettings } from './service.ts'

const tags = ['email']

export const emailRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/email/settings', {
    preHandler: requireRecords,
    schema: { operationId: 'getEmailSettings', tags, summary: 'What e-mail capture keeps', response: { 200: EmailSettingsSchema } },
  }, async (req) => getEmailSettings(db, actorOf(req)))

  app.put('/api/v1/email/settings', {
    preHandler: requireAdmin,
    schema: { operationId: 'updateEmailSettings', tags, summary: 'Keep subjects or not (turning it off erases stored subjects)', body: EmailSettingsSchema, response: { 200: EmailSettingsSchema } },
  }, async (req) => updateEmailSettings(db, actorOf(req), req.body))

  app.get('/api/v1/email/messages', {
    preHandler: requireRecords,
    schema: { operationId: 'listEmailMessages', tags, summary: 'Captured messages (header facts), newest first, by experience or address', querystring: ListMessagesQuerySchema, response: { 200: Type.Object({ items: Type.Array(EmailMessageSchema) }) } },
  }, async (req) => listMessages(db, actorOf(req), req.query))

  app.get('/api/v1/email/messages/:messageId', {
    preHandler: requireRecords,
    schema: { operationId: 'getEmailMessage', tags, params: Type.Object({ messageId: Uuid }), response: { 200: EmailMessageSchema } },
  }, async (req) => getMessage(db, actorOf(req), req.params.messageId))

  app.get('/api/v1/email/threads/:threadKey', {
    preHandler: requireRecords,
    schema: { operationId: 'getEmailThread', tags, summary: 'The messages of a thread, oldest first', params: Type.Object({ threadKey: Type.String({ pattern: '^[A-Za-z0-9_-]{10,64}$' }) }), response: { 200: ThreadSchema } },
  }, async (req) => getThread(db, actorOf(req), req.params.threadKey))

  app.get('/api/v1/email/suggestions', {
    preHandler: requireRecords,
    schema: { operationId: 'listEmailSuggestions', tags, summary: 'Frequent correspondents who are not stakeholders yet, by domain', querystring: SuggestionsQuerySchema, response: { 200: SuggestionsSchema } },
  }, async (req) => getSuggestions(db, actorOf(req), req.query))

  app.post('/api/v1/email/suggestions/accept', {
    preHandler: requireRecords,
    schema: { operationId: 'acceptEmailSuggestions', tags, summary: 'Make stakeholders (and accounts by domain) of suggested correspondents, and experiences of their captured mail', body: AcceptSuggestionsBodySchema, response: { 200: AcceptSuggestionsResultSchema } },
  }, async (req) => acceptSuggestions(db, actorOf(req), req.body))

  app.get('/api/v1/email/responsiveness', {
    preHandler: requireAggregates,
    schema: { operationId: 'getEmailResponsiveness', tags, summary: 'Time until one of our people answers mail from a stakeholder: overall, per person, team and account', querystring: ResponsivenessQuerySchema, response: { 200: ResponsivenessSchema } },
  }, async (req) => getResponsiveness(db, actorOf(req), req.query))

  app.get('/api/v1/email/unanswered', {
    preHandler: requireRecords,
    schema: { operationId: 'listUnansweredEmail', tags, summary: 'Mail from stakeholders that none of our people answered, older than a target, oldest first', querystring: UnansweredQuerySchema, response: { 200: UnansweredSchema } },
  }, async (req) => listUnanswered(db, actorOf(req), req.query))
}
