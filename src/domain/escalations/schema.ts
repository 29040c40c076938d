import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'

export const ESCALATION_KINDS = ['escalation', 'complaint'] as const
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

/** Default targets in hours (first response, resolution) by severity, when none is given. */
export const DEFAULT_TARGETS: Record<Severity, { response: number; resolution: number }> = {
  critical: { response: 4, resolution: 48 },
  high: { response: 8, resolution: 120 },
  medium: { response: 24, resolution: 240 },
  low: { response: 72, resolution: 720 },
}

const DateTime = Type.String({ format: 'date-time' })

export const EscalationSchema = Type.Object({
  id: Uuid,
  kind: StringEnum(ESCALATION_KINDS),
  severity: StringEnum(SEVERITIES),
  accountId: Uuid,
  accountName: Type.String(),
  stakeholderId: Uuid,
  stakeholderName: Nullable(Type.String()),
  ownerId: Nullable(Uuid),
  title: Type.String(),
  description: Nullable(Type.String()),
  openedAt: DateTime,
  firstResponseAt: Nullable(DateTime),
  resolvedAt: Nullable(DateTime),
  resolution: Nullable(Type.String()),
  responseTargetHours: Type.Integer(),
  resolutionTargetHours: Type.Integer(),
  responseHours: Nullable(Type.Number({ description: 'Opened → first response' })),
  resolutionHours: Nullable(Type.Number({ description: 'Opened → resolved' })),
  isResponseLate: Type.Boolean({ description: 'Answered after the target, or still unanswered past it' }),
  isResolutionLate: Type.Boolean(),
  experienceId: Nullable(Uuid),
  createdAt: DateTime,
})
export type Escalation = Static<typeof EscalationSchema>

export const CreateEscalationBodySchema = Type.Object({
  kind: StringEnum(ESCALATION_KINDS),
  severity: Type.Optional(StringEnum(SEVERITIES)),
  accountId: Type.Optional(Type.String({ format: 'uuid', description: 'Default: the stakeholder\'s account' })),
  stakeholderId: Type.String({ format: 'uuid', description: 'Who raised it: the negative experience is theirs' }),
  ownerId: Type.Optional(Nullable(Uuid)),
  title: Type.String({ minLength: 1, maxLength: 300 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 20_000 }))),
  openedAt: Type.Optional(DateTime),
  responseTargetHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
  resolutionTargetHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
}, { additionalProperties: false })
export type CreateEscalationBody = Static<typeof CreateEscalationBodySchema>

export const RespondBodySchema = Type.Object({ at: Type.Optional(DateTime) }, { additionalProperties: false })
export const ResolveBodySchema = Type.Object({ resolution: Type.String({ minLength: 1, maxLength: 20_000 }), at: Type.Optional(DateTime) }, { additionalProperties: false })

export const ListEscalationsQuerySchema = Type.Object({
  accountId: Type.Optional(Uuid),
  ownerId: Type.Optional(Uuid),
  status: Type.Optional(StringEnum(['open', 'resolved', 'all'] as const, { default: 'all' })),
  kind: Type.Optional(StringEnum(ESCALATION_KINDS)),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
}, { additionalProperties: false })
export type ListEscalationsQuery = Static<typeof ListEscalationsQuerySchema>

const Figures = Type.Object({
  opened: Type.Integer(),
  resolved: Type.Integer(),
  open: Type.Integer(),
  complaints: Type.Integer(),
  medianResponseHours: Nullable(Type.Number()),
  medianResolutionHours: Nullable(Type.Number()),
  responseOnTimeRate: Nullable(Type.Number({ description: 'Share (0–1) of answered ones answered within target' })),
  resolutionOnTimeRate: Nullable(Type.Number({ description: 'Share (0–1) of resolved ones resolved within target' })),
})
export type EscalationFigures = Static<typeof Figures>

export const EscalationStatsSchema = Type.Object({
  overall: Figures,
  activeAccounts: Type.Integer(),
  perAccountRate: Nullable(Type.Number({ description: 'Escalations and complaints opened per active account in the range' })),
  byPeriod: Type.Array(Type.Object({ period: Type.String(), figures: Figures })),
  byAccount: Type.Array(Type.Object({ accountId: Uuid, accountName: Type.String(), figures: Figures })),
})

export const EscalationStatsQuerySchema = Type.Object({
  accountId: Type.Optional(Uuid),
  period: Type.Optional(StringEnum(['week', 'month', 'quarter', 'year'] as const, { default: 'month' })),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
}, { additionalProperties: false })
export type EscalationStatsQuery = Static<typeof EscalationStatsQuerySchema>
