import { Type, type Static } from 'typebox'
import type { UserRow } from '../../db/schema.ts'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import { ROLES, type Role } from '../auth/roles.ts'
import { MIN_PASSWORD_LENGTH } from '../auth/secrets.ts'

export const RoleSchema = StringEnum(ROLES, { description: 'admin manages users and settings; manager sees their reporting subtree; rep works records; analyst reads aggregates only' })
export const EmailSchema = Type.String({ format: 'email', maxLength: 320 })
export const PasswordSchema = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 200 })
export const PersonNameSchema = Type.String({ minLength: 1, maxLength: 200 })

export const UserSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  managerId: Nullable(Uuid),
  timeZone: Type.String({ description: 'IANA time zone deciding the user\'s "today" for reminders, overdue items and upcoming moments' }),
  createdAt: Type.String({ format: 'date-time' }),
  archivedAt: Nullable(Type.String({ format: 'date-time' })),
})
export type User = Static<typeof UserSchema>

export const TimeZoneSchema = Type.String({ minLength: 1, maxLength: 64, description: 'An IANA time zone, e.g. Europe/Paris', examples: ['Europe/Paris'] })

export const UpdateUserBodySchema = Type.Object(
  { name: Type.Optional(PersonNameSchema), role: Type.Optional(RoleSchema), managerId: Type.Optional(Nullable(Uuid)), timeZone: Type.Optional(TimeZoneSchema) },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateUserBody = Static<typeof UpdateUserBodySchema>

/** What every user may change about themselves. */
export const UpdateMeBodySchema = Type.Object(
  { name: Type.Optional(PersonNameSchema), timeZone: Type.Optional(TimeZoneSchema) },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateMeBody = Static<typeof UpdateMeBodySchema>

export const ListUsersQuerySchema = Type.Object(
  {
    subtreeOf: Type.Optional(Type.Union([Uuid, Type.Literal('me')], { description: 'Only this user and everyone who reports to them, directly or not' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
)

export const InvitationSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  role: RoleSchema,
  managerId: Nullable(Uuid),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  acceptedAt: Nullable(Type.String({ format: 'date-time' })),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
})
export type Invitation = Static<typeof InvitationSchema>

export const CreateInvitationBodySchema = Type.Object(
  { email: EmailSchema, role: RoleSchema, managerId: Type.Optional(Nullable(Uuid)) },
  { additionalProperties: false },
)
export type CreateInvitationBody = Static<typeof CreateInvitationBodySchema>

export const CreatedInvitationSchema = Type.Object({
  invitation: InvitationSchema,
  token: Type.String({ description: 'Shown once; the invitee uses it within its validity' }),
  url: Type.String(),
})

export const AcceptInvitationBodySchema = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }), name: PersonNameSchema, password: PasswordSchema },
  { additionalProperties: false },
)
export type AcceptInvitationBody = Static<typeof AcceptInvitationBodySchema>

export const InvitationPreviewSchema = Type.Object({ email: Type.String(), role: RoleSchema, organisation: Type.String(), expiresAt: Type.String({ format: 'date-time' }) })

export function toUser(row: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'manager_id' | 'created_at' | 'archived_at' | 'time_zone'>): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    managerId: row.manager_id,
    timeZone: row.time_zone,
    createdAt: row.created_at.toISOString(),
    archivedAt: row.archived_at?.toISOString() ?? null,
  }
}

export type InvitationRow = { id: string; email: string; role: string; manager_id: string | null; created_at: Date; expires_at: Date; accepted_at: Date | null; revoked_at: Date | null }

export function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    managerId: row.manager_id,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    acceptedAt: row.accepted_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  }
}
