/** The closed list of error codes and their HTTP statuses: the one table every error goes through. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unsupported_format: 415,
  invalid_reference: 422,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
} as const
export type ErrorCode = keyof typeof ERROR_STATUS

export const TITLES: Record<ErrorCode, string> = {
  invalid_request: 'Request is not valid',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict',
  gone: 'No longer available',
  payload_too_large: 'Request is too large',
  unsupported_media_type: 'Content type is not supported',
  unsupported_format: 'Format is not supported',
  invalid_reference: 'Reference is not valid',
  unprocessable: 'Request cannot be processed',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
}

/** One field at fault: `pointer` (JSON Pointer into the body) or `parameter` (query/path name). */
export type FieldError = { pointer?: string; parameter?: string; detail: string }

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message)
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`)
export const forbidden = (why = 'Your role does not allow this') => new AppError('forbidden', why)
export const invalidReference = (pointer: string, detail: string) => new AppError('invalid_reference', detail, [{ pointer, detail }])
export const unprocessable = (pointer: string, detail: string) => new AppError('unprocessable', detail, [{ pointer, detail }])

type PgError = { code?: string; constraint?: string; detail?: string; column?: string }

// PostgreSQL SQLSTATEs that mean "the caller asked for something the data does not allow".
const PG_CODES: Record<string, ErrorCode> = {
  '23505': 'conflict',
  '23503': 'invalid_reference',
  '23514': 'unprocessable',
  '23502': 'unprocessable',
  '22001': 'unprocessable',
  '22003': 'unprocessable',
  '22007': 'invalid_request',
  '22008': 'invalid_request',
  '22P02': 'invalid_request',
}

/** Map a database constraint error to an AppError, or return undefined for anything else. */
export function fromDatabaseError(err: unknown): AppError | undefined {
  const pgErr = err as PgError
  const code = typeof pgErr?.code === 'string' ? PG_CODES[pgErr.code] : undefined
  if (!code) return undefined
  const constraint = pgErr.constraint ? ` (${pgErr.constraint})` : ''
  const messages: Partial<Record<ErrorCode, string>> = {
    conflict: `A record with these values already exists${constraint}`,
    invalid_reference: `A referenced record does not exist in this organisation${constraint}`,
    unprocessable: `The values break a rule of the data${constraint}`,
    invalid_request: 'A value has the wrong format',
  }
  return new AppError(code, messages[code] ?? TITLES[code])
}

