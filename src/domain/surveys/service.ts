import type { Db } from '../../db/connect.ts'
import { AppError, notFound, type FieldError } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { hashToken, newToken } from '../auth/secrets.ts'
import { enqueue } from '../jobs/queue.ts'
import * as q from './queries.ts'
import {
  DEFAULT_QUESTION, type Audience, type CreateSurveyBody, type Question, type Recipient, type SendSurveyBody, type Survey, type SurveyKind,
} from './schema.ts'

export const SURVEY_INVITE = 'survey.invite'
export const SURVEY_REMINDER = 'survey.reminder'
const DAY = 86_400_000

export function toSurvey(row: q.SurveyWithCountsRow): Survey {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as SurveyKind,
    audience: row.audience as Audience,
    question: row.question,
    intro: row.intro,
    questions: (row.questions ?? []) as Question[],
    reminderDays: row.reminder_days,
    followUpDays: row.follow_up_days,
    linkDays: row.link_days,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    recipientCount: row.recipient_count,
    responseCount: row.response_count,
  }
}

export function toRecipient(row: q.RecipientRow, audience: string): Recipient {
  return {
    id: row.id,
    stakeholderId: row.stakeholder_id,
    userId: row.user_id,
    name: row.name,
    accountId: row.account_id,
    email: row.email,
    sentAt: row.sent_at?.toISOString() ?? null,
    remindedAt: row.reminded_at?.toISOString() ?? null,
    // Who answered a staff survey is not shown: with few recipients it would point at the answers.
    respondedAt: audience === 'staff' ? null : row.responded_at?.toISOString() ?? null,
  }
}

async function load(db: Db, orgId: string, id: string) {
  const row = await q.getSurveyRow(db, orgId, id)
  if (!row) throw notFound('Survey')
  return row
}

export async function getSurvey(db: Db, actor: Actor, id: string): Promise<Survey> {
  return toSurvey(await load(db, actor.orgId, id))
}

export async function listSurveys(db: Db, actor: Actor, filter: { kind?: string | undefined; includeClosed?: boolean | undefined }): Promise<Survey[]> {
  return (await q.listSurveyRows(db, actor.orgId, filter)).map(toSurvey)
}

function checkQuestions(kind: SurveyKind, questions: Question[]) {
  const errors: FieldError[] = []
  const seen = new Set<string>()
  questions.forEach((question, i) => {
    if (seen.has(question.id)) errors.push({ pointer: `#/questions/${i}/id`, detail: 'is used by another question' })
    seen.add(question.id)
    if (question.type === 'choice' && !question.options) errors.push({ pointer: `#/questions/${i}/options`, detail: 'is required for a choice question' })
    if (question.type === 'scale' && (question.min ?? 1) >= (question.max ?? 5)) errors.push({ pointer: `#/questions/${i}/max`, detail: 'must be above min' })
  })
  if (kind === 'custom' && questions.length === 0) errors.push({ pointer: '#/questions', detail: 'a custom survey needs at least one question' })
  if (errors.length) throw new AppError('invalid_request', 'Some questions are not valid', errors)
}

export async function createSurvey(db: Db, actor: Actor, body: CreateSurveyBody): Promise<Survey> {
  const audience: Audience = body.kind === 'esat' ? 'staff' : body.kind === 'custom' ? (body.audience ?? 'stakeholders') : 'stakeholders'
  if (body.audience && body.audience !== audience) throw new AppError('invalid_request', `A ${body.kind} survey goes to ${audience}`, [{ pointer: '#/audience', detail: `must be ${audience} for ${body.kind}` }])
  const questions = body.questions ?? []
  checkQuestions(body.kind, questions)
  return db.transaction().execute(async (trx) => {
    const id = await q.insertSurvey(trx, actor.orgId, {
      name: body.name,
      kind: body.kind,
      audience,
      question: body.question ?? DEFAULT_QUESTION[body.kind],
      intro: body.intro ?? null,
      questions,
      reminder_days: body.reminderDays ?? null,
      follow_up_days: body.followUpDays ?? 3,
      link_days: body.linkDays ?? 30,
      created_by: actor.via === 'system' ? null : actor.userId,
    })
    const survey = toSurvey(await load(trx, actor.orgId, id))
    await recordAudit(trx, actor, 'survey.created', 'survey', id, null, survey)
    return survey
  })
}

export async function closeSurvey(db: Db, actor: Actor, id: string): Promise<Survey> {
  return db.transaction().execute(async (trx) => {
    const before = toSurvey(await load(trx, actor.orgId, id))
    await q.closeSurveyRow(trx, actor.orgId, id, new Date())
    const survey = toSurvey(await load(trx, actor.orgId, id))
    await recordAudit(trx, actor, 'survey.closed', 'survey', id, before, survey)
    return survey
  })
}

export async function listRecipients(db: Db, actor: Actor, surveyId: string): Promise<Recipient[]> {
  const survey = await load(db, actor.orgId, surveyId)
  return (await q.listRecipientRows(db, actor.orgId, surveyId)).map((r) => toRecipient(r, survey.audience))
}

/**
 * Invite stakeholders (customer surveys) or users (staff surveys). Each new recipient with an e-mail
 * address gets an invitation job and, when the survey has reminderDays, one reminder job; the
 * dedupe keys make a second send of the same people a no-op.
 */
export async function sendSurvey(db: Db, actor: Actor, surveyId: string, body: SendSurveyBody) {
  return db.transaction().execute(async (trx) => {
    const survey = await load(trx, actor.orgId, surveyId)
    if (survey.closed_at) throw new AppError('unprocessable', 'This survey is closed')
    const wanted = survey.audience === 'staff' ? 'userIds' : 'stakeholderIds'
    const unwanted = survey.audience === 'staff' ? 'stakeholderIds' : 'userIds'
    if (body[unwanted]) throw new AppError('invalid_request', `A ${survey.kind} survey goes to ${survey.audience}`, [{ pointer: `#/${unwanted}`, detail: `use ${wanted} for this survey` }])
    const ids = body[wanted]
    if (!ids) throw new AppError('invalid_request', `Say whom to send it to`, [{ pointer: `#/${wanted}`, detail: 'is required' }])

    const rows = survey.audience === 'staff'
      ? (await q.findUsers(trx, actor.orgId, ids)).map((u) => ({ id: u.id, user_id: u.id, account_id: null, email: u.email }))
      : (await q.findStakeholders(trx, actor.orgId, ids)).map((s) => ({ id: s.id, stakeholder_id: s.id, account_id: s.account_id, email: s.email }))
    const found = new Set(rows.map((r) => r.id))
    const missing: FieldError[] = ids.flatMap((id, i) => (found.has(id) ? [] : [{ pointer: `#/${wanted}/${i}`, detail: `is not an active ${survey.audience === 'staff' ? 'user' : 'stakeholder'} of this organisation` }]))
    if (missing.length) throw new AppError('invalid_reference', 'Some recipients do not exist in this organisation', missing)

    const newIds = new Set(await q.insertRecipients(trx, actor.orgId, surveyId, rows.map(({ id: _id, ...r }) => r)))
    const all = await q.listRecipientRows(trx, actor.orgId, surveyId)
    const added = all.filter((r) => newIds.has(r.id))
    const now = Date.now()
    for (const r of added) {
      if (!r.email) continue
      await enqueue(trx, { orgId: actor.orgId, kind: SURVEY_INVITE, dedupeKey: `invite:${r.id}`, payload: { recipientId: r.id } })
      if (survey.reminder_days) await enqueue(trx, { orgId: actor.orgId, kind: SURVEY_REMINDER, dedupeKey: `reminder:${r.id}`, payload: { recipientId: r.id }, runAt: new Date(now + survey.reminder_days * DAY) })
    }
    const key = (r: q.RecipientRow) => r.stakeholder_id ?? r.user_id ?? ''
    const result = {
      added: added.map((r) => toRecipient(r, survey.audience)),
      alreadyInvited: rows.filter((r) => !added.some((a) => key(a) === r.id)).map((r) => r.id),
      withoutEmail: added.filter((r) => !r.email).map(key),
    }
    await recordAudit(trx, actor, 'survey.sent', 'survey', surveyId, null, { recipients: result.added.map((r) => r.id) })
    return result
  })
}

/** A new single-use link for a recipient. The token is returned once and only its hash is stored. */
export async function issueLink(db: Db, orgId: string, recipientId: string, linkDays: number, publicUrl: string, now = new Date()) {
  const token = newToken()
  const expiresAt = new Date(now.getTime() + linkDays * DAY)
  await q.insertLink(db, orgId, recipientId, hashToken(token), expiresAt)
  return { url: `${publicUrl}/s/${token}`, expiresAt: expiresAt.toISOString() }
}

/** Copy a customer's link by hand (no e-mail address, or another channel). Not offered for staff surveys. */
export async function createRecipientLink(db: Db, actor: Actor, surveyId: string, recipientId: string, publicUrl: string) {
  return db.transaction().execute(async (trx) => {
    const survey = await load(trx, actor.orgId, surveyId)
    const recipient = await q.getRecipientRow(trx, actor.orgId, recipientId)
    if (!recipient || recipient.survey_id !== surveyId) throw notFound('Recipient')
    if (survey.audience === 'staff') throw new AppError('forbidden', 'Staff survey links go by e-mail only, so nobody else holds them')
    if (survey.closed_at) throw new AppError('unprocessable', 'This survey is closed')
    if (recipient.responded_at) throw new AppError('conflict', 'This recipient has already answered')
    const link = await issueLink(trx, actor.orgId, recipientId, survey.link_days, publicUrl)
    await recordAudit(trx, actor, 'survey.link_created', 'survey', surveyId, null, { recipientId })
    return link
  })
}
