import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAdmin, requireRecords } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import {
  ActivitySchema, CompleteActivityBodySchema, CreateActivityBodySchema, CreatePlanBodySchema, ListPlansQuerySchema, OverdueActivitySchema, OverdueQuerySchema,
  PlanSchema, UpdateActivityBodySchema, UpdatePlanBodySchema,
} from './schema.ts'
import { CreateQuestionBodySchema, QuestionSchema, SelfCheckSchema, SelfCheckSummarySchema, SubmitSelfCheckBodySchema, addQuestion, archiveQuestion, listQuestions, selfCheckSummary, submitSelfCheck } from './selfcheck.ts'
import * as svc from './service.ts'

const PlanParams = Type.Object({ planId: Uuid })
const ActivityParams = Type.Object({ activityId: Uuid })
const tags = ['plans']

export const planRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/plans', {
    preHandler: requireRecords,
    schema: { operationId: 'listPlans', tags, summary: 'Relationship plans, by account or stakeholder, with activities and give/ask balance', querystring: ListPlansQuerySchema, response: { 200: Type.Array(PlanSchema) } },
  }, async (req) => svc.listPlans(db, actorOf(req), req.query))

  app.post('/api/v1/plans', {
    preHandler: requireRecords,
    schema: { operationId: 'createPlan', tags, summary: 'A plan of what to give one key stakeholder or account', body: CreatePlanBodySchema, response: { 201: PlanSchema } },
  }, async (req, reply) => reply.code(201).send(await svc.createPlan(db, actorOf(req), req.body)))

  app.get('/api/v1/plans/:planId', {
    preHandler: requireRecords,
    schema: { operationId: 'getPlan', tags, params: PlanParams, response: { 200: PlanSchema } },
  }, async (req) => svc.getPlan(db, actorOf(req), req.params.planId))

  app.patch('/api/v1/plans/:planId', {
    preHandler: requireRecords,
    schema: { operationId: 'updatePlan', tags, params: PlanParams, body: UpdatePlanBodySchema, response: { 200: PlanSchema } },
  }, async (req) => svc.updatePlan(db, actorOf(req), req.params.planId, req.body))

  for (const [action, archived] of [['archive', true], ['restore', false]] as const) {
    app.post(`/api/v1/plans/:planId/${action}`, {
      preHandler: requireRecords,
      schema: { operationId: `${action}Plan`, tags, params: PlanParams, response: { 200: PlanSchema } },
    }, async (req) => svc.updatePlan(db, actorOf(req), req.params.planId, { archived }))
  }

  app.post('/api/v1/plans/:planId/activities', {
    preHandler: requireRecords,
    schema: { operationId: 'addPlanActivity', tags, summary: 'Plan something to give: introduction, insight, help, invitation, event or custom', params: PlanParams, body: CreateActivityBodySchema, response: { 201: ActivitySchema } },
  }, async (req, reply) => reply.code(201).send(await svc.addActivity(db, actorOf(req), req.params.planId, req.body)))

  app.patch('/api/v1/plan-activities/:activityId', {
    preHandler: requireRecords,
    schema: { operationId: 'updatePlanActivity', tags, params: ActivityParams, body: UpdateActivityBodySchema, response: { 200: ActivitySchema } },
  }, async (req) => svc.updateActivity(db, actorOf(req), req.params.activityId, req.body))

  app.post('/api/v1/plan-activities/:activityId/done', {
    preHandler: requireRecords,
    schema: { operationId: 'completePlanActivity', tags, summary: 'Mark done: logs an experience we gave (trust refreshes)', params: ActivityParams, body: CompleteActivityBodySchema, response: { 200: ActivitySchema } },
  }, async (req) => svc.completeActivity(db, actorOf(req), req.params.activityId, req.body))

  app.get('/api/v1/plan-activities/overdue', {
    preHandler: requireRecords,
    schema: { operationId: 'listOverdueActivities', tags, summary: 'Overdue give-activities: mine (Today) or my reporting subtree\'s (manager view)', querystring: OverdueQuerySchema, response: { 200: Type.Array(OverdueActivitySchema) } },
  }, async (req) => svc.listOverdue(db, actorOf(req), req.query))

  app.get('/api/v1/self-check/questions', {
    preHandler: requireRecords,
    schema: { operationId: 'listSelfCheckQuestions', tags, summary: 'The self-check questions: built-in ones and the organisation\'s own', response: { 200: Type.Array(QuestionSchema) } },
  }, async (req) => listQuestions(db, actorOf(req).orgId))

  app.post('/api/v1/self-check/questions', {
    preHandler: requireAdmin,
    schema: { operationId: 'addSelfCheckQuestion', tags, body: CreateQuestionBodySchema, response: { 201: QuestionSchema } },
  }, async (req, reply) => reply.code(201).send(await addQuestion(db, actorOf(req), req.body)))

  app.delete('/api/v1/self-check/questions/:questionId', {
    preHandler: requireAdmin,
    schema: { operationId: 'archiveSelfCheckQuestion', tags, params: Type.Object({ questionId: Uuid }), response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await archiveQuestion(db, actorOf(req), req.params.questionId)
    return reply.code(204).send(null)
  })

  const AccountParams = Type.Object({ accountId: Uuid })
  app.get('/api/v1/accounts/:accountId/self-checks', {
    preHandler: requireRecords,
    schema: { operationId: 'getSelfChecks', tags, summary: 'Self-checks of a key account: trend, comparison with the trust score, next due date', params: AccountParams, response: { 200: SelfCheckSummarySchema } },
  }, async (req) => selfCheckSummary(db, actorOf(req), req.params.accountId))

  app.post('/api/v1/accounts/:accountId/self-checks', {
    preHandler: requireRecords,
    schema: { operationId: 'submitSelfCheck', tags, summary: 'Answer the self-check (1 = not at all … 5 = fully) for a key account', params: AccountParams, body: SubmitSelfCheckBodySchema, response: { 201: SelfCheckSchema } },
  }, async (req, reply) => reply.code(201).send(await submitSelfCheck(db, actorOf(req), req.params.accountId, req.body)))
}
