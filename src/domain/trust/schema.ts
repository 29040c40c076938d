import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import { ExperienceSchema } from '../experiences/schema.ts'
import { DEPTHS, DIRECTIONS, EXPERIENCE_KINDS, SOURCES } from '../experiences/vocabulary.ts'
import { TRUST_STATES } from './model.ts'

const Score = Type.Number({ minimum: 0, maximum: 100 })
const State = StringEnum(TRUST_STATES)
const TrendSchema = Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), score: Score }), { description: 'The score as of each week of the year up to asOf' })

export const AsOfQuerySchema = Type.Object(
  { asOf: Type.Optional(Type.String({ format: 'date-time', description: 'Compute as of this moment (default: now)' })) },
  { additionalProperties: false },
)

export const ContributionSchema = Type.Object({
  experienceId: Uuid,
  occurredAt: Type.String({ format: 'date-time' }),
  kind: StringEnum(EXPERIENCE_KINDS),
  title: ExperienceSchema.properties.title,
  titleHidden: ExperienceSchema.properties.titleHidden,
  valence: Nullable(Type.Integer()),
  direction: StringEnum(DIRECTIONS),
  depth: StringEnum(DEPTHS),
  source: StringEnum(SOURCES),
  impact: Type.Number({ description: 'Signed points this experience adds to the score as of asOf' }),
  weight: Type.Number({ description: 'Its share of all experiences\' absolute impact (0–1)' }),
})

const Common = {
  asOf: Type.String({ format: 'date-time' }),
  score: Score,
  state: State,
  isCold: Type.Boolean(),
  lastMeaningfulAt: Nullable(Type.String({ format: 'date-time' })),
  daysSinceMeaningful: Nullable(Type.Number()),
  trend: TrendSchema,
}

export const RelationshipTrustSchema = Type.Object({
  relationshipId: Uuid,
  ...Common,
  cadenceDays: Type.Integer(),
  targetStrength: Type.Integer(),
  contributions: Type.Array(ContributionSchema),
})
export type RelationshipTrust = Static<typeof RelationshipTrustSchema>

export const StakeholderTrustSchema = Type.Object({
  stakeholderId: Uuid,
  ...Common,
  cadenceDays: Type.Integer(),
  contributions: Type.Array(ContributionSchema),
  relationships: Type.Array(Type.Object({ relationshipId: Uuid, userId: Uuid, score: Score, state: State, isCold: Type.Boolean() })),
})
export type StakeholderTrust = Static<typeof StakeholderTrustSchema>

export const AccountTrustSchema = Type.Object({
  accountId: Uuid,
  asOf: Type.String({ format: 'date-time' }),
  score: Nullable(Score),
  state: Nullable(State),
  trend: TrendSchema,
  stakeholders: Type.Array(Type.Object({ stakeholderId: Uuid, name: Type.String(), score: Score, state: State, isCold: Type.Boolean(), weight: Type.Number() })),
})
export type AccountTrust = Static<typeof AccountTrustSchema>

export const ATTENTION_SCOPES = ['me', 'team', 'org'] as const

export const AttentionItemSchema = Type.Object({
  relationshipId: Uuid,
  userId: Uuid,
  userName: Type.String(),
  stakeholderId: Uuid,
  stakeholderName: Type.String(),
  accountId: Nullable(Uuid),
  accountName: Nullable(Type.String()),
  importance: Type.Integer(),
  cadenceDays: Type.Integer(),
  score: Score,
  state: State,
  isCold: Type.Boolean(),
  daysSinceMeaningful: Nullable(Type.Number()),
  suggestion: Type.String(),
})
export type AttentionItem = Static<typeof AttentionItemSchema>

export const AttentionQuerySchema = Type.Object(
  {
    scope: Type.Optional(StringEnum(ATTENTION_SCOPES, { default: 'me', description: 'me: your relationships; team: yours and your reports\' (managers); org: everyone\'s (managers, admins)' })),
    userId: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
)
