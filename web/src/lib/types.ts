// API types come from the server's TypeBox schemas (type-only imports: nothing of the server
// is bundled). Trust types are declared here until the trust endpoints have settled.
export type { Account } from '../../../src/domain/accounts/schema.ts'
export type { AccountOverview } from '../../../src/domain/accounts/overview.ts'
export type { Experience } from '../../../src/domain/experiences/schema.ts'
export type { Relationship } from '../../../src/domain/relationships/schema.ts'
export type { Stakeholder } from '../../../src/domain/stakeholders/schema.ts'
export type { Invitation, User } from '../../../src/domain/users/schema.ts'
import type { User } from '../../../src/domain/users/schema.ts'
export type { Role } from '../../../src/domain/auth/roles.ts'
export type { Depth, Direction, ExperienceKind, Initiator } from '../../../src/domain/experiences/vocabulary.ts'

export const TRUST_STATES = ['warming', 'steady', 'cooling', 'cold'] as const
export type TrustState = (typeof TRUST_STATES)[number]

export type TrustPoint = { at: string; score: number }

export type TrustSummary = {
  score: number
  state: TrustState
  isCold: boolean
  daysSinceMeaningful: number | null
  lastMeaningfulAt: string | null
}

export type AccountTrustSummary = { score: number; state: TrustState }

export type Contribution = {
  experienceId: string
  occurredAt: string
  kind: string
  title: string | null
  /** The title is the subject of mail you are not part of: withheld by the server. */
  titleHidden: boolean
  valence: number | null
  direction: string
  depth: string
  source: string
  impact: number
  weight: number
}

export type RelationshipTrust = {
  relationshipId: string
  asOf: string
  score: number
  state: TrustState
  isCold: boolean
  lastMeaningfulAt: string | null
  daysSinceMeaningful: number | null
  cadenceDays: number
  targetStrength: number
  contributions: Contribution[]
  trend: TrustPoint[]
}

export type StakeholderTrust = {
  stakeholderId: string
  score: number
  state: TrustState
  isCold: boolean
  trend: TrustPoint[]
  relationships: { relationshipId: string; userId: string; score: number; state: TrustState; isCold: boolean }[]
}

export type AccountTrust = { accountId: string; score: number; state: TrustState; trend: TrustPoint[]; stakeholders: { stakeholderId: string; score: number; weight: number }[] }

export type AttentionItem = {
  relationshipId: string
  userId: string
  userName: string
  stakeholderId: string
  stakeholderName: string
  accountId: string | null
  accountName: string | null
  importance: number
  cadenceDays: number
  score: number
  state: TrustState
  isCold: boolean
  daysSinceMeaningful: number | null
  suggestion: string
}

export type Session = {
  user: User
  organisation: { id: string; name: string; slug: string }
  permissions: string[]
  csrfToken: string | null
}
