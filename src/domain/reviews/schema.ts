import { OverdueActivitySchema } from '../plans/schema.ts'
import { FollowUpSchema } from '../surveys/schema.ts'
import { Type, type Static } from 'typebox'
import { Nullable, Uuid } from '../../lib/schema.ts'
import { IsoDate } from '../outcomes/schema.ts'

export const CommitmentSchema = Type.Object({
  id: Uuid,
  reviewId: Uuid,
  ownerId: Uuid,
  ownerName: Type.String(),
  text: Type.String(),
  dueOn: Nullable(Type.String()),
  doneAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  overdue: Type.Boolean(),
})
export type Commitment = Static<typeof CommitmentSchema>

export const ReviewSchema = Type.Object({
  id: Uuid,
  managerId: Uuid,
  reportId: Uuid,
  heldOn: Type.String(),
  notes: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  commitments: Type.Array(CommitmentSchema),
})
export type Review = Static<typeof ReviewSchema>

export const CreateReviewBodySchema = Type.Object({
  reportId: Uuid,
  heldOn: IsoDate,
  notes: Type.Optional(Type.String({ maxLength: 20000 })),
  commitments: Type.Optional(Type.Array(Type.Object({ ownerId: Uuid, text: Type.String({ minLength: 1, maxLength: 1000 }), dueOn: Type.Optional(Nullable(IsoDate)) }, { additionalProperties: false }), { maxItems: 50 })),
  completedCommitmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 200, description: 'Commitments carried forward that are now done' })),
}, { additionalProperties: false })
export type CreateReviewBody = Static<typeof CreateReviewBodySchema>

export const UpdateCommitmentBodySchema = Type.Object({ done: Type.Boolean() }, { additionalProperties: false })

const RelSchema = Type.Object({
  relationshipId: Uuid,
  stakeholderId: Uuid,
  stakeholderName: Type.String(),
  accountName: Nullable(Type.String()),
  importance: Type.Integer(),
  cadenceDays: Type.Integer(),
  score: Nullable(Type.Number()),
  state: Nullable(Type.String()),
  isCold: Type.Boolean(),
  daysSinceMeaningful: Nullable(Type.Integer()),
})
export type ReviewRelationship = Static<typeof RelSchema>

export const ReviewPrepSchema = Type.Object({
  report: Type.Object({ id: Uuid, name: Type.String() }),
  keyRelationships: Type.Array(RelSchema, { description: 'Importance 4–5, most important first' }),
  cold: Type.Array(RelSchema, { description: 'Every relationship with no meaningful experience within its cadence' }),
  trustTrend: Type.Array(Type.Object({ at: Type.String(), score: Type.Number(), coverage: Nullable(Type.Number()), cold: Type.Integer() }), { description: 'From the weekly snapshots, last 13 weeks' }),
  openCommitments: Type.Array(CommitmentSchema, { description: 'Not done yet: carried forward from earlier reviews' }),
  lastReview: Nullable(Type.Object({ id: Uuid, heldOn: Type.String(), notes: Type.String() })),
  overduePlanActivities: Type.Array(OverdueActivitySchema, { description: "The report's planned gives past their due day (UTC)" }),
  openFollowUps: Type.Array(FollowUpSchema, { description: "Detractor follow-ups the report owns that are not closed yet" }),
  notes: Type.Array(Type.String()),
})
export type ReviewPrep = Static<typeof ReviewPrepSchema>
