import { Type, type Static } from 'typebox'
import type { ExperienceRow } from '../../db/schema.ts'
import { PageQuerySchema } from '../../lib/pagination.ts'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import { DEPTHS, DIRECTIONS, EXPERIENCE_KINDS, INITIATORS, MAX_VALENCE, MIN_VALENCE, SOURCES, type Depth, type Direction, type ExperienceKind, type Initiator, type Source } from './vocabulary.ts'

/** Experiences are accepted from this date on, and up to a day ahead of now (time zones), never later. */
export const EARLIEST_EXPERIENCE = '1990-01-01T00:00:00Z'
export const FUTURE_TOLERANCE_MS = 86_400_000

export const ExperienceSchema = Type.Object({
  id: Uuid,
  occurredAt: Type.String({ format: 'date-time' }),
  kind: StringEnum(EXPERIENCE_KINDS),
  valence: Nullable(Type.Integer({ minimum: MIN_VALENCE, maximum: MAX_VALENCE })),
  direction: StringEnum(DIRECTIONS),
  initiator: StringEnum(INITIATORS),
  depth: StringEnum(DEPTHS),
  title: Nullable(Type.String({ description: 'Null when titleHidden: the subject of captured mail is private to the people in it, their managers and admins' })),
  titleHidden: Type.Boolean({ description: 'The experience has a title (the subject of captured mail) that is withheld from you: you did not take part, do not manage anyone who did and are not an admin' }),
  notes: Nullable(Type.String()),
  source: StringEnum(SOURCES),
  externalId: Nullable(Type.String()),
  accountId: Nullable(Uuid),
  stakeholderIds: Type.Array(Uuid),
  userIds: Type.Array(Uuid),
  createdBy: Nullable(Uuid),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  archivedAt: Nullable(Type.String({ format: 'date-time' })),
})
export type Experience = Static<typeof ExperienceSchema>

const fields = {
  occurredAt: Type.String({ format: 'date-time' }),
  kind: StringEnum(EXPERIENCE_KINDS),
  valence: Nullable(Type.Integer({ minimum: MIN_VALENCE, maximum: MAX_VALENCE, description: '-2 clearly negative … +2 clearly positive; null = not rated' })),
  direction: StringEnum(DIRECTIONS, { description: 'Who gave value to whom' }),
  initiator: StringEnum(INITIATORS, { description: 'Who reached out first' }),
  depth: StringEnum(DEPTHS),
  title: Nullable(Type.String({ maxLength: 300 })),
  notes: Nullable(Type.String({ maxLength: 20_000 })),
  stakeholderIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Their people who took part' }),
  userIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Our people who took part (default: you)' }),
  accountId: Nullable(Uuid),
}

export const CreateExperienceBodySchema = Type.Object(
  {
    occurredAt: fields.occurredAt,
    kind: fields.kind,
    valence: Type.Optional(fields.valence),
    direction: Type.Optional(fields.direction),
    initiator: Type.Optional(fields.initiator),
    depth: Type.Optional(fields.depth),
    title: Type.Optional(fields.title),
    notes: Type.Optional(fields.notes),
    stakeholderIds: fields.stakeholderIds,
    userIds: Type.Optional(fields.userIds),
    accountId: Type.Optional(fields.accountId),
    source: Type.Optional(StringEnum(SOURCES)),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Your id for this experience; the same source+externalId is accepted once' })),
  },
  { additionalProperties: false },
)
export type CreateExperienceBody = Static<typeof CreateExperienceBodySchema>

export const UpdateExperienceBodySchema = Type.Object(
  {
    occurredAt: Type.Optional(fields.occurredAt),
    kind: Type.Optional(fields.kind),
    valence: Type.Optional(fields.valence),
    direction: Type.Optional(fields.direction),
    initiator: Type.Optional(fields.initiator),
    depth: Type.Optional(fields.depth),
    title: Type.Optional(fields.title),
    notes: Type.Optional(fields.notes),
    stakeholderIds: Type.Optional(fields.stakeholderIds),
    userIds: Type.Optional(fields.userIds),
    accountId: Type.Optional(fields.accountId),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateExperienceBody = Static<typeof UpdateExperienceBodySchema>

export const ListExperiencesQuerySchema = Type.Object(
  {
    stakeholderId: Type.Optional(Uuid),
    accountId: Type.Optional(Uuid),
    userId: Type.Optional(Uuid),
    kind: Type.Optional(StringEnum(EXPERIENCE_KINDS)),
    source: Type.Optional(StringEnum(SOURCES)),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    sort: Type.Optional(StringEnum(['-occurredAt', 'occurredAt'] as const, { default: '-occurredAt' })),
    ...PageQuerySchema,
  },
  { additionalProperties: false },
)
export type ListExperiencesQuery = Static<typeof ListExperiencesQuerySchema>

export type ExperienceWithParticipants = ExperienceRow & { stakeholder_ids: string[]; user_ids: string[] }

export function toExperience(row: ExperienceWithParticipants): Experience {
  return {
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    kind: row.kind as ExperienceKind,
    valence: row.valence,
    direction: row.direction as Direction,
    initiator: row.initiator as Initiator,
    depth: row.depth as Depth,
    title: row.title,
    titleHidden: false,
    notes: row.notes,
    source: row.source as Source,
    externalId: row.external_id,
    accountId: row.account_id,
    stakeholderIds: row.stakeholder_ids,
    userIds: row.user_ids,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    archivedAt: row.archived_at?.toISOString() ?? null,
  }
}
