import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAggregates, requireRecords } from '../../http/guard.ts'
import { StringEnum, Uuid } from '../../lib/schema.ts'
import { MIN_ESAT_GROUP } from './stats.ts'
import { closeFollowUp, getFollowUp, listFollowUps, updateFollowUp } from './follow-ups.ts'
import { assertSurveyExists, computeResults, listAnswers, PERIODS, ResultsQuerySchema, ResultsSchema } from './results.ts'
import { QuestionSummarySchema, summariseQuestions } from './questions.ts'
import { listResponses } from './responses.ts'
import {
  CloseFollowUpBodySchema, CreateSurveyBodySchema, FollowUpSchema, LinkSchema, ListFollowUpsQuerySchema, RecipientSchema, ResponseSchema,
  SendResultSchema, SendSurveyBodySchema, SURVEY_KINDS, SurveySchema, UpdateFollowUpBodySchema,
} from './schema.ts'
import { closeSurvey, createRecipientLink, createSurvey, getSurvey, listRecipients, listSurveys, sendSurvey } from './service.ts'

const SurveyParams = Type.Object({ surveyId: Uuid })
const SurveyResultsSchema = Type.Object({ ...ResultsSchema.properties, questions: Type.Array(QuestionSummarySchema, { description: 'Custom questions; empty for staff surveys under 5 answers' }) })
const tags = ['surveys']

export const surveyRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  app.get('/api/v1/surveys', {
    preHandler: requireAggregates,
    schema: {
      operationId: 'listSurveys', tags, summary: 'Surveys, newest first, with recipient and answer counts',
      querystring: Type.Object({ kind: Type.Optional(StringEnum(SURVEY_KINDS)), includeClosed: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(SurveySchema) }) },
    },
  }, async (req) => ({ items: await listSurveys(db, actorOf(req), req.query) }))

  app.post('/api/v1/surveys', {
    preHandler: requireRecords,
    schema: { operationId: 'createSurvey', tags, body: CreateSurveyBodySchema, response: { 201: SurveySchema } },
  }, async (req, reply) => reply.code(201).send(await createSurvey(db, actorOf(req), req.body)))

  app.get('/api/v1/surveys/:surveyId', {
    preHandler: requireAggregates,
    schema: { operationId: 'getSurvey', tags, params: SurveyParams, response: { 200: SurveySchema } },
  }, async (req) => getSurvey(db, actorOf(req), req.params.surveyId))

  app.post('/api/v1/surveys/:surveyId/close', {
    preHandler: requireRecords,
    schema: { operationId: 'closeSurvey', tags, summary: 'Close a survey: its links stop working', params: SurveyParams, response: { 200: SurveySchema } },
  }, async (req) => closeSurvey(db, actorOf(req), req.params.surveyId))

  app.post('/api/v1/surveys/:surveyId/send', {
    preHandler: requireRecords,
    schema: {
      operationId: 'sendSurvey', tags, summary: 'Invite stakeholders (or staff, for ESAT) by e-mail with unique single-use links; people already invited are skipped',
      params: SurveyParams, body: SendSurveyBodySchema, response: { 200: SendResultSchema },
    },
  }, async (req) => sendSurvey(db, actorOf(req), req.params.surveyId, req.body))

  app.get('/api/v1/surveys/:surveyId/recipients', {
    preHandler: requireRecords,
    schema: { operationId: 'listSurveyRecipients', tags, params: SurveyParams, response: { 200: Type.Object({ items: Type.Array(RecipientSchema) }) } },
  }, async (req) => ({ items: await listRecipients(db, actorOf(req), req.params.surveyId) }))

  app.post('/api/v1/surveys/:surveyId/recipients/:recipientId/link', {
    preHandler: requireRecords,
    schema: {
      operationId: 'createSurveyLink', tags, summary: 'A new link for one customer recipient, shown once (to send it another way)',
      params: Type.Object({ surveyId: Uuid, recipientId: Uuid }), response: { 201: LinkSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createRecipientLink(db, actorOf(req), req.params.surveyId, req.params.recipientId, config.publicUrl)))

  app.get('/api/v1/surveys/:surveyId/results', {
    preHandler: requireAggregates,
    schema: {
      operationId: 'getSurveyResults', tags, summary: 'NPS/CSAT/ESAT of one survey with n, 95 % interval and trend',
      params: SurveyParams, querystring: Type.Object({ period: Type.Optional(StringEnum(PERIODS, { default: 'month' })) }, { additionalProperties: false }),
      response: { 200: SurveyResultsSchema },
    },
  }, async (req) => {
    const actor = actorOf(req)
    const survey = await assertSurveyExists(db, actor.orgId, req.params.surveyId)
    const kind = survey.kind === 'custom' ? 'csat' : (survey.kind as 'nps' | 'csat' | 'esat')
    const results = await computeResults(db, actor, { kind, surveyId: survey.id, period: req.query.period ?? 'month', groupBy: 'account' })
    const answers = await listAnswers(db, actor.orgId, survey.id)
    const isHidden = survey.kind === 'esat' && answers.length < MIN_ESAT_GROUP
    return { ...results, questions: isHidden ? [] : summariseQuestions(survey.questions, answers) }
  })

  app.get('/api/v1/surveys/:surveyId/responses', {
    preHandler: requireRecords,
    schema: {
      operationId: 'listSurveyResponses', tags, summary: 'Answers, by category (promoters, passives, detractors…); staff answers without names, dates or order, and only from 5 answers',
      params: SurveyParams, querystring: Type.Object({ category: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ResponseSchema), hidden: Type.Boolean() }) },
    },
  }, async (req) => listResponses(db, actorOf(req), req.params.surveyId, req.query.category))

  app.get('/api/v1/survey-results', {
    preHandler: requireAggregates,
    schema: { operationId: 'getSurveyResultsAcross', tags, summary: 'NPS, CSAT or ESAT across surveys, grouped by survey, account, owner or team, with trend per period', querystring: ResultsQuerySchema, response: { 200: ResultsSchema } },
  }, async (req) => computeResults(db, actorOf(req), req.query))

  const FollowUpParams = Type.Object({ followUpId: Uuid })
  const fuTags = ['follow-ups']
  app.get('/api/v1/follow-ups', {
    preHandler: requireRecords,
    schema: { operationId: 'listFollowUps', tags: fuTags, summary: 'Follow-ups of detractor answers, for one owner or a manager\'s subtree (Today, manager view)', querystring: ListFollowUpsQuerySchema, response: { 200: Type.Object({ items: Type.Array(FollowUpSchema) }) } },
  }, async (req) => ({ items: await listFollowUps(db, actorOf(req), req.query) }))

  app.get('/api/v1/follow-ups/:followUpId', {
    preHandler: requireRecords,
    schema: { operationId: 'getFollowUp', tags: fuTags, params: FollowUpParams, response: { 200: FollowUpSchema } },
  }, async (req) => getFollowUp(db, actorOf(req), req.params.followUpId))

  app.patch('/api/v1/follow-ups/:followUpId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateFollowUp', tags: fuTags, summary: 'Reassign or reschedule', params: FollowUpParams, body: UpdateFollowUpBodySchema, response: { 200: FollowUpSchema } },
  }, async (req) => updateFollowUp(db, actorOf(req), req.params.followUpId, req.body))

  app.post('/api/v1/follow-ups/:followUpId/close', {
    preHandler: requireRecords,
    schema: { operationId: 'closeFollowUp', tags: fuTags, summary: 'Close the loop: say what was done', params: FollowUpParams, body: CloseFollowUpBodySchema, response: { 200: FollowUpSchema } },
  }, async (req) => closeFollowUp(db, actorOf(req), req.params.followUpId, req.body.resolution))
}
