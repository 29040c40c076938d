import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireUser } from '../../http/guard.ts'
import { notFound } from '../../lib/errors.ts'
import { Nullable, Uuid } from '../../lib/schema.ts'
import { getUser } from '../users/service.ts'
import { EmailSchema, PasswordSchema, UserSchema } from '../users/schema.ts'
import { PERMISSIONS, can } from './roles.ts'
import { changePassword, createApiToken, listApiTokens, login, logout, revokeApiToken, SESSION_DAYS } from './service.ts'
import { getOrganisation } from '../orgs/queries.ts'

export const SESSION_COOKIE = 'tend_session'

const SessionSchema = Type.Object({
  user: UserSchema,
  organisation: Type.Object({ id: Uuid, name: Type.String(), slug: Type.String() }),
  permissions: Type.Array(Type.String()),
  csrfToken: Nullable(Type.String({ description: 'Send as X-CSRF-Token on every cookie-authenticated write' })),
})

const ApiTokenSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
})

// 10 login attempts a minute per address and email: enough for typos, too few for guessing.
const LOGIN_RATE_LIMIT = { max: 10, timeWindow: '1 minute' }

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    maxAge: SESSION_DAYS * 86_400,
  })
}

export const authRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  async function sessionPayload(req: FastifyRequest, csrfToken: string | null) {
    const actor = actorOf(req)
    const [user, org] = await Promise.all([getUser(db, actor, actor.userId), getOrganisation(db, actor.orgId)])
    if (!org) throw notFound('Organisation')
    return { user, organisation: { id: org.id, name: org.name, slug: org.slug }, permissions: PERMISSIONS.filter((p) => can(actor.role, p)), csrfToken }
  }

  app.post('/api/v1/session', {
    // The key reads the email from the body, so the limit runs at preHandler: at the plugin's default
    // (onRequest) the body is not parsed yet and every email from one address would share one bucket.
    config: { isPublic: true, rateLimit: { ...LOGIN_RATE_LIMIT, hook: 'preHandler', keyGenerator: (req: FastifyRequest) => `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}` } },
    schema: {
      operationId: 'login', tags: ['auth'], summary: 'Sign in with email and password; sets the session cookie',
      body: Type.Object({ email: EmailSchema, password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: SessionSchema },
    },
  }, async (req, reply) => {
    const session = await login(db, req.body.email, req.body.password)
    setSessionCookie(req, reply, session.token)
    req.actor = { orgId: session.orgId, userId: session.user.id, role: session.user.role, name: session.user.name, via: 'session' }
    return sessionPayload(req, session.csrfToken)
  })

  app.get('/api/v1/session', {
    preHandler: requireUser,
    schema: { operationId: 'getSession', tags: ['auth'], summary: 'Who am I: user, organisation, permissions and CSRF token', response: { 200: SessionSchema } },
  }, async (req) => sessionPayload(req, actorOf(req).csrfToken ?? null))

  app.delete('/api/v1/session', {
    preHandler: requireUser,
    schema: { operationId: 'logout', tags: ['auth'], summary: 'Sign out: ends this session', response: { 204: Type.Null() } },
  }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE]
    if (token) await logout(db, token)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.code(204).send(null)
  })

  app.post('/api/v1/me/password', {
    preHandler: requireUser,
    config: { rateLimit: LOGIN_RATE_LIMIT },
    schema: {
      operationId: 'changePassword', tags: ['auth'], summary: 'Change your password; your other sessions end',
      body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: PasswordSchema }, { additionalProperties: false }),
      response: { 204: Type.Null() },
    },
  }, async (req, reply) => {
    await changePassword(db, actorOf(req), req.body.currentPassword, req.body.newPassword)
    return reply.code(204).send(null)
  })

  app.get('/api/v1/tokens', {
    preHandler: requireUser,
    schema: { operationId: 'listApiTokens', tags: ['auth'], summary: 'Your API tokens (never the secret)', response: { 200: Type.Object({ items: Type.Array(ApiTokenSchema) }) } },
  }, async (req) => ({ items: await listApiTokens(db, actorOf(req)) }))

  app.post('/api/v1/tokens', {
    preHandler: requireUser,
    schema: {
      operationId: 'createApiToken', tags: ['auth'], summary: 'Create an API token; the token is shown once',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ token: Type.String(), apiToken: ApiTokenSchema }) },
    },
  }, async (req, reply) => reply.code(201).send(await createApiToken(db, actorOf(req), req.body.name)))

  app.delete('/api/v1/tokens/:tokenId', {
    preHandler: requireUser,
    schema: { operationId: 'revokeApiToken', tags: ['auth'], summary: 'Revoke one of your API tokens', params: Type.Object({ tokenId: Uuid }), response: { 200: ApiTokenSchema } },
  }, async (req) => revokeApiToken(db, actorOf(req), req.params.tokenId))
}
