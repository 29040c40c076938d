import { Type, type Static } from 'typebox'
import type { StakeholderRow } from '../../db/schema.ts'
import { PageQuerySchema } from '../../lib/pagination.ts'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'

/** How a stakeholder stands towards us, from our strongest advocate to an active opponent. */
export const ATTITUDES = ['champion', 'supporter', 'neutral', 'skeptic', 'detractor'] as const
export const STAKEHOLDER_SORTS = ['name', '-name', 'updatedAt', '-updatedAt', 'createdAt', '-createdAt', 'influence', '-influence'] as const

const Text = (max: number) => Nullable(Type.String({ maxLength: max }))

export const StakeholderSchema = Type.Object({
  id: Uuid,
  accountId: Nullable(Uuid),
  accountName: Nullable(Type.String()),
  name: Type.String(),
  emails: Type.Array(Type.String()),
  phones: Type.Array(Type.String()),
  title: Nullable(Type.String()),
  reportsToId: Nullable(Uuid),
  influence: Type.Integer({ minimum: 1, maximum: 5 }),
  attitude: StringEnum(ATTITUDES),
  goals: Nullable(Type.String()),
  pains: Nullable(Type.String()),
  interests: Nullable(Type.String()),
  personalNotes: Nullable(Type.String()),
  hasConsent: Type.Boolean({ description: 'The stakeholder agreed that we hold personal data about them' }),
  consentAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  archivedAt: Nullable(Type.String({ format: 'date-time' })),
})
export type Stakeholder = Static<typeof StakeholderSchema>

const fields = {
  accountId: Nullable(Uuid),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  emails: Type.Array(Type.String({ format: 'email', maxLength: 320 }), { maxItems: 20 }),
  phones: Type.Array(Type.String({ minLength: 3, maxLength: 40, pattern: '^[0-9+()./ x-]+$' }), { maxItems: 20 }),
  title: Text(200),
  reportsToId: Nullable(Uuid),
  influence: Type.Integer({ minimum: 1, maximum: 5, description: '1 = little say, 5 = decides' }),
  attitude: StringEnum(ATTITUDES),
  goals: Text(10_000),
  pains: Text(10_000),
  interests: Text(10_000),
  personalNotes: Text(20_000),
  hasConsent: Type.Boolean(),
}

export const CreateStakeholderBodySchema = Type.Object(
  {
    name: fields.name,
    accountId: Type.Optional(fields.accountId),
    emails: Type.Optional(fields.emails),
    phones: Type.Optional(fields.phones),
    title: Type.Optional(fields.title),
    reportsToId: Type.Optional(fields.reportsToId),
    influence: Type.Optional(fields.influence),
    attitude: Type.Optional(fields.attitude),
    goals: Type.Optional(fields.goals),
    pains: Type.Optional(fields.pains),
    interests: Type.Optional(fields.interests),
    personalNotes: Type.Optional(fields.personalNotes),
    hasConsent: Type.Optional(fields.hasConsent),
  },
  { additionalProperties: false },
)
export type CreateStakeholderBody = Static<typeof CreateStakeholderBodySchema>

export const UpdateStakeholderBodySchema = Type.Object(
  {
    name: Type.Optional(fields.name),
    accountId: Type.Optional(fields.accountId),
    emails: Type.Optional(fields.emails),
    phones: Type.Optional(fields.phones),
    title: Type.Optional(fields.title),
    reportsToId: Type.Optional(fields.reportsToId),
    influence: Type.Optional(fields.influence),
    attitude: Type.Optional(fields.attitude),
    goals: Type.Optional(fields.goals),
    pains: Type.Optional(fields.pains),
    interests: Type.Optional(fields.interests),
    personalNotes: Type.Optional(fields.personalNotes),
    hasConsent: Type.Optional(fields.hasConsent),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateStakeholderBody = Static<typeof UpdateStakeholderBodySchema>

export const ListStakeholdersQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Search by name, email, title or company' })),
    accountId: Type.Optional(Uuid),
    attitude: Type.Optional(StringEnum(ATTITUDES)),
    minInfluence: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    email: Type.Optional(Type.String({ maxLength: 320, description: 'Exact email address (case-insensitive)' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    sort: Type.Optional(StringEnum(STAKEHOLDER_SORTS, { default: 'name' })),
    ...PageQuerySchema,
  },
  { additionalProperties: false },
)
export type ListStakeholdersQuery = Static<typeof ListStakeholdersQuerySchema>

export type StakeholderRowWithAccount = StakeholderRow & { account_name: string | null }

export function toStakeholder(row: StakeholderRowWithAccount): Stakeholder {
  return {
    id: row.id,
    accountId: row.account_id,
    accountName: row.account_name,
    name: row.name,
    emails: row.emails,
    phones: row.phones,
    title: row.title,
    reportsToId: row.reports_to_id,
    influence: row.influence,
    attitude: row.attitude as Stakeholder['attitude'],
    goals: row.goals,
    pains: row.pains,
    interests: row.interests,
    personalNotes: row.personal_notes,
    hasConsent: row.has_consent,
    consentAt: row.consent_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    archivedAt: row.archived_at?.toISOString() ?? null,
  }
}

/** The lower-cased text that search matches against: name, emails and title. */
export function searchTextOf(s: { name: string; emails: string[]; title: string | null }): string {
  return [s.name, ...s.emails, s.title ?? ''].join(' ').toLowerCase().trim()
}
