import type { Db } from '../../db/connect.ts'
import { AppError, notFound, type FieldError } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { hashToken } from '../auth/secrets.ts'
import { createExperience } from '../experiences/service.ts'
import { insertFollowUp } from './follow-ups.ts'
import * as q from './queries.ts'
import { SCORE_RANGE, type AnswerBody, type PublicSurvey, type Question, type SurveyKind } from './schema.ts'
import { answerValence, needsFollowUp } from './stats.ts'

// Tokens are 32 random bytes in base64url. Anything else is not looked up at all.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/
const DAY = 86_400_000
export const DEFAULT_BRAND_COLOUR = '#2f6f5e'

type LinkRow = NonNullable<Awaited<ReturnType<typeof q.findLinkByHash>>>

/**
 * The survey behind a link. Unknown, malformed and expired tokens and closed surveys are all the
 * same "not found": a caller learns nothing about which tokens exist.
 */
async function resolveLink(db: Db, token: string, now = new Date()): Promise<LinkRow> {
  if (!TOKEN_PATTERN.test(token)) throw notFound('Survey')
  const row = await q.findLinkByHash(db, hashToken(token))
  if (!row || row.expires_at.getTime() <= now.getTime() || row.closed_at) throw notFound('Survey')
  return row
}

/** The organisation's colour for public pages: settings.brandColor when it is a #rrggbb colour. */
export function brandColour(settings: unknown): string {
  const value = (settings as { brandColor?: unknown } | null)?.brandColor
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value) ? value : DEFAULT_BRAND_COLOUR
}

export async function getPublicSurvey(db: Db, token: string): Promise<PublicSurvey> {
  const row = await resolveLink(db, token)
  return {
    organisation: { name: row.org_name, colour: brandColour(row.org_settings) },
    name: row.name,
    kind: row.kind as SurveyKind,
    question: row.question,
    intro: row.intro,
    questions: (row.questions ?? []) as Question[],
    scale: SCORE_RANGE[row.kind as SurveyKind],
    isAnswered: row.responded_at !== null,
  }
}

/** Check an answer against the survey: the score's range, required and known questions, choices. */
export function checkAnswer(kind: SurveyKind, questions: Question[], body: AnswerBody): FieldError[] {
  const errors: FieldError[] = []
  const range = SCORE_RANGE[kind]
  if (range && body.score === undefined) errors.push({ pointer: '#/score', detail: 'is required' })
  if (range && body.score !== undefined && (body.score < range.min || body.score > range.max)) errors.push({ pointer: '#/score', detail: `must be between ${range.min} and ${range.max}` })
  if (!range && body.score !== undefined) errors.push({ pointer: '#/score', detail: 'this survey has no score question' })
  const answers = body.answers ?? {}
  const byId = new Map(questions.map((x) => [x.id, x]))
  for (const key of Object.keys(answers)) if (!byId.has(key)) errors.push({ pointer: `#/answers/${key}`, detail: 'is not a question of this survey' })
  for (const question of questions) {
    const value = answers[question.id]
    const pointer = `#/answers/${question.id}`
    if (value === undefined || value === '') {
      if (question.required) errors.push({ pointer, detail: 'is required' })
      continue
    }
    if (question.type === 'scale') {
      const [min, max] = [question.min ?? 1, question.max ?? 5]
      if (typeof value !== 'number' || value < min || value > max) errors.push({ pointer, detail: `must be a whole number from ${min} to ${max}` })
    } else if (question.type === 'choice') {
      if (typeof value !== 'string' || !question.options?.includes(value)) errors.push({ pointer, detail: 'must be one of the options' })
    } else if (typeof value !== 'string') errors.push({ pointer, detail: 'must be text' })
  }
  return errors
}

/**
 * Record an answer given through a link. The recipient is marked first, so a second submission
 * (the same link twice, or two links of one recipient) finds nothing to mark and is refused.
 * A customer's NPS/CSAT answer becomes an experience for the trust engine, and a detractor's
 * opens a follow-up for the account's owner.
 */
export async function submitAnswer(db: Db, token: string, body: AnswerBody, now = new Date()): Promise<{ followUp: boolean }> {
  return db.transaction().execute(async (trx) => {
    const link = await resolveLink(trx, token, now)
    const kind = link.kind as SurveyKind
    if (link.responded_at) throw new AppError('conflict', 'This survey has already been answered')
    const errors = checkAnswer(kind, (link.questions ?? []) as Question[], body)
    if (errors.length) throw new AppError('invalid_request', errors.length === 1 ? '1 field is invalid' : `${errors.length} fields are invalid`, errors)
    // Staff answers keep only the day, here and on the answer, so times cannot be matched up.
    const day = new Date(Math.floor(now.getTime() / DAY) * DAY)
    if (!(await q.markResponded(trx, link.org_id, link.recipient_id, link.audience === 'staff' ? day : now))) throw new AppError('conflict', 'This survey has already been answered')

    const orgId = link.org_id
    const score = body.score ?? null
    const comment = body.comment?.trim() ? body.comment.trim() : null
    const system: Actor = { orgId, userId: link.created_by ?? '00000000-0000-0000-0000-000000000000', role: 'admin', name: 'Survey', via: 'system' }

    if (link.audience === 'staff') {
      // Anonymous: no recipient, user or date finer than the day, only the team (the respondent's manager).
      const user = link.user_id ? (await q.findUsers(trx, orgId, [link.user_id]))[0] : undefined
      await q.insertResponse(trx, orgId, { survey_id: link.id, kind, recipient_id: null, stakeholder_id: null, account_id: null, owner_id: null, team_manager_id: user?.manager_id ?? null, score, comment, answers: body.answers ?? {}, submitted_at: day })
      return { followUp: false }
    }

    const stakeholderId = link.stakeholder_id!
    const ownerId = await q.findOwner(trx, orgId, stakeholderId, link.account_id)
    const responseId = await q.insertResponse(trx, orgId, {
      survey_id: link.id, kind, recipient_id: link.recipient_id, stakeholder_id: stakeholderId, account_id: link.account_id, owner_id: ownerId,
      team_manager_id: null, score, comment, answers: body.answers ?? {}, submitted_at: now,
    })
    if ((kind === 'nps' || kind === 'csat') && score !== null) {
      const userIds = [...new Set([...(await q.findRelationshipUsers(trx, orgId, stakeholderId)), ...(ownerId ? [ownerId] : []), ...(link.created_by ? [link.created_by] : [])])]
      if (userIds.length > 0) {
        const experience = await createExperience(trx, system, {
          occurredAt: now.toISOString(), kind: 'survey_answer', source: 'survey', externalId: responseId, valence: answerValence(kind, score), direction: 'they_gave', initiator: 'us', depth: 'meaningful',
          title: `${kind.toUpperCase()} answer: ${score} (${link.name})`.slice(0, 300), notes: comment, stakeholderIds: [stakeholderId], userIds, accountId: link.account_id,
        })
        await q.setResponseExperience(trx, orgId, responseId, experience.id)
      }
    }
    const opensFollowUp = needsFollowUp(kind, score)
    if (opensFollowUp) await insertFollowUp(trx, orgId, { responseId, ownerId: ownerId ?? link.created_by, dueAt: new Date(now.getTime() + link.follow_up_days * DAY) })
    await recordAudit(trx, system, 'survey.answered', 'survey_response', responseId, null, { surveyId: link.id, score })
    return { followUp: opensFollowUp }
  })
}
