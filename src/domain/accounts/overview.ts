import { Type, type Static } from 'typebox'
import type { Db } from '../../db/connect.ts'
import type { Actor } from '../auth/roles.ts'
import { ExperienceSchema } from '../experiences/schema.ts'
import { listExperiences } from '../experiences/service.ts'
import { RelationshipSchema } from '../relationships/schema.ts'
import { listRelationships } from '../relationships/service.ts'
import { StakeholderSchema } from '../stakeholders/schema.ts'
import { listStakeholders } from '../stakeholders/service.ts'
import { UserSchema } from '../users/schema.ts'
import { listUsers } from '../users/service.ts'
import { AccountSchema } from './schema.ts'
import { getAccount } from './service.ts'

export const RECENT_EXPERIENCES = 25
const MAX_STAKEHOLDERS = 500

export const AccountOverviewSchema = Type.Object({
  account: AccountSchema,
  stakeholders: Type.Array(StakeholderSchema),
  relationships: Type.Array(RelationshipSchema),
  recentExperiences: Type.Array(ExperienceSchema),
  people: Type.Array(UserSchema, { description: 'Our people who own the account or one of its relationships' }),
})
export type AccountOverview = Static<typeof AccountOverviewSchema>

/** Everything the account page shows, in one call: the account, its people on both sides and its recent history. */
export async function getAccountOverview(db: Db, actor: Actor, accountId: string): Promise<AccountOverview> {
  const account = await getAccount(db, actor, accountId)
  const [stakeholders, relationships, experiences] = await Promise.all([
    listStakeholders(db, actor, { accountId, limit: MAX_STAKEHOLDERS, sort: '-influence' }),
    listRelationships(db, actor, { accountId, limit: 1000 }),
    listExperiences(db, actor, { accountId, limit: RECENT_EXPERIENCES }),
  ])
  const peopleIds = new Set([account.ownerId, ...relationships.items.map((r) => r.userId)].filter((id): id is string => id !== null))
  const people = (await listUsers(db, actor, {})).filter((u) => peopleIds.has(u.id))
  return { account, stakeholders: stakeholders.items, relationships: relationships.items, recentExperiences: experiences.items, people }
}
