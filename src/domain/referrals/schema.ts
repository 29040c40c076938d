import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'

export const REFERRAL_STATUSES = ['introduced', 'qualified', 'won', 'lost'] as const
const DateTime = Type.String({ format: 'date-time' })

export const ReferralSchema = Type.Object({
  id: Uuid,
  referrerId: Uuid,
  referrerName: Type.String(),
  referrerAccountId: Nullable(Uuid),
  referredAccountId: Nullable(Uuid),
  referredAccountName: Nullable(Type.String()),
  referredStakeholderId: Nullable(Uuid),
  referredStakeholderName: Nullable(Type.String()),
  referredName: Nullable(Type.String()),
  referredAt: DateTime,
  status: StringEnum(REFERRAL_STATUSES),
  value: Nullable(Type.Number({ description: 'Value of the business that came from it' })),
  currency: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  experienceId: Nullable(Uuid),
  createdAt: DateTime,
})
export type Referral = Static<typeof ReferralSchema>

const Value = Nullable(Type.Number({ minimum: 0, maximum: 999_999_999_999 }))
const Currency = Nullable(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. EUR' }))

export const CreateReferralBodySchema = Type.Object({
  referrerId: Type.String({ format: 'uuid', description: 'The stakeholder who made the introduction' }),
  referredAccountId: Type.Optional(Nullable(Uuid)),
  referredStakeholderId: Type.Optional(Nullable(Uuid)),
  referredName: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'Whom, when not (yet) in Tend' }))),
  referredAt: Type.Optional(DateTime),
  status: Type.Optional(StringEnum(REFERRAL_STATUSES)),
  value: Type.Optional(Value),
  currency: Type.Optional(Currency),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
}, { additionalProperties: false })
export type CreateReferralBody = Static<typeof CreateReferralBodySchema>

export const UpdateReferralBodySchema = Type.Object({
  status: Type.Optional(StringEnum(REFERRAL_STATUSES)),
  value: Type.Optional(Value),
  currency: Type.Optional(Currency),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
  referredAccountId: Type.Optional(Nullable(Uuid)),
}, { additionalProperties: false, minProperties: 1 })
export type UpdateReferralBody = Static<typeof UpdateReferralBodySchema>

export const ListReferralsQuerySchema = Type.Object({
  referrerId: Type.Optional(Uuid),
  accountId: Type.Optional(Type.String({ format: 'uuid', description: 'Referrals made by stakeholders of this account' })),
  status: Type.Optional(StringEnum(REFERRAL_STATUSES)),
}, { additionalProperties: false })
export type ListReferralsQuery = Static<typeof ListReferralsQuerySchema>

export const AmbassadorSchema = Type.Object({
  stakeholderId: Uuid,
  name: Type.String(),
  accountId: Nullable(Uuid),
  accountName: Nullable(Type.String()),
  referrals: Type.Integer(),
  wonValue: Type.Number({ description: 'Sum of the value of won referrals (mixed currencies are added as they are)' }),
  promoterAnswers: Type.Integer({ description: 'NPS answers of 9 or 10' }),
  lastPromoterAt: Nullable(DateTime),
})
export type Ambassador = Static<typeof AmbassadorSchema>
