import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import { ConvertedSchema, IsoDate, MoneySchema } from '../outcomes/schema.ts'
import { StatsSchema } from '../surveys/results.ts'
import { SCOPE_TYPES } from './compute.ts'

export const KpiPointSchema = Type.Object({
  weekStart: Type.String({ description: 'Monday (UTC) of the week; figures are as of the end of that week' }),
  scopeType: StringEnum(SCOPE_TYPES),
  scopeId: Type.String(),
  people: Type.Integer(),
  relationships: Type.Integer(),
  keyRelationships: Type.Integer({ description: 'Relationships of importance 4 or 5' }),
  keyCovered: Type.Integer({ description: 'Key relationships with a meaningful experience within their cadence' }),
  coverage: Nullable(Type.Number({ description: 'keyCovered / keyRelationships; null with no key relationships' })),
  trustAvg: Nullable(Type.Number({ description: 'Mean relationship trust (for an account: its account trust score)' })),
  trustBands: Type.Array(Type.Integer(), { description: 'Relationships scoring 0–20, 20–40, 40–60, 60–80, 80–100' }),
  coldCount: Type.Integer(),
  experiences: Type.Integer(),
  gave: Type.Integer({ description: 'Experiences in the week where we gave value' }),
  asked: Type.Integer({ description: 'Experiences in the week where we asked' }),
  escalations: Type.Integer({ description: 'Escalation experiences logged in the week' }),
  referrals: Type.Integer({ description: 'Referral experiences logged in the week' }),
  nps: Type.Union([StatsSchema, Type.Null()], { description: 'NPS of the customer answers submitted in the week (the scope\'s accounts, owners or team); null with none. Series only: null in breakdowns' }),
  csat: Type.Union([StatsSchema, Type.Null()], { description: 'CSAT of the week\'s customer answers, as nps' }),
  esat: Type.Union([StatsSchema, Type.Null()], { description: 'ESAT of the week\'s staff answers: organisation and team scopes only, hidden (basis "suppressed") under 5 answers' }),
  revenue: MoneySchema,
  revenueConverted: ConvertedSchema,
  newOpportunities: Type.Integer(),
  newOpportunityValue: MoneySchema,
})
export type KpiPoint = Static<typeof KpiPointSchema>

export const VOICE_NOTE = 'NPS, CSAT and ESAT are those of the answers submitted in each week (null in weeks without answers); ESAT is never shown per person or account, nor under 5 answers.'

export const SeriesQuerySchema = Type.Object({
  scope: Type.Optional(StringEnum(SCOPE_TYPES, { default: 'org' })),
  id: Type.Optional(Type.String({ maxLength: 100, description: 'user id (user, team), tier name, or account id; empty for org' })),
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
  format: Type.Optional(StringEnum(['json', 'csv'] as const)),
})
export type SeriesQuery = Static<typeof SeriesQuerySchema>
export const SeriesSchema = Type.Object({ scopeType: Type.String(), scopeId: Type.String(), label: Type.String(), notes: Type.Array(Type.String()), points: Type.Array(KpiPointSchema) })

export const BreakdownQuerySchema = Type.Object({
  by: StringEnum(['team', 'user', 'tier', 'account'] as const),
  week: Type.Optional(IsoDate),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000, description: 'At most this many rows, by name (default 1000)' })),
  format: Type.Optional(StringEnum(['json', 'csv'] as const)),
})
export type BreakdownQuery = Static<typeof BreakdownQuerySchema>
export const BreakdownSchema = Type.Object({ by: Type.String(), weekStart: Nullable(Type.String()), items: Type.Array(Type.Object({ ...KpiPointSchema.properties, label: Type.String() })) })

export const RebuildBodySchema = Type.Object({ since: Type.Optional(IsoDate) }, { additionalProperties: false })
export const RebuildResultSchema = Type.Object({ weeks: Type.Integer(), rows: Type.Integer() })

export const RoiQuerySchema = Type.Object({
  periodStart: Type.Optional(IsoDate),
  months: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 12 })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  format: Type.Optional(StringEnum(['json', 'csv'] as const)),
})
export type RoiQuery = Static<typeof RoiQuerySchema>
const Corr = Type.Object({ method: Type.String(), r: Nullable(Type.Number()), n: Type.Integer(), ci95: Nullable(Type.Array(Type.Number())) })
export const RoiSchema = Type.Object({
  periodStart: Type.String(),
  months: Type.Integer(),
  trustWeek: Type.String({ description: 'The snapshot week trust was read from' }),
  currency: Type.String(),
  accounts: Type.Array(Type.Object({ accountId: Uuid, name: Type.String(), trust: Type.Number(), band: Type.String(), revenueBefore: Type.Number(), revenueAfter: Type.Number(), growth: Nullable(Type.Number()), retained: Nullable(Type.Boolean()) })),
  bands: Type.Array(Type.Object({ band: Type.String(), accounts: Type.Integer(), revenueBefore: Type.Number(), revenueAfter: Type.Number(), growth: Nullable(Type.Number()), retention: Nullable(Type.Number()), retainedOf: Type.Integer() })),
  correlations: Type.Array(Corr),
  excluded: Type.Object({ noTrust: Type.Integer(), noRate: Type.Integer(), noRevenueBefore: Type.Integer() }),
  interpretation: Type.Array(Type.String(), { description: 'What the figures say and what they cannot prove, in plain words' }),
})
