import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { can, type Actor, type Permission } from '../domain/auth/roles.ts'
import { safeEqual } from '../domain/auth/secrets.ts'
import { AppError } from '../lib/errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
  interface FastifyContextConfig {
    /** A route open without credentials (login, invitation acceptance, public survey pages). */
    isPublic?: boolean
  }
}

export const GUARD = Symbol('tend.guard')
type Guard = preHandlerAsyncHookHandler & { [GUARD]: true }

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The actor of an authenticated request; throws 401 otherwise. Use inside handlers behind a guard. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthenticated', 'Sign in or send an API token')
  return req.actor
}

function checkCsrf(req: FastifyRequest, actor: Actor) {
  // Cookie sessions must echo their CSRF token on writes; Bearer tokens are not sent by browsers on their own.
  if (actor.via !== 'session' || SAFE_METHODS.has(req.method)) return
  const header = req.headers['x-csrf-token']
  if (typeof header !== 'string' || !actor.csrfToken || !safeEqual(header, actor.csrfToken)) {
    throw new AppError('forbidden', 'Missing or wrong X-CSRF-Token header for a cookie-authenticated write')
  }
}

/** preHandler for a route that needs a signed-in user holding a permission. */
export function requirePermission(permission: Permission | 'any'): Guard {
  const guard = async (req: FastifyRequest, _reply: FastifyReply) => {
    const actor = actorOf(req)
    checkCsrf(req, actor)
    if (permission !== 'any' && !can(actor.role, permission)) throw new AppError('forbidden', `Your role (${actor.role}) does not allow this`)
  }
  return Object.assign(guard, { [GUARD]: true as const })
}

export const requireUser = requirePermission('any')
export const requireRecords = requirePermission('records')
export const requireAdmin = requirePermission('users')
export const requireAggregates = requirePermission('aggregates')

export function isGuard(fn: unknown): boolean {
  return typeof fn === 'function' && GUARD in fn
}
