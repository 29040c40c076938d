import { Type, type Static } from 'typebox'
import type { Selectable } from 'kysely'
import type { EmailMessagesTable } from '../../db/schema.ts'
import { IsoDateTime, Nullable, Uuid } from '../../lib/schema.ts'

export const EmailMessageSchema = Type.Object({
  id: Uuid,
  messageId: Nullable(Type.String({ description: 'The Message-ID header, without angle brackets' })),
  sentAt: IsoDateTime,
  from: Type.String({ description: 'Folded address: lower case, plus-addressing removed' }),
  fromName: Nullable(Type.String()),
  to: Type.Array(Type.String()),
  cc: Type.Array(Type.String()),
  subject: Nullable(Type.String({ description: 'Kept only when the organisation allows it (email settings: captureSubjects). Null when subjectHidden: a subject is private to the people in the mail, their managers and admins' })),
  subjectHidden: Type.Boolean({ description: 'The message has a subject that is withheld from you: you are not its sender or a recipient, do not manage anyone who is and are not an admin' }),
  threadKey: Type.String(),
  inReplyTo: Nullable(Type.String()),
  isReply: Type.Boolean(),
  experienceId: Nullable(Uuid),
})
export type EmailMessage = Static<typeof EmailMessageSchema>

/** A message as the API shows it; `isSubjectHidden` withholds its subject from this viewer. */
export function toEmailMessage(row: Selectable<EmailMessagesTable>, isSubjectHidden = false): EmailMessage {
  return {
    id: row.id,
    messageId: row.message_id,
    sentAt: row.sent_at.toISOString(),
    from: row.from_address,
    fromName: row.from_name,
    to: row.to_addresses,
    cc: row.cc_addresses,
    subject: isSubjectHidden ? null : row.subject,
    subjectHidden: isSubjectHidden,
    threadKey: row.thread_key,
    inReplyTo: row.in_reply_to,
    isReply: row.is_reply,
    experienceId: row.experience_id,
  }
}

export const ThreadSchema = Type.Object({
  threadKey: Type.String(),
  /** Both sides wrote: one of our people and someone else. */
  isTwoWay: Type.Boolean({ description: 'Both our people and theirs wrote in this thread (replies make a thread two-way)' }),
  messages: Type.Array(EmailMessageSchema),
})

export const ListMessagesQuerySchema = Type.Object(
  {
    experienceId: Type.Optional(Uuid),
    address: Type.Optional(Type.String({ minLength: 3, maxLength: 320, description: 'Messages from or to this address' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
)
export type ListMessagesQuery = Static<typeof ListMessagesQuerySchema>

export const EmailSettingsSchema = Type.Object(
  { captureSubjects: Type.Boolean({ description: 'Keep message subjects (as experience titles too). Default off: only who, when and threads are kept.' }) },
  { additionalProperties: false },
)
export type EmailSettings = Static<typeof EmailSettingsSchema>

export const SuggestionsQuerySchema = Type.Object(
  {
    minMessages: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 3 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 300, description: 'At most this many people (the most frequent)' })),
  },
  { additionalProperties: false },
)
export type SuggestionsQuery = Static<typeof SuggestionsQuerySchema>

const SuggestedPersonSchema = Type.Object({ address: Type.String(), name: Nullable(Type.String()), messages: Type.Integer(), lastAt: IsoDateTime })
export const SuggestionsSchema = Type.Object({
  domains: Type.Array(
    Type.Object({
      domain: Type.String(),
      accountId: Nullable(Uuid),
      accountName: Nullable(Type.String()),
      messages: Type.Integer({ description: 'Messages shared with our people, summed over the people of this domain' }),
      people: Type.Array(SuggestedPersonSchema),
    }),
  ),
})
export type Suggestions = Static<typeof SuggestionsSchema>

export const AcceptSuggestionsBodySchema = Type.Object(
  {
    people: Type.Array(
      Type.Object(
        { address: Type.String({ format: 'email', maxLength: 320 }), name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
)
export type AcceptSuggestionsBody = Static<typeof AcceptSuggestionsBodySchema>

export const AcceptSuggestionsResultSchema = Type.Object({
  stakeholderIds: Type.Array(Uuid),
  stakeholdersCreated: Type.Integer(),
  accountsCreated: Type.Integer(),
  alreadyKnown: Type.Array(Type.String({ description: 'Addresses that already belonged to a stakeholder or user: nothing created' })),
  experiencesCreated: Type.Integer({ description: 'Captured messages that became experiences now that their people are known' }),
})
export type AcceptSuggestionsResult = Static<typeof AcceptSuggestionsResultSchema>

export const ResponsivenessQuerySchema = Type.Object(
  {
    from: Type.Optional(IsoDateTime),
    to: Type.Optional(IsoDateTime),
    targetHours: Type.Optional(Type.Number({ minimum: 0.25, maximum: 24 * 30, default: 24, description: 'The answer time to meet (the "third ring")' })),
  },
  { additionalProperties: false },
)
export type ResponsivenessQuery = Static<typeof ResponsivenessQuerySchema>

const DistributionFields = {
  answered: Type.Integer(),
  unanswered: Type.Integer({ description: 'Received more than targetHours ago and not answered within 30 days (or yet)' }),
  withinTarget: Nullable(Type.Number({ description: 'Share answered within the target, 0..1' })),
  medianMinutes: Nullable(Type.Integer()),
  p90Minutes: Nullable(Type.Integer()),
  histogram: Type.Array(Type.Object({ label: Type.String(), count: Type.Integer() })),
}
const DistributionSchema = Type.Object(DistributionFields)

export const ResponsivenessSchema = Type.Object({
  targetHours: Type.Number(),
  overall: DistributionSchema,
  byUser: Type.Array(Type.Object({ userId: Uuid, name: Type.String(), ...DistributionFields }), { description: 'By the person the mail was sent to' }),
  byTeam: Type.Array(Type.Object({ managerId: Uuid, name: Type.String(), ...DistributionFields }), { description: 'By team: a manager and their direct reports' }),
  byAccount: Type.Array(Type.Object({ accountId: Uuid, name: Type.String(), ...DistributionFields })),
})
export type Responsiveness = Static<typeof ResponsivenessSchema>

export const UnansweredQuerySchema = Type.Object(
  {
    olderThanHours: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 365 * 50, default: 24 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
)
export type UnansweredQuery = Static<typeof UnansweredQuerySchema>

export const UnansweredSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      messageId: Uuid,
      threadKey: Type.String(),
      sentAt: IsoDateTime,
      from: Type.String(),
      stakeholderId: Uuid,
      accountId: Nullable(Uuid),
      recipientUserIds: Type.Array(Uuid),
      ageHours: Type.Integer(),
    }),
  ),
  total: Type.Integer(),
})
