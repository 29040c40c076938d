import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, ERROR_STATUS, TITLES, fromDatabaseError, type ErrorCode, type FieldError } from '../lib/errors.ts'

type AjvError = { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }

// A nullable or union field that fails reports one error per branch plus an `anyOf` summary;
// these add nothing once the field has a more specific error.
const isBranchNoise = (e: AjvError) => e.keyword === 'anyOf' || (e.keyword === 'type' && e.params.type === 'null')

/** Turn Fastify/AJV validation errors into field errors (one per field): a pointer for the body, a parameter elsewhere. */
export function validationErrors(validation: AjvError[], context: string | undefined): FieldError[] {
  const specific = validation.filter((e) => !isBranchNoise(e) || !validation.some((o) => o.instancePath === e.instancePath && !isBranchNoise(o)))
  const byField = new Map<string, FieldError>()
  for (const error of specific.map((e) => toFieldError(e, context))) {
    const key = error.pointer ?? `?${error.parameter}`
    const seen = byField.get(key)
    if (!seen) byField.set(key, error)
    else if (!seen.detail.split('; ').includes(error.detail)) seen.detail += `; ${error.detail}`
  }
  return [...byField.values()]
}

function toFieldError(e: AjvError, context: string | undefined): FieldError {
  let path = e.instancePath
  let detail = e.message ?? 'is not valid'
  if (e.keyword === 'additionalProperties') {
    path = `${path}/${String(e.params.additionalProperty)}`
    detail = 'is not a known field'
  } else if (e.keyword === 'required') {
    path = `${path}/${String(e.params.missingProperty)}`
    detail = 'is required'
  } else if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
    detail = `must be one of: ${e.params.allowedValues.join(', ')}`
  }
  if (context === 'body') return { pointer: `#${path}`, detail }
  const parameter = path.replace(/^\//, '').split('/')[0] ?? ''
  return { parameter, detail }
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: AppError, extra: Record<string, unknown> = {}) {
  const status = ERROR_STATUS[err.code]
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `/docs/problems#${err.code}`,
      title: TITLES[err.code],
      status,
      detail: err.message,
      instance: req.url.split('?')[0],
      code: err.code,
      ...(err.errors.length > 0 ? { errors: err.errors } : {}),
      requestId: req.id,
      ...extra,
    })
}

/** The one error handler: every error leaves as RFC 9457 problem+json. */
export function handleError(this: unknown, error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return sendProblem(reply, req, error)
  if (error.validation) {
    const errors = validationErrors(error.validation as AjvError[], error.validationContext)
    const detail = errors.length === 1 ? '1 field is invalid' : `${errors.length} fields are invalid`
    return sendProblem(reply, req, new AppError('invalid_request', detail, errors))
  }
  const fromDb = fromDatabaseError(error)
  if (fromDb) return sendProblem(reply, req, fromDb)
  const status = error.statusCode ?? 500
  if (status === 429) return sendProblem(reply, req, new AppError('rate_limited', error.message))
  if (status === 413) return sendProblem(reply, req, new AppError('payload_too_large', error.message))
  if (status === 415) return sendProblem(reply, req, new AppError('unsupported_media_type', `${error.message}; send application/json`))
  if (status === 404) return sendProblem(reply, req, new AppError('not_found', error.message))
  if (status >= 400 && status < 500) return sendProblem(reply, req, new AppError('invalid_request', error.message))
  req.log.error({ err: error }, 'unhandled error')
  return sendProblem(reply, req, new AppError('internal', 'Something went wrong on our side; the request id helps us find it'))
}

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The page every problem's `type` points to: one anchor per error code. */
export function problemTypesPage(): string {
  const rows = (Object.keys(ERROR_STATUS) as ErrorCode[])
    .map((code) => `<tr id="${code}"><td><code>${code}</code></td><td>${ERROR_STATUS[code]}</td><td>${esc(TITLES[code])}</td></tr>`)
    .join('\n')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tend API problem types</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}td,th{padding:.3rem .8rem;text-align:left;border-bottom:1px solid #ddd}:target{background:#fff5c2}</style></head>
<body><h1>Tend API problem types</h1><p>Every error of the API is an RFC 9457 <code>application/problem+json</code> document whose <code>type</code> links here. <code>errors</code> lists the fields at fault, each with a JSON <code>pointer</code> into the body or the query/path <code>parameter</code>.</p>
<table><thead><tr><th>code</th><th>status</th><th>title</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`
}
