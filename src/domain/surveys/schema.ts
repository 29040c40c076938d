import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'

export const SURVEY_KINDS = ['nps', 'csat', 'esat', 'custom'] as const
export type SurveyKind = (typeof SURVEY_KINDS)[number]
export const AUDIENCES = ['stakeholders', 'staff'] as const
export type Audience = (typeof AUDIENCES)[number]
export const QUESTION_TYPES = ['scale', 'text', 'choice'] as const

/** Longest free-text answer kept: a few paragraphs. Longer answers are refused (400), not cut. */
export const MAX_ANSWER_LENGTH = 2000

/** The score range of each kind's main question; custom surveys have none. */
export const SCORE_RANGE: Record<SurveyKind, { min: number; max: number } | null> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  esat: { min: 1, max: 5 },
  custom: null,
}

export const DEFAULT_QUESTION: Record<SurveyKind, string> = {
  nps: 'How likely is it that you would recommend us to a friend or colleague?',
  csat: 'How satisfied are you with our work for you?',
  esat: 'How satisfied are you working here?',
  custom: 'A few questions',
}

export const QuestionSchema = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9_-]{1,40}$', description: 'Key of the answer in `answers`' }),
  label: Type.String({ minLength: 1, maxLength: 300 }),
  type: StringEnum(QUESTION_TYPES),
  min: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'scale: lowest value (default 1)' })),
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'scale: highest value (default 5)' })),
  options: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 12, uniqueItems: true })),
  required: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type Question = Static<typeof QuestionSchema>

export const SurveySchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: StringEnum(SURVEY_KINDS),
  audience: StringEnum(AUDIENCES),
  question: Type.String(),
  intro: Nullable(Type.String()),
  questions: Type.Array(QuestionSchema),
  reminderDays: Nullable(Type.Integer()),
  followUpDays: Type.Integer(),
  linkDays: Type.Integer(),
  createdBy: Nullable(Uuid),
  createdAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  recipientCount: Type.Integer(),
  responseCount: Type.Integer(),
})
export type Survey = Static<typeof SurveySchema>

export const CreateSurveyBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: StringEnum(SURVEY_KINDS, { description: 'nps (0–10 + why), csat (1–5), esat (staff, 1–5, anonymous) or custom questions only' }),
  audience: Type.Optional(StringEnum(AUDIENCES, { description: 'Only for custom surveys: nps/csat go to stakeholders, esat to staff' })),
  question: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'The main question (a sensible default per kind)' })),
  intro: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  questions: Type.Optional(Type.Array(QuestionSchema, { maxItems: 10 })),
  reminderDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 60, description: 'Remind non-responders once, this many days after the invitation' }))),
  followUpDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'Days to close the follow-up a detractor answer opens' })),
  linkDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Days a link stays valid' })),
}, { additionalProperties: false })
export type CreateSurveyBody = Static<typeof CreateSurveyBodySchema>

export const SendSurveyBodySchema = Type.Object({
  stakeholderIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 1000, uniqueItems: true })),
  userIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 1000, uniqueItems: true })),
}, { additionalProperties: false, minProperties: 1 })
export type SendSurveyBody = Static<typeof SendSurveyBodySchema>

export const RecipientSchema = Type.Object({
  id: Uuid,
  stakeholderId: Nullable(Uuid),
  userId: Nullable(Uuid),
  name: Type.String(),
  accountId: Nullable(Uuid),
  email: Nullable(Type.String()),
  sentAt: Nullable(Type.String({ format: 'date-time' })),
  remindedAt: Nullable(Type.String({ format: 'date-time' })),
  respondedAt: Nullable(Type.String({ format: 'date-time', description: 'Always null on staff surveys: who answered an ESAT survey is not shown' })),
})
export type Recipient = Static<typeof RecipientSchema>

export const SendResultSchema = Type.Object({
  added: Type.Array(RecipientSchema),
  alreadyInvited: Type.Array(Uuid),
  withoutEmail: Type.Array(Uuid, { description: 'Invited, but no e-mail address: copy their link instead' }),
})

export const LinkSchema = Type.Object({
  url: Type.String({ description: 'Shown once: only a hash of the token is stored' }),
  expiresAt: Type.String({ format: 'date-time' }),
})

/** What a respondent sends. Scores are checked against the survey's kind (0–10 or 1–5). */
export const AnswerBodySchema = Type.Object({
  score: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  comment: Type.Optional(Type.String({ maxLength: MAX_ANSWER_LENGTH })),
  answers: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }), Type.Union([Type.Integer({ minimum: 0, maximum: 10 }), Type.String({ maxLength: MAX_ANSWER_LENGTH })]), { maxProperties: 10 })),
}, { additionalProperties: false })
export type AnswerBody = Static<typeof AnswerBodySchema>

export const PublicSurveySchema = Type.Object({
  organisation: Type.Object({ name: Type.String(), colour: Type.String() }),
  name: Type.String(),
  kind: StringEnum(SURVEY_KINDS),
  question: Type.String(),
  intro: Nullable(Type.String()),
  questions: Type.Array(QuestionSchema),
  scale: Nullable(Type.Object({ min: Type.Integer(), max: Type.Integer() })),
  isAnswered: Type.Boolean(),
})
export type PublicSurvey = Static<typeof PublicSurveySchema>

export const ResponseSchema = Type.Object({
  id: Uuid,
  surveyId: Uuid,
  kind: StringEnum(SURVEY_KINDS),
  score: Nullable(Type.Integer()),
  category: Nullable(Type.String({ description: 'promoter/passive/detractor (NPS) or satisfied/neutral/dissatisfied (CSAT, ESAT)' })),
  comment: Nullable(Type.String()),
  answers: Type.Record(Type.String(), Type.Union([Type.Integer(), Type.String()])),
  stakeholderId: Nullable(Uuid),
  stakeholderName: Nullable(Type.String()),
  accountId: Nullable(Uuid),
  accountName: Nullable(Type.String()),
  ownerId: Nullable(Uuid),
  submittedAt: Nullable(Type.String({ format: 'date-time', description: 'null on staff (ESAT) answers' })),
  followUpId: Nullable(Uuid),
})
export type SurveyResponse = Static<typeof ResponseSchema>

export const FOLLOW_UP_STATUSES = ['open', 'closed'] as const

export const FollowUpSchema = Type.Object({
  id: Uuid,
  responseId: Uuid,
  surveyId: Uuid,
  surveyName: Type.String(),
  kind: StringEnum(SURVEY_KINDS),
  score: Nullable(Type.Integer()),
  comment: Nullable(Type.String()),
  stakeholderId: Nullable(Uuid),
  stakeholderName: Nullable(Type.String()),
  accountId: Nullable(Uuid),
  accountName: Nullable(Type.String()),
  ownerId: Uuid,
  ownerName: Type.String(),
  dueAt: Type.String({ format: 'date-time' }),
  isOverdue: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  closedBy: Nullable(Uuid),
  resolution: Nullable(Type.String()),
})
export type FollowUp = Static<typeof FollowUpSchema>

export const ListFollowUpsQuerySchema = Type.Object({
  status: Type.Optional(StringEnum(FOLLOW_UP_STATUSES, { default: 'open' })),
  ownerId: Type.Optional(Type.Union([Uuid, Type.Literal('me')], { description: 'One owner (me = you)' })),
  subtreeOf: Type.Optional(Type.Union([Uuid, Type.Literal('me')], { description: 'Owners in this manager\'s reporting subtree, the manager included' })),
  accountId: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
}, { additionalProperties: false })
export type ListFollowUpsQuery = Static<typeof ListFollowUpsQuerySchema>

export const CloseFollowUpBodySchema = Type.Object({
  resolution: Type.String({ minLength: 1, maxLength: 4000, description: 'What was done: closing the loop' }),
}, { additionalProperties: false })

export const UpdateFollowUpBodySchema = Type.Object({
  ownerId: Type.Optional(Uuid),
  dueAt: Type.Optional(Type.String({ format: 'date-time' })),
}, { additionalProperties: false, minProperties: 1 })
export type UpdateFollowUpBody = Static<typeof UpdateFollowUpBodySchema>
