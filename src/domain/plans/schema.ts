import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'

/** What we plan to give (../shared/seeds/002: a plan is "a set of activities to give"). */
export const ACTIVITY_KINDS = ['introduction', 'insight', 'help', 'invitation', 'event', 'custom'] as const
export const ACTIVITY_STATUSES = ['planned', 'done', 'cancelled'] as const
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' })
const DateTime = Type.String({ format: 'date-time' })

export const ActivitySchema = Type.Object({
  id: Uuid,
  planId: Uuid,
  kind: StringEnum(ACTIVITY_KINDS),
  title: Type.String(),
  notes: Nullable(Type.String()),
  ownerId: Uuid,
  ownerName: Type.String(),
  dueOn: Nullable(Day),
  status: StringEnum(ACTIVITY_STATUSES),
  isOverdue: Type.Boolean(),
  doneAt: Nullable(DateTime),
  experienceId: Nullable(Uuid),
})
export type Activity = Static<typeof ActivitySchema>

export const BalanceSchema = Type.Object({
  since: DateTime,
  weGave: Type.Integer(),
  weAsked: Type.Integer(),
  mutual: Type.Integer(),
  theyGave: Type.Integer(),
  giveShare: Nullable(Type.Number({ description: 'weGave / (weGave + weAsked); null when neither happened' })),
  stance: StringEnum(['giving', 'balanced', 'taking', 'none'] as const, { description: 'giving ≥ 60 % gives, taking ≤ 40 %' }),
}, { description: 'What actually happened in the last 12 months, from the experiences\' direction' })
export type Balance = Static<typeof BalanceSchema>

export const PlanSchema = Type.Object({
  id: Uuid,
  accountId: Nullable(Uuid),
  stakeholderId: Nullable(Uuid),
  subjectName: Type.String(),
  title: Type.String(),
  objectives: Type.Array(Type.String(), { description: 'What the customer wants to achieve' }),
  ownerId: Uuid,
  createdAt: DateTime,
  updatedAt: DateTime,
  archivedAt: Nullable(DateTime),
  activities: Type.Array(ActivitySchema),
  balance: BalanceSchema,
})
export type Plan = Static<typeof PlanSchema>

const Objectives = Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 20 })
export const CreatePlanBodySchema = Type.Object({
  accountId: Type.Optional(Uuid),
  stakeholderId: Type.Optional(Uuid),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  objectives: Type.Optional(Objectives),
  ownerId: Type.Optional(Uuid),
}, { additionalProperties: false, description: 'Exactly one of accountId and stakeholderId' })
export type CreatePlanBody = Static<typeof CreatePlanBodySchema>
export const UpdatePlanBodySchema = Type.Object({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  objectives: Type.Optional(Objectives),
  ownerId: Type.Optional(Uuid),
}, { additionalProperties: false, minProperties: 1 })
export type UpdatePlanBody = Static<typeof UpdatePlanBodySchema>

export const ListPlansQuerySchema = Type.Object({
  accountId: Type.Optional(Uuid),
  stakeholderId: Type.Optional(Uuid),
  includeArchived: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type ListPlansQuery = Static<typeof ListPlansQuerySchema>

export const CreateActivityBodySchema = Type.Object({
  kind: StringEnum(ACTIVITY_KINDS),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 5_000 }))),
  ownerId: Type.Optional(Uuid),
  dueOn: Type.Optional(Nullable(Day)),
}, { additionalProperties: false })
export type CreateActivityBody = Static<typeof CreateActivityBodySchema>
export const UpdateActivityBodySchema = Type.Object({
  kind: Type.Optional(StringEnum(ACTIVITY_KINDS)),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 5_000 }))),
  ownerId: Type.Optional(Uuid),
  dueOn: Type.Optional(Nullable(Day)),
  status: Type.Optional(StringEnum(['planned', 'cancelled'] as const, { description: 'Use POST …/done to complete an activity' })),
}, { additionalProperties: false, minProperties: 1 })
export type UpdateActivityBody = Static<typeof UpdateActivityBodySchema>

export const CompleteActivityBodySchema = Type.Object({
  occurredAt: Type.Optional(DateTime),
  notes: Type.Optional(Type.String({ maxLength: 5_000 })),
  stakeholderIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Who received it; defaults to the plan\'s stakeholder (required for account plans)' })),
}, { additionalProperties: false })
export type CompleteActivityBody = Static<typeof CompleteActivityBodySchema>

export const OverdueQuerySchema = Type.Object({
  scope: Type.Optional(StringEnum(['me', 'team'] as const, { description: 'me: activities I own; team: owned by anyone in my reporting subtree' })),
  tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone that decides what "today" is (default: my own time zone)' })),
}, { additionalProperties: false })
export type OverdueQuery = Static<typeof OverdueQuerySchema>

export const OverdueActivitySchema = Type.Object({
  ...ActivitySchema.properties,
  planTitle: Type.String(),
  subjectName: Type.String(),
  accountId: Nullable(Uuid),
  stakeholderId: Nullable(Uuid),
  daysOverdue: Type.Integer(),
})
export type OverdueActivity = Static<typeof OverdueActivitySchema>
