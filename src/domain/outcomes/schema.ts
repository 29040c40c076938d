import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import { IMPORT_FORMATS } from './import.ts'

export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. USD' })
export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' })
export const MoneySchema = Type.Record(Type.String(), Type.Number(), { description: 'Amounts per currency; never summed across currencies' })
export const ConvertedSchema = Type.Object({
  currency: Type.String(),
  amount: Nullable(Type.Number()),
  missingRates: Type.Optional(Type.Array(Type.String(), { description: 'Currencies with no stated rate: the amounts are shown apart instead' })),
})

export const RateTableSchema = Type.Object({
  base: Currency,
  rates: Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.Number({ exclusiveMinimum: 0 }), { description: 'Units of base per one unit of each currency' }),
  statedAt: Type.Optional(IsoDate),
}, { additionalProperties: false })
export const OutcomeSettingsSchema = Type.Object({
  rates: Nullable(RateTableSchema),
  ltvProjectionYears: Type.Number({ minimum: 0, maximum: 20, description: 'Years of the trailing 12 months of revenue a lifetime-value projection assumes' }),
}, { additionalProperties: false })
export type OutcomeSettings = Static<typeof OutcomeSettingsSchema>

export const ImportBodySchema = Type.Object({
  format: StringEnum(IMPORT_FORMATS),
  csv: Type.String({ minLength: 1, description: 'The file contents (up to 1 MB through the API; use `tend outcomes import` for larger files)' }),
  currency: Type.Optional(Currency),
}, { additionalProperties: false })
export const ImportReportSchema = Type.Object({
  format: Type.String(),
  currency: Type.String(),
  rows: Type.Integer(),
  revenueAdded: Type.Integer(),
  opportunitiesAdded: Type.Integer(),
  alreadyImported: Type.Integer(),
  accountsMatched: Type.Integer(),
  accountsCreated: Type.Array(Type.String()),
  datedOnImport: Type.Integer({ description: 'Leads with no date in the file, dated on the day of their first import' }),
  errors: Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() })),
})

export const OPPORTUNITY_KINDS = ['lead', 'opportunity', 'rfp'] as const
export const OPPORTUNITY_STATUSES = ['open', 'won', 'lost', 'retained'] as const
export const CreateOpportunityBodySchema = Type.Object({
  accountId: Uuid,
  kind: StringEnum(OPPORTUNITY_KINDS),
  title: Type.String({ minLength: 1, maxLength: 300 }),
  stage: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  status: StringEnum(OPPORTUNITY_STATUSES, { description: 'retained applies to RFPs only (an incumbent re-tendered and kept)' }),
  value: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
  currency: Currency,
  openedOn: IsoDate,
  closedOn: Type.Optional(Nullable(IsoDate)),
}, { additionalProperties: false })
export type CreateOpportunityBody = Static<typeof CreateOpportunityBodySchema>
export const OpportunitySchema = Type.Object({
  id: Uuid, accountId: Uuid, kind: Type.String(), title: Type.String(), stage: Type.String(), status: Type.String(),
  value: Nullable(Type.Number()), currency: Type.String(), openedOn: Type.String(), closedOn: Nullable(Type.String()), source: Type.String(),
})
export const CreateRevenueBodySchema = Type.Object({
  accountId: Uuid,
  bookedOn: IsoDate,
  amount: Type.Number(),
  currency: Currency,
  description: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false })
export type CreateRevenueBody = Static<typeof CreateRevenueBodySchema>
export const RevenueSchema = Type.Object({ id: Uuid, accountId: Uuid, bookedOn: Type.String(), amount: Type.Number(), currency: Type.String(), source: Type.String(), description: Nullable(Type.String()) })

export const PeriodQuerySchema = Type.Object({
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
  format: Type.Optional(StringEnum(['json', 'csv'] as const)),
})
export type PeriodQuery = Static<typeof PeriodQuerySchema>

const Counts = { count: Type.Integer(), value: MoneySchema }
export const AccountOutcomeSchema = Type.Object({
  accountId: Nullable(Uuid),
  name: Type.String(),
  tier: Nullable(Type.String()),
  revenue: MoneySchema,
  revenueConverted: ConvertedSchema,
  lifetimeValue: MoneySchema,
  lifetimeValueConverted: ConvertedSchema,
  trailing12Months: MoneySchema,
  projectedLifetimeValue: MoneySchema,
  newLeads: Type.Object(Counts),
  newOpportunities: Type.Object(Counts),
  won: Type.Object(Counts),
  lost: Type.Object(Counts),
  openPipeline: Type.Object(Counts),
  rfps: Type.Object({ retained: Type.Integer(), won: Type.Integer(), lost: Type.Integer(), open: Type.Integer() }),
})
export type AccountOutcome = Static<typeof AccountOutcomeSchema>
export const OutcomesReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String({ description: 'Exclusive' }),
  settings: OutcomeSettingsSchema,
  projectionMethod: Type.String(),
  total: AccountOutcomeSchema,
  accounts: Type.Array(AccountOutcomeSchema),
})
export type OutcomesReport = Static<typeof OutcomesReportSchema>
