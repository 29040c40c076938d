import compress from '@fastify/compress'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { constants as zlibConstants } from 'node:zlib'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { accountRoutes } from '../domain/accounts/routes.ts'
import { auditRoutes } from '../domain/audit/routes.ts'
import { authRoutes, SESSION_COOKIE } from '../domain/auth/routes.ts'
import { connectionRoutes } from '../domain/connections/routes.ts'
import { authenticateSession, authenticateToken } from '../domain/auth/service.ts'
import { emailRoutes } from '../domain/email/routes.ts'
import { experienceRoutes } from '../domain/experiences/routes.ts'
import { importJobRoutes } from '../domain/import-jobs/routes.ts'
import { mergeRoutes } from '../domain/merge/routes.ts'
import { escalationRoutes } from '../domain/escalations/routes.ts'
import { momentRoutes } from '../domain/moments/routes.ts'
import { planRoutes } from '../domain/plans/routes.ts'
import { referralRoutes } from '../domain/referrals/routes.ts'
import { relationshipRoutes } from '../domain/relationships/routes.ts'
import { stakeholderRoutes } from '../domain/stakeholders/routes.ts'
import { publicSurveyRoutes } from '../domain/surveys/public-routes.ts'
import { surveyRoutes } from '../domain/surveys/routes.ts'
import { trustRoutes } from '../domain/trust/routes.ts'
import { userRoutes } from '../domain/users/routes.ts'
import { kpiRoutes } from '../domain/kpis/routes.ts'
import { outcomeRoutes } from '../domain/outcomes/routes.ts'
import { programmeRoutes } from '../domain/programmes/routes.ts'
import { reviewRoutes } from '../domain/reviews/routes.ts'
import { isGuard } from './guard.ts'
import type { AppDeps } from './deps.ts'
import { handleError, problemTypesPage } from './problem.ts'
import { registerWebApp } from './static.ts'

export type App = FastifyInstance

// Bodies are validated strictly (no type coercion: "3" is not 3); query strings and paths
// are coerced, since everything arrives there as text.
function makeAjv(coerce: boolean) {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: coerce ? 'array' : false, strict: false })
  addFormats.default(ajv)
  return ajv
}

/** Build the Fastify app: every route, the error model, auth and the OpenAPI document. */
export async function buildApp({ config, db }: AppDeps): Promise<App> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    genReqId: () => `req-${Math.random().toString(36).slice(2, 10)}`,
  }).withTypeProvider<TypeBoxTypeProvider>()

  const bodyAjv = makeAjv(false)
  const paramAjv = makeAjv(true)
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema))
  app.setErrorHandler(handleError)
  app.setNotFoundHandler((req, reply) => handleError(Object.assign(new Error(`No route for ${req.method} ${req.url.split('?')[0]}`), { statusCode: 404, code: 'FST_NOT_FOUND', name: 'NotFound' }), req, reply))

  // Every /api/v1 route must say who may call it: a guard preHandler, or config.isPublic.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1') || route.url === '/api/v1/openapi.json' || route.config?.isPublic) return
    const handlers = [route.preHandler ?? []].flat()
    const guards = handlers.filter(isGuard)
    if (guards.length === 0) throw new Error(`Route ${route.method} ${route.url} declares no access rule`)
    // The guard runs before validation: a caller without credentials gets 401, not a 400 describing the schema.
    route.preValidation = [...[route.preValidation ?? []].flat(), ...guards]
    route.preHandler = handlers.filter((h) => !isGuard(h))
  })

  await app.register(cookie)
  // Responses over 1 KB leave compressed when the client accepts it (the web app's JS, big lists).
  // Brotli at quality 5: nearly its best ratio at gzip's speed (11, the default, is far slower).
  await app.register(compress, { threshold: 1024, encodings: ['br', 'gzip'], brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } } })
  await app.register(rateLimit, { global: false })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tend API', version: '1', description: 'Relationship management: accounts, stakeholders, relationships, experiences and trust. Errors are RFC 9457 problem+json; lists use cursor pagination.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (tend_…) from `tend token create` or the admin page' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })

  app.decorateRequest('actor', null)
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const auth = req.headers.authorization
    if (auth?.startsWith('Bearer ')) {
      req.actor = (await authenticateToken(db, auth.slice(7).trim())) ?? null
      return
    }
    const sessionToken = req.cookies[SESSION_COOKIE]
    if (sessionToken) req.actor = (await authenticateSession(db, sessionToken)) ?? null
  })

  const deps = { db, config }
  await app.register(authRoutes, deps)
  await app.register(userRoutes, deps)
  await app.register(accountRoutes, deps)
  await app.register(stakeholderRoutes, deps)
  await app.register(relationshipRoutes, deps)
  await app.register(experienceRoutes, deps)
  await app.register(emailRoutes, deps)
  await app.register(trustRoutes, deps)
  await app.register(auditRoutes, deps)
  await app.register(mergeRoutes, deps)
  await app.register(connectionRoutes, deps)
  await app.register(importJobRoutes, deps)
  await app.register(momentRoutes, deps)
  await app.register(planRoutes, deps)
  await app.register(surveyRoutes, deps)
  await app.register(publicSurveyRoutes, deps)
  await app.register(escalationRoutes, deps)
  await app.register(referralRoutes, deps)
  await app.register(kpiRoutes, deps)
  await app.register(outcomeRoutes, deps)
  await app.register(reviewRoutes, deps)
  await app.register(programmeRoutes, deps)

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }))
  app.get('/docs/problems', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(problemTypesPage()))
  await registerWebApp(app, { quiet: config.logLevel === 'silent' })
  return app
}
