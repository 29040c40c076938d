import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import { IsoDate } from '../outcomes/schema.ts'

export const ProgrammeSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  startedOn: Type.String(),
  memberCount: Type.Integer({ description: 'People enrolled' }),
  members: Type.Optional(Type.Array(Type.Object({ userId: Uuid, name: Type.String(), enrolledOn: Type.String() }), { description: 'Who is enrolled: only for roles that may see people-level records (not analysts, who see the aggregates only)' })),
})
export type Programme = Static<typeof ProgrammeSchema>
export const CreateProgrammeBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  startedOn: IsoDate,
  userIds: Type.Array(Uuid, { minItems: 1, maxItems: 2000, uniqueItems: true }),
}, { additionalProperties: false })
export type CreateProgrammeBody = Static<typeof CreateProgrammeBodySchema>
export const EnrolBodySchema = Type.Object({ userIds: Type.Array(Uuid, { minItems: 1, maxItems: 2000, uniqueItems: true }), enrolledOn: Type.Optional(IsoDate) }, { additionalProperties: false })

const Group = Type.Object({
  users: Type.Integer({ description: 'People with a snapshot that week' }),
  trustAvg: Nullable(Type.Number({ description: 'Mean of their relationships\' trust' })),
  coverage: Nullable(Type.Number({ description: 'Key relationships within cadence / key relationships' })),
  coldPerUser: Nullable(Type.Number()),
  experiencesPerUser: Nullable(Type.Number()),
})
export type ProgrammeGroup = Static<typeof Group>
export const ProgressSchema = Type.Object({
  programme: ProgrammeSchema,
  baselineWeek: Type.String({ description: 'The last full week before the start' }),
  baseline: Nullable(Type.Object({ cohort: Group, others: Group })),
  weeks: Type.Array(Type.Object({ weekStart: Type.String(), cohort: Group, others: Group })),
  latestVsBaseline: Nullable(Type.Object({ cohort: Group, others: Group, description: Type.String() })),
  notes: Type.Array(Type.String()),
})
export const ProgressQuerySchema = Type.Object({ format: Type.Optional(StringEnum(['json', 'csv'] as const)) })
