import { Type, type Static } from 'typebox'
import type { AccountRow } from '../../db/schema.ts'
import { TRUST_STATES, type TrustState } from '../trust/model.ts'
import { PageQuerySchema } from '../../lib/pagination.ts'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'

export const TIERS = ['strategic', 'key', 'standard'] as const
export const ACCOUNT_STATUSES = ['prospect', 'active', 'at_risk', 'churned'] as const
export const ACCOUNT_SORTS = ['name', '-name', 'updatedAt', '-updatedAt', 'createdAt', '-createdAt', 'trust', '-trust'] as const

const Domain = Type.String({ minLength: 3, maxLength: 253, pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$' })
const Text = (max: number) => Type.String({ maxLength: max })

export const AccountSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  domains: Type.Array(Type.String()),
  tier: StringEnum(TIERS),
  industry: Nullable(Type.String()),
  ownerId: Nullable(Uuid),
  status: StringEnum(ACCOUNT_STATUSES),
  notes: Nullable(Type.String()),
  trust: Nullable(Type.Object({ score: Type.Number({ minimum: 0, maximum: 100 }), state: StringEnum(TRUST_STATES) }, { description: 'Weighted trust of its stakeholders; null before any history' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  archivedAt: Nullable(Type.String({ format: 'date-time' })),
})
export type Account = Static<typeof AccountSchema>

const accountFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  domains: Type.Array(Domain, { maxItems: 20, uniqueItems: true }),
  tier: StringEnum(TIERS),
  industry: Nullable(Text(100)),
  ownerId: Nullable(Uuid),
  status: StringEnum(ACCOUNT_STATUSES),
  notes: Nullable(Text(20_000)),
}

export const CreateAccountBodySchema = Type.Object(
  {
    name: accountFields.name,
    domains: Type.Optional(accountFields.domains),
    tier: Type.Optional(accountFields.tier),
    industry: Type.Optional(accountFields.industry),
    ownerId: Type.Optional(accountFields.ownerId),
    status: Type.Optional(accountFields.status),
    notes: Type.Optional(accountFields.notes),
  },
  { additionalProperties: false },
)
export type CreateAccountBody = Static<typeof CreateAccountBodySchema>

export const UpdateAccountBodySchema = Type.Object(
  {
    name: Type.Optional(accountFields.name),
    domains: Type.Optional(accountFields.domains),
    tier: Type.Optional(accountFields.tier),
    industry: Type.Optional(accountFields.industry),
    ownerId: Type.Optional(accountFields.ownerId),
    status: Type.Optional(accountFields.status),
    notes: Type.Optional(accountFields.notes),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateAccountBody = Static<typeof UpdateAccountBodySchema>

export const ListAccountsQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Search by name or domain' })),
    tier: Type.Optional(StringEnum(TIERS)),
    status: Type.Optional(StringEnum(ACCOUNT_STATUSES)),
    ownerId: Type.Optional(Uuid),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    sort: Type.Optional(StringEnum(ACCOUNT_SORTS, { default: 'name' })),
    ...PageQuerySchema,
  },
  { additionalProperties: false },
)
export type ListAccountsQuery = Static<typeof ListAccountsQuerySchema>

export function toAccount(row: Pick<AccountRow, 'id' | 'name' | 'domains' | 'tier' | 'industry' | 'owner_id' | 'status' | 'notes' | 'created_at' | 'updated_at' | 'archived_at'> & { score: number | null; state: string | null }): Account {
  return {
    id: row.id,
    name: row.name,
    domains: row.domains,
    tier: row.tier as Account['tier'],
    industry: row.industry,
    ownerId: row.owner_id,
    status: row.status as Account['status'],
    notes: row.notes,
    trust: row.score === null || row.state === null ? null : { score: row.score, state: row.state as TrustState },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    archivedAt: row.archived_at?.toISOString() ?? null,
  }
}
