import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

// Row types of the migrated database, snake_case as in SQL. API objects are camelCase and
// are mapped from these in each domain's schema.ts.

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Json = ColumnType<unknown, string, string>

export type OrganisationsTable = {
  id: Generated<string>
  name: string
  slug: string
  settings: ColumnType<Record<string, unknown>, string | undefined, string>
  created_at: CreatedAt
}

export type UsersTable = {
  id: Generated<string>
  org_id: string
  email: string
  name: string
  role: string
  manager_id: string | null
  password_hash: string | null
  digest_opt_out: ColumnType<boolean, boolean | undefined, boolean>
  time_zone: ColumnType<string, string | undefined, string>
  created_at: CreatedAt
  updated_at: Timestamp
  archived_at: Date | null
}

export type SessionsTable = {
  id: string
  org_id: string
  user_id: string
  csrf_token: string
  created_at: CreatedAt
  expires_at: Date
}

export type ApiTokensTable = {
  id: Generated<string>
  org_id: string
  user_id: string
  name: string
  token_hash: string
  token_prefix: string
  created_at: CreatedAt
  last_used_at: Date | null
  revoked_at: Date | null
}

export type InvitationsTable = {
  id: Generated<string>
  org_id: string
  email: string
  role: string
  manager_id: string | null
  token_hash: string
  invited_by: string | null
  created_at: CreatedAt
  expires_at: Date
  accepted_at: Date | null
  revoked_at: Date | null
}

export type AccountsTable = {
  id: Generated<string>
  org_id: string
  name: string
  domains: ColumnType<string[], string[] | undefined, string[]>
  tier: ColumnType<string, string | undefined, string>
  industry: string | null
  owner_id: string | null
  status: ColumnType<string, string | undefined, string>
  notes: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  archived_at: Date | null
}

export type StakeholdersTable = {
  id: Generated<string>
  org_id: string
  account_id: string | null
  name: string
  emails: ColumnType<string[], string[] | undefined, string[]>
  phones: ColumnType<string[], string[] | undefined, string[]>
  title: string | null
  reports_to_id: string | null
  influence: ColumnType<number, number | undefined, number>
  attitude: ColumnType<string, string | undefined, string>
  goals: string | null
  pains: string | null
  interests: string | null
  personal_notes: string | null
  has_consent: ColumnType<boolean, boolean | undefined, boolean>
  consent_at: Date | null
  search_text: ColumnType<string, string | undefined, string>
  created_at: CreatedAt
  updated_at: Timestamp
  archived_at: Date | null
}

export type RelationshipsTable = {
  id: Generated<string>
  org_id: string
  user_id: string
  stakeholder_id: string
  importance: ColumnType<number, number | undefined, number>
  cadence_days: ColumnType<number, number | undefined, number>
  target_strength: ColumnType<number, number | undefined, number>
  private_notes: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  archived_at: Date | null
}

export type ExperiencesTable = {
  id: Generated<string>
  org_id: string
  occurred_at: Timestamp
  kind: string
  valence: number | null
  direction: ColumnType<string, string | undefined, string>
  initiator: ColumnType<string, string | undefined, string>
  depth: ColumnType<string, string | undefined, string>
  title: string | null
  notes: string | null
  source: ColumnType<string, string | undefined, string>
  external_id: string | null
  account_id: string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  archived_at: Date | null
}

export type ExperienceStakeholdersTable = { org_id: string; experience_id: string; stakeholder_id: string }
export type ExperienceUsersTable = { org_id: string; experience_id: string; user_id: string }

export type AuditLogTable = {
  id: Generated<number>
  org_id: string
  actor_id: string | null
  action: string
  entity_type: string
  entity_id: string | null
  before: Json | null
  after: Json | null
  at: CreatedAt
}

export type RelationshipScoresTable = {
  org_id: string
  relationship_id: string
  score: number
  score_28d: number
  state: string
  last_meaningful_at: Date | null
  experience_count: number
  computed_at: Date
}

export type StakeholderScoresTable = {
  org_id: string
  stakeholder_id: string
  score: number
  score_28d: number
  state: string
  last_meaningful_at: Date | null
  cadence_days: number
  experience_count: number
  computed_at: Date
}

export type AccountScoresTable = {
  org_id: string
  account_id: string
  score: number
  score_28d: number
  state: string
  stakeholder_count: number
  computed_at: Date
}

export type EmailMessagesTable = {
  id: Generated<string>
  org_id: string
  message_id: string | null
  content_hash: string
  sent_at: Timestamp
  from_address: string
  from_name: string | null
  to_addresses: ColumnType<string[], string[] | undefined, string[]>
  cc_addresses: ColumnType<string[], string[] | undefined, string[]>
  subject: string | null
  subject_key: string | null
  thread_key: string
  in_reply_to: string | null
  reference_ids: ColumnType<string[], string[] | undefined, string[]>
  is_reply: ColumnType<boolean, boolean | undefined, boolean>
  experience_id: string | null
  imported_at: CreatedAt
}

export type ImportJobsTable = {
  id: Generated<string>
  org_id: string
  created_by: string
  filename: string
  format: string | null
  options: ColumnType<Record<string, unknown>, string | undefined, string>
  content: Buffer | null
  size_bytes: ColumnType<number, number, number>
  status: ColumnType<string, string | undefined, string>
  attempts: ColumnType<number, number | undefined, number>
  report: ColumnType<unknown, string | null | undefined, string | null>
  error: string | null
  created_at: CreatedAt
  started_at: Date | null
  finished_at: Date | null
}

export type JobsTable = {
  id: Generated<string>
  org_id: string
  kind: string
  dedupe_key: string
  payload: ColumnType<unknown, string | undefined, string>
  status: ColumnType<string, string | undefined, string>
  attempts: ColumnType<number, number | undefined, number>
  max_attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: Timestamp
  locked_until: Date | null
  last_error: string | null
  result: Json | null
  created_at: CreatedAt
  updated_at: Timestamp
  finished_at: Date | null
}

// Voice of the customer (0006_surveys).
export type SurveysTable = {
  id: Generated<string>
  org_id: string
  name: string
  kind: string
  audience: string
  question: string
  intro: string | null
  questions: ColumnType<unknown, string | undefined, string>
  reminder_days: number | null
  follow_up_days: ColumnType<number, number | undefined, number>
  link_days: ColumnType<number, number | undefined, number>
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  closed_at: Date | null
}

export type SurveyRecipientsTable = {
  id: Generated<string>
  org_id: string
  survey_id: string
  stakeholder_id: string | null
  user_id: string | null
  account_id: string | null
  email: string | null
  created_at: CreatedAt
  sent_at: Date | null
  reminded_at: Date | null
  responded_at: Date | null
}

export type SurveyLinksTable = { token_hash: string; org_id: string; recipient_id: string; created_at: CreatedAt; expires_at: Date }

export type SurveyResponsesTable = {
  id: Generated<string>
  org_id: string
  survey_id: string
  kind: string
  recipient_id: string | null
  stakeholder_id: string | null
  account_id: string | null
  owner_id: string | null
  team_manager_id: string | null
  score: number | null
  comment: string | null
  answers: ColumnType<unknown, string | undefined, string>
  experience_id: string | null
  submitted_at: Timestamp
}

export type FollowUpsTable = {
  id: Generated<string>
  org_id: string
  response_id: string
  owner_id: string
  due_at: Date
  created_at: CreatedAt
  closed_at: Date | null
  closed_by: string | null
  resolution: string | null
}

export type EscalationsTable = {
  id: Generated<string>
  org_id: string
  kind: string
  severity: ColumnType<string, string | undefined, string>
  account_id: string
  stakeholder_id: string | null
  owner_id: string | null
  title: string
  description: string | null
  opened_at: Timestamp
  first_response_at: Date | null
  resolved_at: Date | null
  resolution: string | null
  response_target_hours: number
  resolution_target_hours: number
  experience_id: string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export type ReferralsTable = {
  id: Generated<string>
  org_id: string
  referrer_id: string
  referred_account_id: string | null
  referred_stakeholder_id: string | null
  referred_name: string | null
  referred_at: Timestamp
  status: ColumnType<string, string | undefined, string>
  value: ColumnType<string | null, number | null | undefined, number | null>
  currency: string | null
  notes: string | null
  experience_id: string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export type RelationshipPlansTable = {
  id: Generated<string>
  org_id: string
  account_id: string | null
  stakeholder_id: string | null
  title: string
  objectives: ColumnType<string[], string[] | undefined, string[]>
  owner_id: string
  created_at: CreatedAt
  updated_at: Timestamp
  archived_at: Date | null
}

export type PlanActivitiesTable = {
  id: Generated<string>
  org_id: string
  plan_id: string
  kind: string
  title: string
  notes: string | null
  owner_id: string
  due_on: string | null
  status: ColumnType<string, string | undefined, string>
  done_at: Date | null
  experience_id: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export type SelfCheckQuestionsTable = {
  id: Generated<string>
  org_id: string
  text: string
  is_reversed: ColumnType<boolean, boolean | undefined, boolean>
  position: ColumnType<number, number | undefined, number>
  created_at: CreatedAt
  archived_at: Date | null
}

export type SelfChecksTable = {
  id: Generated<string>
  org_id: string
  account_id: string
  user_id: string
  taken_at: Timestamp
  answers: ColumnType<unknown, string, string>
  score: number
  trust_score: number | null
  notes: string | null
}

export type ClosePeopleTable = {
  id: Generated<string>
  org_id: string
  stakeholder_id: string
  name: string
  relation: string
  notes: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export type MomentsTable = {
  id: Generated<string>
  org_id: string
  stakeholder_id: string
  close_person_id: string | null
  kind: string
  title: string | null
  on_date: string
  recurrence: string
  lead_days: ColumnType<number, number | undefined, number>
  notes: string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export type MomentActionsTable = {
  id: Generated<string>
  org_id: string
  moment_id: string
  occurs_on: string
  user_id: string
  experience_id: string | null
  acted_at: CreatedAt
}

export type CalendarFeedsTable = {
  id: Generated<string>
  org_id: string
  user_id: string
  token_hash: string
  token_prefix: string
  created_at: CreatedAt
  last_used_at: Date | null
  revoked_at: Date | null
}

export type Database = KpiDatabase & {
  organisations: OrganisationsTable
  users: UsersTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  invitations: InvitationsTable
  accounts: AccountsTable
  stakeholders: StakeholdersTable
  relationships: RelationshipsTable
  experiences: ExperiencesTable
  experience_stakeholders: ExperienceStakeholdersTable
  experience_users: ExperienceUsersTable
  audit_log: AuditLogTable
  relationship_scores: RelationshipScoresTable
  stakeholder_scores: StakeholderScoresTable
  account_scores: AccountScoresTable
  email_messages: EmailMessagesTable
  import_jobs: ImportJobsTable
  jobs: JobsTable
  relationship_plans: RelationshipPlansTable
  plan_activities: PlanActivitiesTable
  self_check_questions: SelfCheckQuestionsTable
  self_checks: SelfChecksTable
  close_people: ClosePeopleTable
  moments: MomentsTable
  moment_actions: MomentActionsTable
  calendar_feeds: CalendarFeedsTable
  surveys: SurveysTable
  survey_recipients: SurveyRecipientsTable
  survey_links: SurveyLinksTable
  survey_responses: SurveyResponsesTable
  follow_ups: FollowUpsTable
  escalations: EscalationsTable
  referrals: ReferralsTable
}

export type UserRow = Selectable<UsersTable>
export type AccountRow = Selectable<AccountsTable>
export type StakeholderRow = Selectable<StakeholdersTable>
export type RelationshipRow = Selectable<RelationshipsTable>
export type ExperienceRow = Selectable<ExperiencesTable>
export type OrganisationRow = Selectable<OrganisationsTable>
export type NewAccount = Insertable<AccountsTable>
export type AccountUpdate = Updateable<AccountsTable>

// ── Accountability, outcomes and KPIs (migration 0007) ──
export type ReportingLinesTable = { org_id: string; user_id: string; manager_id: string | null; valid_from: Date; valid_to: Date | null }
type Numeric = ColumnType<number, string | number, string | number>
type JsonMap = ColumnType<Record<string, number>, string, string>
export type RevenueEntriesTable = {
  id: Generated<string>
  org_id: string
  account_id: string
  booked_on: ColumnType<string, string, string>
  amount: Numeric
  currency: string
  source: string
  external_id: string
  description: string | null
  created_at: CreatedAt
}
export type OpportunitiesTable = {
  id: Generated<string>
  org_id: string
  account_id: string
  kind: string
  title: string
  stage: string
  status: string
  value: ColumnType<number | null, string | number | null, string | number | null>
  currency: string
  opened_on: ColumnType<string, string, string>
  closed_on: ColumnType<string | null, string | null | undefined, string | null>
  owner_name: string | null
  source: string
  external_id: string
  created_at: CreatedAt
}
export type KpiSnapshotsTable = {
  org_id: string
  scope_type: string
  scope_id: string
  week_start: ColumnType<string, string, string>
  people: number
  relationships: number
  key_relationships: number
  key_covered: number
  trust_avg: number | null
  trust_bands: number[]
  cold_count: number
  experiences: number
  gave: number
  asked: number
  escalations: number
  referrals: number
  revenue: JsonMap
  new_opportunities: number
  new_opportunity_value: JsonMap
  computed_at: Date
}
export type ReviewsTable = { id: Generated<string>; org_id: string; manager_id: string; report_id: string; held_on: ColumnType<string, string, string>; notes: ColumnType<string, string | undefined, string>; created_at: CreatedAt }
export type ReviewCommitmentsTable = { id: Generated<string>; org_id: string; review_id: string; owner_id: string; text: string; due_on: ColumnType<string | null, string | null | undefined, string | null>; done_at: Date | null; created_at: CreatedAt }
export type ProgrammesTable = { id: Generated<string>; org_id: string; name: string; started_on: ColumnType<string, string, string>; created_at: CreatedAt }
export type ProgrammeMembersTable = { org_id: string; programme_id: string; user_id: string; enrolled_on: ColumnType<string, string, string> }
export type KpiDatabase = {
  reporting_lines: ReportingLinesTable
  revenue_entries: RevenueEntriesTable
  opportunities: OpportunitiesTable
  kpi_snapshots: KpiSnapshotsTable
  reviews: ReviewsTable
  review_commitments: ReviewCommitmentsTable
  programmes: ProgrammesTable
  programme_members: ProgrammeMembersTable
  revenue_monthly: RevenueMonthlyTable
  revenue_totals: RevenueTotalsTable
  account_history: AccountHistoryTable
}
// ── Migration 0011: revenue rollup and account tier/owner history (both kept by triggers) ──
export type RevenueMonthlyTable = { org_id: string; account_id: string; currency: string; month_start: ColumnType<string, string, string>; amount: Numeric; entries: number; cum_amount: Numeric; cum_entries: number }
export type RevenueTotalsTable = { org_id: string; account_id: string; currency: string; amount: Numeric; entries: number; first_month: ColumnType<string | null, string | null, string | null>; last_month: ColumnType<string | null, string | null, string | null> }
export type AccountHistoryTable = { org_id: string; account_id: string; tier: string; owner_id: string | null; valid_from: Date; valid_to: Date | null }
