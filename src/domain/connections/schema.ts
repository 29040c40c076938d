import { Type, type Static } from 'typebox'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import { TRUST_STATES } from '../trust/model.ts'

export const ConnectionSchema = Type.Object({
  userId: Uuid,
  name: Type.String(),
  email: Type.String(),
  relationshipId: Nullable(Uuid),
  strength: Type.Number({ minimum: 0, maximum: 100, description: 'Trust score of the relationship, or of the shared experiences when there is no relationship' }),
  state: StringEnum(TRUST_STATES),
  experienceCount: Type.Integer({ minimum: 0 }),
  experienceKinds: Type.Record(Type.String(), Type.Integer()),
  lastContactAt: Nullable(Type.String({ format: 'date-time' })),
})

export const ConnectionsSchema = Type.Object({
  stakeholderId: Uuid,
  stakeholderName: Type.String(),
  people: Type.Array(ConnectionSchema, { description: 'Our people who know this stakeholder, best first' }),
})
export type Connections = Static<typeof ConnectionsSchema>
