import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { PageSchema } from '../../lib/pagination.ts'
import { Uuid } from '../../lib/schema.ts'
import { AccountSchema, CreateAccountBodySchema, ListAccountsQuerySchema, UpdateAccountBodySchema } from './schema.ts'
import { AccountOverviewSchema, getAccountOverview } from './overview.ts'
import { createAccount, getAccount, listAccounts, setAccountArchived, updateAccount } from './service.ts'

const Params = Type.Object({ accountId: Uuid })
const tags = ['accounts']

export const accountRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/accounts', {
    preHandler: requireRecords,
    schema: { operationId: 'listAccounts', tags, summary: 'Accounts, filtered, sorted and paged by cursor', querystring: ListAccountsQuerySchema, response: { 200: PageSchema(AccountSchema) } },
  }, async (req) => listAccounts(db, actorOf(req), req.query))

  app.post('/api/v1/accounts', {
    preHandler: requireRecords,
    schema: { operationId: 'createAccount', tags, body: CreateAccountBodySchema, response: { 201: AccountSchema } },
  }, async (req, reply) => reply.code(201).send(await createAccount(db, actorOf(req), req.body)))

  app.get('/api/v1/accounts/:accountId', {
    preHandler: requireRecords,
    schema: { operationId: 'getAccount', tags, params: Params, response: { 200: AccountSchema } },
  }, async (req) => getAccount(db, actorOf(req), req.params.accountId))

  app.get('/api/v1/accounts/:accountId/overview', {
    preHandler: requireRecords,
    schema: { operationId: 'getAccountOverview', tags, summary: 'The account page in one call: account, stakeholders, relationships, recent experiences, our people', params: Params, response: { 200: AccountOverviewSchema } },
  }, async (req) => getAccountOverview(db, actorOf(req), req.params.accountId))

  app.patch('/api/v1/accounts/:accountId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateAccount', tags, params: Params, body: UpdateAccountBodySchema, response: { 200: AccountSchema } },
  }, async (req) => updateAccount(db, actorOf(req), req.params.accountId, req.body))

  app.post('/api/v1/accounts/:accountId/archive', {
    preHandler: requireRecords,
    schema: { operationId: 'archiveAccount', tags, params: Params, response: { 200: AccountSchema } },
  }, async (req) => setAccountArchived(db, actorOf(req), req.params.accountId, true))

  app.post('/api/v1/accounts/:accountId/restore', {
    preHandler: requireRecords,
    schema: { operationId: 'restoreAccount', tags, params: Params, response: { 200: AccountSchema } },
  }, async (req) => setAccountArchived(db, actorOf(req), req.params.accountId, false))
}
