import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAdmin, requireUser } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import { setSessionCookie } from '../auth/routes.ts'
import {
  AcceptInvitationBodySchema, CreatedInvitationSchema, CreateInvitationBodySchema, InvitationPreviewSchema, InvitationSchema,
  ListUsersQuerySchema, UpdateMeBodySchema, UpdateUserBodySchema, UserSchema,
} from './schema.ts'
import { acceptInvitation, archiveUser, createInvitation, getUser, listInvitations, listUsers, previewInvitation, revokeInvitation, updateMe, updateUser } from './service.ts'

const UserParams = Type.Object({ userId: Uuid })
const INVITE_RATE_LIMIT = { max: 20, timeWindow: '1 minute' }

export const userRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  app.get('/api/v1/users', {
    preHandler: requireUser,
    schema: { operationId: 'listUsers', tags: ['users'], summary: 'People of your organisation, optionally one manager\'s subtree', querystring: ListUsersQuerySchema, response: { 200: Type.Object({ items: Type.Array(UserSchema) }) } },
  }, async (req) => ({ items: await listUsers(db, actorOf(req), req.query) }))

  app.get('/api/v1/me', {
    preHandler: requireUser,
    schema: { operationId: 'getMe', tags: ['users'], summary: 'The signed-in user', response: { 200: UserSchema } },
  }, async (req) => getUser(db, actorOf(req), actorOf(req).userId))

  app.patch('/api/v1/me', {
    preHandler: requireUser,
    schema: { operationId: 'updateMe', tags: ['users'], summary: 'Change my name or time zone', body: UpdateMeBodySchema, response: { 200: UserSchema } },
  }, async (req) => updateMe(db, actorOf(req), req.body))

  app.get('/api/v1/users/:userId', {
    preHandler: requireUser,
    schema: { operationId: 'getUser', tags: ['users'], params: UserParams, response: { 200: UserSchema } },
  }, async (req) => getUser(db, actorOf(req), req.params.userId))

  app.patch('/api/v1/users/:userId', {
    preHandler: requireAdmin,
    schema: { operationId: 'updateUser', tags: ['users'], summary: 'Change a user\'s name, role, manager or time zone (admin)', params: UserParams, body: UpdateUserBodySchema, response: { 200: UserSchema } },
  }, async (req) => updateUser(db, actorOf(req), req.params.userId, req.body))

  app.post('/api/v1/users/:userId/archive', {
    preHandler: requireAdmin,
    schema: { operationId: 'archiveUser', tags: ['users'], summary: 'Deactivate a user: sessions end, tokens are revoked, records stay (admin)', params: UserParams, response: { 200: UserSchema } },
  }, async (req) => archiveUser(db, actorOf(req), req.params.userId))

  app.get('/api/v1/invitations', {
    preHandler: requireAdmin,
    schema: { operationId: 'listInvitations', tags: ['users'], response: { 200: Type.Object({ items: Type.Array(InvitationSchema) }) } },
  }, async (req) => ({ items: await listInvitations(db, actorOf(req)) }))

  app.post('/api/v1/invitations', {
    preHandler: requireAdmin,
    schema: { operationId: 'createInvitation', tags: ['users'], summary: 'Invite a new user by a single-use link valid for 7 days (admin)', body: CreateInvitationBodySchema, response: { 201: CreatedInvitationSchema } },
  }, async (req, reply) => reply.code(201).send(await createInvitation(db, actorOf(req), req.body, config.publicUrl)))

  app.delete('/api/v1/invitations/:invitationId', {
    preHandler: requireAdmin,
    schema: { operationId: 'revokeInvitation', tags: ['users'], params: Type.Object({ invitationId: Uuid }), response: { 200: InvitationSchema } },
  }, async (req) => revokeInvitation(db, actorOf(req), req.params.invitationId))

  app.get('/api/v1/invitations/preview', {
    config: { isPublic: true, rateLimit: INVITE_RATE_LIMIT },
    schema: { operationId: 'previewInvitation', tags: ['users'], summary: 'What an invitation link is for (no sign-in)', querystring: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }, { additionalProperties: false }), response: { 200: InvitationPreviewSchema } },
  }, async (req) => previewInvitation(db, req.query.token))

  app.post('/api/v1/invitations/accept', {
    config: { isPublic: true, rateLimit: INVITE_RATE_LIMIT },
    schema: { operationId: 'acceptInvitation', tags: ['users'], summary: 'Accept an invitation: creates your user and signs you in', body: AcceptInvitationBodySchema, response: { 201: Type.Object({ user: UserSchema, csrfToken: Type.String() }) } },
  }, async (req, reply) => {
    const result = await acceptInvitation(db, req.body.token, req.body.name, req.body.password)
    setSessionCookie(req, reply, result.token)
    return reply.code(201).send({ user: result.user, csrfToken: result.csrfToken })
  })
}
