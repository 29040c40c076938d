// The one way the SPA talks to the server: JSON over fetch with the session cookie, the CSRF
// token on every write, and RFC 9457 problems turned into ApiError with per-field messages.

export type FieldError = { pointer?: string; parameter?: string; detail: string }
export type Problem = { type?: string; title?: string; status: number; detail?: string; code?: string; errors?: FieldError[] }

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `Request failed (${problem.status})`)
    this.status = problem.status
    this.problem = problem
  }

  /** Field messages keyed by the body property they belong to ("#/name" → "name"). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const e of this.problem.errors ?? []) {
      const key = e.pointer ? e.pointer.replace(/^#\//, '').split('/')[0] ?? '' : (e.parameter ?? '')
      if (key && !(key in out)) out[key] = e.detail
    }
    return out
  }
}

let csrfToken: string | null = null
let onUnauthorized: (() => void) | null = null

export function setCsrfToken(token: string | null) {
  csrfToken = token
}

/** Called when any request answers 401 (the session ended): the app shows the login page. */
export function setUnauthorizedHandler(handler: (() => void) | null) {
  onUnauthorized = handler
}

export type Query = Record<string, string | number | boolean | null | undefined>

export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

type RequestOptions = { method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; body?: unknown; query?: Query; signal?: AbortSignal; quietUnauthorized?: boolean }

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  const res = await fetch(withQuery(`/api/v1${path}`, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  })
  if (res.status === 204) return undefined as T
  const isJson = /json/.test(res.headers.get('content-type') ?? '')
  const payload: unknown = isJson ? await res.json() : await res.text()
  if (!res.ok) {
    if (res.status === 401 && !options.quietUnauthorized) onUnauthorized?.()
    const problem = isJson && typeof payload === 'object' && payload !== null ? (payload as Problem) : { status: res.status, detail: String(payload).slice(0, 200) }
    throw new ApiError({ ...problem, status: res.status })
  }
  return payload as T
}

export const isNotFound = (err: unknown) => err instanceof ApiError && err.status === 404

export type Page<T> = { items: T[]; nextCursor: string | null }
