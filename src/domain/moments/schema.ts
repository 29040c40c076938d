import { Type, type Static } from 'typebox'
import type { Selectable } from 'kysely'
import type { ClosePeopleTable, MomentsTable } from '../../db/schema.ts'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'

export const MOMENT_KINDS = ['birthday', 'wedding', 'graduation', 'new_job', 'promotion', 'company_anniversary', 'custom'] as const
export type MomentKind = (typeof MOMENT_KINDS)[number]
/** Professional, public facts: may be kept without the stakeholder's consent. Everything else is personal data. */
export const PROFESSIONAL_KINDS: readonly MomentKind[] = ['new_job', 'promotion', 'company_anniversary']
export const RECURRENCES = ['once', 'yearly'] as const
export const RELATIONS = ['spouse', 'partner', 'child', 'parent', 'sibling', 'assistant', 'friend', 'other'] as const

/** A calendar day. ajv's `date` format rejects 2027-02-30 and 2027-13-01 (400 with the field). */
const Day = Type.String({ format: 'date', description: 'A calendar day, YYYY-MM-DD (no time, no time zone)' })
const Text = (max: number) => Nullable(Type.String({ maxLength: max }))

export const ClosePersonSchema = Type.Object({
  id: Uuid,
  stakeholderId: Uuid,
  name: Type.String(),
  relation: StringEnum(RELATIONS),
  notes: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type ClosePerson = Static<typeof ClosePersonSchema>

export const CreateClosePersonBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  relation: StringEnum(RELATIONS),
  notes: Type.Optional(Text(5_000)),
}, { additionalProperties: false })
export const UpdateClosePersonBodySchema = Type.Partial(CreateClosePersonBodySchema, { additionalProperties: false, minProperties: 1 })
export type CreateClosePersonBody = Static<typeof CreateClosePersonBodySchema>
export type UpdateClosePersonBody = Static<typeof UpdateClosePersonBodySchema>

export const MomentSchema = Type.Object({
  id: Uuid,
  stakeholderId: Uuid,
  closePersonId: Nullable(Uuid),
  kind: StringEnum(MOMENT_KINDS),
  title: Nullable(Type.String()),
  onDate: Day,
  recurrence: StringEnum(RECURRENCES),
  leadDays: Type.Integer(),
  notes: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Moment = Static<typeof MomentSchema>

const momentFields = {
  kind: StringEnum(MOMENT_KINDS),
  title: Text(200),
  onDate: Day,
  recurrence: StringEnum(RECURRENCES, { description: 'yearly: every year on the same day; 29 February falls on 28 February in non-leap years' }),
  leadDays: Type.Integer({ minimum: 0, maximum: 60, description: 'Remind this many days before (default 7)' }),
  notes: Text(5_000),
  closePersonId: Nullable(Uuid),
}
export const CreateMomentBodySchema = Type.Object({
  kind: momentFields.kind,
  onDate: momentFields.onDate,
  recurrence: momentFields.recurrence,
  title: Type.Optional(momentFields.title),
  leadDays: Type.Optional(momentFields.leadDays),
  notes: Type.Optional(momentFields.notes),
  closePersonId: Type.Optional(momentFields.closePersonId),
}, { additionalProperties: false })
export const UpdateMomentBodySchema = Type.Partial(Type.Object(momentFields), { additionalProperties: false, minProperties: 1 })
export type CreateMomentBody = Static<typeof CreateMomentBodySchema>
export type UpdateMomentBody = Static<typeof UpdateMomentBodySchema>

export const ActOnMomentBodySchema = Type.Object({
  occursOn: Type.Optional(Day),
  gesture: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'What we did, e.g. "sent a handwritten card"' })),
  notes: Type.Optional(Type.String({ maxLength: 5_000 })),
}, { additionalProperties: false })
export type ActOnMomentBody = Static<typeof ActOnMomentBodySchema>

export const OccurrenceSchema = Type.Object({
  momentId: Uuid,
  occursOn: Day,
  daysUntil: Type.Integer(),
  remindOn: Day,
  years: Nullable(Type.Integer({ description: 'Age at a birthday, years of a wedding or anniversary' })),
  kind: StringEnum(MOMENT_KINDS),
  title: Type.String({ description: 'Readable label, e.g. "Birthday of Anna (daughter)"' }),
  stakeholderId: Uuid,
  stakeholderName: Type.String(),
  accountName: Nullable(Type.String()),
  closePersonName: Nullable(Type.String()),
  relation: Nullable(StringEnum(RELATIONS)),
  gestures: Type.Array(Type.String()),
  actedUpon: Type.Boolean(),
})
export type Occurrence = Static<typeof OccurrenceSchema>

export const UpcomingQuerySchema = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
  tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone that decides what "today" is (default: my own time zone)' })),
  scope: Type.Optional(StringEnum(['me', 'team', 'all'] as const, { description: 'me: stakeholders I have a relationship with; team: my reporting subtree; all: admin only' })),
}, { additionalProperties: false })
export type UpcomingQuery = Static<typeof UpcomingQuerySchema>

export type MomentRow = Selectable<MomentsTable>
export type ClosePersonRow = Selectable<ClosePeopleTable>

export function toMoment(r: MomentRow): Moment {
  return {
    id: r.id, stakeholderId: r.stakeholder_id, closePersonId: r.close_person_id, kind: r.kind as Moment['kind'], title: r.title,
    onDate: r.on_date, recurrence: r.recurrence as Moment['recurrence'], leadDays: r.lead_days, notes: r.notes,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  }
}

export function toClosePerson(r: ClosePersonRow): ClosePerson {
  return { id: r.id, stakeholderId: r.stakeholder_id, name: r.name, relation: r.relation as ClosePerson['relation'], notes: r.notes, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() }
}
