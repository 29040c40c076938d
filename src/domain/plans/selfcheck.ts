import { Type, type Static } from 'typebox'
import type { Db } from '../../db/connect.ts'
import { AppError, notFound, type FieldError } from '../../lib/errors.ts'
import { Nullable, Uuid } from '../../lib/schema.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { settleQueuedAccounts } from '../trust/refresh.ts'

// The self-check of ../shared/seeds/002: "Ask yourself these questions" about a key account. Each is
// answered 1 (not at all) … 5 (fully); reversed questions count the other way. Score 0–100.
export const BUILT_IN_QUESTIONS = [
  { id: 'interests_at_heart', text: 'Does the customer believe we have their interests at heart, not just our own?', isReversed: false },
  { id: 'hard_times', text: 'Do we share an unsaid commitment to stay together in hard times as well as good?', isReversed: false },
  { id: 'available_elsewhere', text: 'Is what we offer easily available elsewhere (and the customer just does not know it)?', isReversed: true },
  { id: 'their_success', text: 'Do we get our kicks from seeing their business thrive rather than from outwitting them?', isReversed: false },
  { id: 'ambassador', text: 'Does the customer act as an ambassador, promoting us on our behalf?', isReversed: false },
] as const
/** A self-check is due again this many days after the last one. */
export const SELF_CHECK_PERIOD_DAYS = 90
/** Self-check and trust score are "in line" within this many points; beyond, the gap is flagged. */
const GAP_POINTS = 15

export const QuestionSchema = Type.Object({ id: Type.String(), text: Type.String(), isReversed: Type.Boolean(), isBuiltIn: Type.Boolean() })
export type Question = Static<typeof QuestionSchema>
export const CreateQuestionBodySchema = Type.Object({ text: Type.String({ minLength: 3, maxLength: 300 }), isReversed: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
export const SubmitSelfCheckBodySchema = Type.Object({
  answers: Type.Array(Type.Object({ questionId: Type.String({ minLength: 1, maxLength: 64 }), value: Type.Integer({ minimum: 1, maximum: 5 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
  notes: Type.Optional(Type.String({ maxLength: 5_000 })),
}, { additionalProperties: false })
export type SubmitSelfCheckBody = Static<typeof SubmitSelfCheckBodySchema>

export const SelfCheckSchema = Type.Object({
  id: Uuid, accountId: Uuid, userId: Uuid, takenAt: Type.String({ format: 'date-time' }), score: Type.Number(), trustScore: Nullable(Type.Number()),
  answers: Type.Array(Type.Object({ questionId: Type.String(), value: Type.Integer() })), notes: Nullable(Type.String()),
})
export const SelfCheckSummarySchema = Type.Object({
  questions: Type.Array(QuestionSchema),
  items: Type.Array(SelfCheckSchema, { description: 'Oldest first: the trend' }),
  latestScore: Nullable(Type.Number()),
  trend: Type.Union([Type.Literal('improving'), Type.Literal('declining'), Type.Literal('steady'), Type.Null()]),
  trustScore: Nullable(Type.Number({ description: 'The account\'s current trust score (0–100)' })),
  gap: Nullable(Type.Number({ description: 'latest self-check − trust score: positive means we rate the relationship higher than the evidence does' })),
  verdict: Type.Union([Type.Literal('in_line'), Type.Literal('we_overrate'), Type.Literal('we_underrate'), Type.Null()]),
  nextDueOn: Nullable(Type.String({ format: 'date' })),
  isDue: Type.Boolean(),
})
export type SelfCheckSummary = Static<typeof SelfCheckSummarySchema>

/** Score 0–100 from 1–5 answers (reversed ones inverted). */
export function scoreAnswers(answers: { value: number; isReversed: boolean }[]): number {
  const points = answers.map((a) => (a.isReversed ? 5 - a.value : a.value - 1) / 4)
  return Math.round((points.reduce((s, p) => s + p, 0) / points.length) * 1000) / 10
}

export async function listQuestions(db: Db, orgId: string): Promise<Question[]> {
  const own = await db.selectFrom('self_check_questions').selectAll().where('org_id', '=', orgId).where('archived_at', 'is', null).orderBy('position').orderBy('created_at').execute()
  return [...BUILT_IN_QUESTIONS.map((q) => ({ ...q, isBuiltIn: true })), ...own.map((q) => ({ id: q.id, text: q.text, isReversed: q.is_reversed, isBuiltIn: false }))]
}

export async function addQuestion(db: Db, actor: Actor, body: Static<typeof CreateQuestionBodySchema>): Promise<Question> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('self_check_questions').values({ org_id: actor.orgId, text: body.text, is_reversed: body.isReversed ?? false }).returningAll().executeTakeFirstOrThrow()
    const q = { id: row.id, text: row.text, isReversed: row.is_reversed, isBuiltIn: false }
    await recordAudit(trx, actor, 'self_check_question.created', 'self_check_question', row.id, null, q)
    return q
  })
}

export async function archiveQuestion(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('self_check_questions').set({ archived_at: new Date() }).where('org_id', '=', actor.orgId).where('id', '=', id).where('archived_at', 'is', null).returningAll().executeTakeFirst()
    if (!row) throw notFound('Question')
    await recordAudit(trx, actor, 'self_check_question.archived', 'self_check_question', id, { text: row.text }, null)
  })
}

async function checkAccount(db: Db, orgId: string, accountId: string) {
  if (!(await db.selectFrom('accounts').select('id').where('org_id', '=', orgId).where('id', '=', accountId).executeTakeFirst())) throw notFound('Account')
}

/** The account's stored score, the organisation's queued accounts settled first (trust/refresh.ts). */
async function currentTrust(db: Db, orgId: string, accountId: string) {
  await settleQueuedAccounts(db, { orgId })
  return (await db.selectFrom('account_scores').select('score').where('org_id', '=', orgId).where('account_id', '=', accountId).executeTakeFirst())?.score ?? null
}

/** Record a self-check: every current question answered once; the trust score of the moment is kept beside it. */
export async function submitSelfCheck(db: Db, actor: Actor, accountId: string, body: SubmitSelfCheckBody) {
  return db.transaction().execute(async (trx) => {
    await checkAccount(trx, actor.orgId, accountId)
    const questions = await listQuestions(trx, actor.orgId)
    const byId = new Map(questions.map((q) => [q.id, q]))
    const errors: FieldError[] = []
    const seen = new Set<string>()
    body.answers.forEach((a, i) => {
      if (!byId.has(a.questionId)) errors.push({ pointer: `#/answers/${i}/questionId`, detail: 'is not a current self-check question' })
      else if (seen.has(a.questionId)) errors.push({ pointer: `#/answers/${i}/questionId`, detail: 'is answered twice' })
      seen.add(a.questionId)
    })
    const missing = questions.filter((q) => !seen.has(q.id))
    if (missing.length) errors.push({ pointer: '#/answers', detail: `missing answers to: ${missing.map((q) => q.id).join(', ')}` })
    if (errors.length) throw new AppError('unprocessable', 'The self-check is incomplete or has unknown questions', errors)
    const score = scoreAnswers(body.answers.map((a) => ({ value: a.value, isReversed: byId.get(a.questionId)!.isReversed })))
    const row = await trx.insertInto('self_checks').values({
      org_id: actor.orgId, account_id: accountId, user_id: actor.userId, answers: JSON.stringify(body.answers), score, trust_score: await currentTrust(trx, actor.orgId, accountId), notes: body.notes ?? null,
    }).returningAll().executeTakeFirstOrThrow()
    const item = toSelfCheck(row)
    await recordAudit(trx, actor, 'self_check.created', 'self_check', row.id, null, item)
    return item
  })
}

type SelfCheckRow = { id: string; account_id: string; user_id: string; taken_at: Date; score: number; trust_score: number | null; answers: unknown; notes: string | null }
const toSelfCheck = (r: SelfCheckRow) => ({
  id: r.id, accountId: r.account_id, userId: r.user_id, takenAt: r.taken_at.toISOString(), score: r.score, trustScore: r.trust_score, answers: r.answers as { questionId: string; value: number }[], notes: r.notes,
})

/** The account's self-checks (the trend), compared with its trust score, and when the next one is due. */
export async function selfCheckSummary(db: Db, actor: Actor, accountId: string, now = new Date()): Promise<SelfCheckSummary> {
  await checkAccount(db, actor.orgId, accountId)
  const rows = await db.selectFrom('self_checks').selectAll().where('org_id', '=', actor.orgId).where('account_id', '=', accountId).orderBy('taken_at').orderBy('id').execute()
  const items = rows.map(toSelfCheck)
  const latest = items.at(-1)
  const previous = items.at(-2)
  const delta = latest && previous ? latest.score - previous.score : null
  const trustScore = await currentTrust(db, actor.orgId, accountId)
  const gap = latest && trustScore !== null ? Math.round((latest.score - trustScore) * 10) / 10 : null
  const nextDue = latest ? new Date(Date.parse(latest.takenAt) + SELF_CHECK_PERIOD_DAYS * 86_400_000) : null
  return {
    questions: await listQuestions(db, actor.orgId),
    items,
    latestScore: latest?.score ?? null,
    trend: delta === null ? null : delta >= 5 ? 'improving' : delta <= -5 ? 'declining' : 'steady',
    trustScore,
    gap,
    verdict: gap === null ? null : gap > GAP_POINTS ? 'we_overrate' : gap < -GAP_POINTS ? 'we_underrate' : 'in_line',
    nextDueOn: nextDue?.toISOString().slice(0, 10) ?? null,
    isDue: !nextDue || nextDue <= now,
  }
}
