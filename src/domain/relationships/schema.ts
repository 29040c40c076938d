import { Type, type Static } from 'typebox'
import type { RelationshipRow } from '../../db/schema.ts'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import type { RelationshipNames } from './queries.ts'
import { DAY_MS, TRUST_STATES, type TrustState } from '../trust/model.ts'

export const DEFAULT_CADENCE_DAYS = 30

export const TrustSummarySchema = Type.Object({
  score: Type.Number({ minimum: 0, maximum: 100 }),
  state: StringEnum(TRUST_STATES),
  isCold: Type.Boolean({ description: 'No meaningful experience for longer than the cadence' }),
  daysSinceMeaningful: Nullable(Type.Number()),
  lastMeaningfulAt: Nullable(Type.String({ format: 'date-time' })),
  computedAt: Type.String({ format: 'date-time' }),
})
export type TrustSummary = Static<typeof TrustSummarySchema>

export const RelationshipSchema = Type.Object({
  id: Uuid,
  userId: Uuid,
  userName: Type.String({ description: 'Our person in this relationship' }),
  stakeholderId: Uuid,
  stakeholderName: Type.String(),
  accountId: Nullable(Uuid),
  accountName: Nullable(Type.String()),
  importance: Type.Integer({ minimum: 1, maximum: 5 }),
  cadenceDays: Type.Integer({ minimum: 1, maximum: 365, description: 'How often this relationship needs a meaningful touch' }),
  targetStrength: Type.Integer({ minimum: 0, maximum: 100, description: 'The trust score this relationship should reach' }),
  privateNotes: Nullable(Type.String({ description: 'Only the owner, their managers and admins see these; null for everyone else' })),
  canSeePrivateNotes: Type.Boolean(),
  trust: Nullable(TrustSummarySchema),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  archivedAt: Nullable(Type.String({ format: 'date-time' })),
})
export type Relationship = Static<typeof RelationshipSchema>

const fields = {
  importance: Type.Integer({ minimum: 1, maximum: 5 }),
  cadenceDays: Type.Integer({ minimum: 1, maximum: 365 }),
  targetStrength: Type.Integer({ minimum: 0, maximum: 100 }),
  privateNotes: Nullable(Type.String({ maxLength: 20_000 })),
}

export const CreateRelationshipBodySchema = Type.Object(
  {
    userId: Type.Optional(Uuid),
    stakeholderId: Uuid,
    importance: Type.Optional(fields.importance),
    cadenceDays: Type.Optional(fields.cadenceDays),
    targetStrength: Type.Optional(fields.targetStrength),
    privateNotes: Type.Optional(fields.privateNotes),
  },
  { additionalProperties: false },
)
export type CreateRelationshipBody = Static<typeof CreateRelationshipBodySchema>

export const UpdateRelationshipBodySchema = Type.Object(
  {
    importance: Type.Optional(fields.importance),
    cadenceDays: Type.Optional(fields.cadenceDays),
    targetStrength: Type.Optional(fields.targetStrength),
    privateNotes: Type.Optional(fields.privateNotes),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateRelationshipBody = Static<typeof UpdateRelationshipBodySchema>

export const ListRelationshipsQuerySchema = Type.Object(
  {
    userId: Type.Optional(Uuid),
    subtreeOf: Type.Optional(Type.Union([Uuid, Type.Literal('me')], { description: 'Relationships of this user and everyone below them' })),
    stakeholderId: Type.Optional(Uuid),
    accountId: Type.Optional(Uuid),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)
export type ListRelationshipsQuery = Static<typeof ListRelationshipsQuerySchema>

type ScoreColumns = { score: number | null; state: string | null; last_meaningful_at: Date | null; score_computed_at: Date | null }

/**
 * The stored score with "cold" worked out as of now, so a relationship goes cold on the day its
 * cadence runs out even before the periodic refresh has recomputed its score.
 */
export function toTrustSummary(row: ScoreColumns, cadenceDays: number, now = Date.now()): TrustSummary | null {
  if (row.score === null || row.score_computed_at === null) return null
  const last = row.last_meaningful_at?.getTime() ?? null
  const isCold = last === null || now - last > cadenceDays * DAY_MS
  const state = (isCold ? 'cold' : row.state === 'cold' ? 'steady' : row.state) as TrustState
  return {
    score: row.score,
    state,
    isCold,
    daysSinceMeaningful: last === null ? null : Math.floor((now - last) / DAY_MS),
    lastMeaningfulAt: row.last_meaningful_at?.toISOString() ?? null,
    computedAt: row.score_computed_at.toISOString(),
  }
}

export function toRelationship(row: RelationshipRow & RelationshipNames & ScoreColumns, canSeePrivateNotes: boolean): Relationship {
  return {
    id: row.id,
    userId: row.user_id,
    userName: row.user_name,
    stakeholderId: row.stakeholder_id,
    stakeholderName: row.stakeholder_name,
    accountId: row.account_id,
    accountName: row.account_name,
    importance: row.importance,
    cadenceDays: row.cadence_days,
    targetStrength: row.target_strength,
    privateNotes: canSeePrivateNotes ? row.private_notes : null,
    canSeePrivateNotes,
    trust: toTrustSummary(row, row.cadence_days),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    archivedAt: row.archived_at?.toISOString() ?? null,
  }
}
