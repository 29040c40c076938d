import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { AppError, type FieldError } from '../../lib/errors.ts'
import { renderMessage, renderSurveyForm, PAGE_HEADERS } from './page.ts'
import { getPublicSurvey, submitAnswer } from './respond.ts'
import { AnswerBodySchema, MAX_ANSWER_LENGTH, PublicSurveySchema, type AnswerBody, type PublicSurvey } from './schema.ts'

// Per address: enough for a person on a shared office connection, far too few to try tokens.
export const PUBLIC_RATE_LIMIT = { max: 30, timeWindow: '1 minute' }
// An answer is a score and a few paragraphs; anything much larger is refused before parsing (413).
const PUBLIC_BODY_LIMIT = 16_384

const Params = Type.Object({ token: Type.String({ maxLength: 200 }) })
const tags = ['public']

/** Form fields (score, comment, q_<id>) → the JSON answer the API takes; numbers where the survey expects them. */
function fromForm(form: Record<string, string>, survey: PublicSurvey): { body: AnswerBody; errors: FieldError[] } {
  const errors: FieldError[] = []
  const body: AnswerBody = {}
  const toInt = (value: string, pointer: string) => {
    if (/^\d{1,2}$/.test(value)) return Number(value)
    errors.push({ pointer, detail: 'must be a whole number' })
    return undefined
  }
  if (form.score !== undefined && form.score !== '') body.score = toInt(form.score, '#/score')
  if (form.comment) {
    if (form.comment.length > MAX_ANSWER_LENGTH) errors.push({ pointer: '#/comment', detail: `must be at most ${MAX_ANSWER_LENGTH} characters` })
    body.comment = form.comment
  }
  const answers: Record<string, number | string> = {}
  for (const question of survey.questions) {
    const value = form[`q_${question.id}`]
    if (value === undefined || value === '') continue
    if (value.length > MAX_ANSWER_LENGTH) errors.push({ pointer: `#/answers/${question.id}`, detail: `must be at most ${MAX_ANSWER_LENGTH} characters` })
    const parsed = question.type === 'scale' ? toInt(value, `#/answers/${question.id}`) : value
    if (parsed !== undefined) answers[question.id] = parsed
  }
  if (Object.keys(answers).length) body.answers = answers
  return { body, errors }
}

function page(reply: FastifyReply, status: number, html: string) {
  return reply.code(status).headers(PAGE_HEADERS).send(html)
}

const NOT_FOUND = () => renderMessage('This link does not work', 'The survey link is not valid or has expired. If you think this is a mistake, reply to the e-mail that brought you here.')
const THANKS = (s: PublicSurvey) => renderMessage('Thank you', 'Your answer has been recorded. You can close this page.', s.organisation)
const ALREADY = (s: PublicSurvey) => renderMessage('Already answered', 'This survey has already been answered with this link. Thank you!', s.organisation)

/** The public survey: an HTML page at /s/:token (no login, no script) and the same as JSON under /api/v1/public. */
export const publicSurveyRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  // Browsers post the HTML form as urlencoded text; only this plugin accepts it.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: PUBLIC_BODY_LIMIT }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  app.get('/api/v1/public/surveys/:token', {
    config: { isPublic: true, rateLimit: PUBLIC_RATE_LIMIT },
    schema: { operationId: 'getPublicSurvey', tags, summary: 'The survey behind a link (no login); 404 for unknown or expired links', security: [], params: Params, response: { 200: PublicSurveySchema } },
  }, async (req) => getPublicSurvey(db, req.params.token))

  app.post('/api/v1/public/surveys/:token', {
    config: { isPublic: true, rateLimit: PUBLIC_RATE_LIMIT },
    bodyLimit: PUBLIC_BODY_LIMIT,
    schema: {
      operationId: 'answerSurvey', tags, summary: 'Answer a survey through its link, once; 409 the second time', security: [],
      params: Params, body: AnswerBodySchema, response: { 201: Type.Object({ received: Type.Boolean() }) },
    },
  }, async (req, reply) => {
    await submitAnswer(db, req.params.token, req.body)
    return reply.code(201).send({ received: true })
  })

  app.get('/s/:token', { config: { rateLimit: PUBLIC_RATE_LIMIT }, schema: { hide: true, params: Params } }, async (req, reply) => {
    let survey: PublicSurvey
    try {
      survey = await getPublicSurvey(db, req.params.token)
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return page(reply, 404, NOT_FOUND())
      throw err
    }
    return page(reply, 200, survey.isAnswered ? ALREADY(survey) : renderSurveyForm(survey))
  })

  app.post('/s/:token', { config: { rateLimit: PUBLIC_RATE_LIMIT }, bodyLimit: PUBLIC_BODY_LIMIT, schema: { hide: true, params: Params } }, async (req, reply) => {
    let survey: PublicSurvey
    try {
      survey = await getPublicSurvey(db, req.params.token)
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return page(reply, 404, NOT_FOUND())
      throw err
    }
    if (survey.isAnswered) return page(reply, 409, ALREADY(survey))
    const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>
    const { body, errors } = fromForm(form, survey)
    if (errors.length) return page(reply, 400, renderSurveyForm(survey, form, errors))
    try {
      await submitAnswer(db, req.params.token, body)
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_request') return page(reply, 400, renderSurveyForm(survey, form, err.errors))
      if (err instanceof AppError && err.code === 'conflict') return page(reply, 409, ALREADY(survey))
      if (err instanceof AppError && err.code === 'not_found') return page(reply, 404, NOT_FOUND())
      throw err
    }
    return page(reply, 200, THANKS(survey))
  })
}
