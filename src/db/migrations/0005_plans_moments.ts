import { sql, type Kysely } from 'kysely'

// Frozen once shipped. The durable job queue (the outbox of every e-mail and reminder), then
// relationship plans, the self-check, moments, close people and calendar feeds (issue 6).
const JOBS = [
  `CREATE TABLE jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
    dedupe_key text NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 500),
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 12 CHECK (max_attempts BETWEEN 1 AND 100),
    next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
    locked_until timestamptz(3),
    last_error text,
    result jsonb,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    finished_at timestamptz(3),
    UNIQUE (org_id, id),
    UNIQUE (org_id, kind, dedupe_key)
  )`,
  `CREATE INDEX jobs_due_idx ON jobs (next_attempt_at) WHERE status IN ('pending', 'running')`,
]

// A relationship plan is "a set of activities to give" for one key stakeholder or one account.
const PLANS = [
  `CREATE TABLE relationship_plans (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id uuid,
    stakeholder_id uuid,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    objectives text[] NOT NULL DEFAULT '{}',
    owner_id uuid NOT NULL,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    archived_at timestamptz(3),
    UNIQUE (org_id, id),
    CHECK (num_nonnulls(account_id, stakeholder_id) = 1),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, owner_id) REFERENCES users (org_id, id)
  )`,
  `CREATE INDEX relationship_plans_account_idx ON relationship_plans (org_id, account_id)`,
  `CREATE INDEX relationship_plans_stakeholder_idx ON relationship_plans (org_id, stakeholder_id)`,
  `CREATE TABLE plan_activities (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    plan_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('introduction', 'insight', 'help', 'invitation', 'event', 'custom')),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    notes text,
    owner_id uuid NOT NULL,
    due_on date,
    status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'cancelled')),
    done_at timestamptz(3),
    experience_id uuid,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    CHECK ((status = 'done') = (done_at IS NOT NULL)),
    FOREIGN KEY (org_id, plan_id) REFERENCES relationship_plans (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, owner_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, experience_id) REFERENCES experiences (org_id, id) ON DELETE SET NULL (experience_id)
  )`,
  `CREATE INDEX plan_activities_plan_idx ON plan_activities (org_id, plan_id)`,
  `CREATE INDEX plan_activities_open_idx ON plan_activities (org_id, owner_id, due_on) WHERE status = 'planned'`,
]

// The self-check: a short periodic questionnaire per key account. Built-in questions live in code;
// an organisation adds its own here.
const SELF_CHECK = [
  `CREATE TABLE self_check_questions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    text text NOT NULL CHECK (length(text) BETWEEN 3 AND 300),
    is_reversed boolean NOT NULL DEFAULT false,
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    archived_at timestamptz(3),
    UNIQUE (org_id, id)
  )`,
  `CREATE TABLE self_checks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id uuid NOT NULL,
    user_id uuid NOT NULL,
    taken_at timestamptz(3) NOT NULL DEFAULT now(),
    answers jsonb NOT NULL,
    score double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    trust_score double precision,
    notes text,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
  )`,
  `CREATE INDEX self_checks_account_idx ON self_checks (org_id, account_id, taken_at)`,
]

// Moments that matter and the close people of a stakeholder: personal data (consent rule in code).
const MOMENTS = [
  `CREATE TABLE close_people (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    stakeholder_id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    relation text NOT NULL CHECK (relation IN ('spouse', 'partner', 'child', 'parent', 'sibling', 'assistant', 'friend', 'other')),
    notes text,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX close_people_stakeholder_idx ON close_people (org_id, stakeholder_id)`,
  `CREATE TABLE moments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    stakeholder_id uuid NOT NULL,
    close_person_id uuid,
    kind text NOT NULL CHECK (kind IN ('birthday', 'wedding', 'graduation', 'new_job', 'promotion', 'company_anniversary', 'custom')),
    title text CHECK (length(title) BETWEEN 1 AND 200),
    on_date date NOT NULL,
    recurrence text NOT NULL CHECK (recurrence IN ('once', 'yearly')),
    lead_days integer NOT NULL DEFAULT 7 CHECK (lead_days BETWEEN 0 AND 60),
    notes text,
    created_by uuid,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, close_person_id) REFERENCES close_people (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id) ON DELETE SET NULL (created_by)
  )`,
  `CREATE INDEX moments_stakeholder_idx ON moments (org_id, stakeholder_id)`,
  `CREATE TABLE moment_actions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    moment_id uuid NOT NULL,
    occurs_on date NOT NULL,
    user_id uuid NOT NULL,
    experience_id uuid,
    acted_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, moment_id, occurs_on, user_id),
    FOREIGN KEY (org_id, moment_id) REFERENCES moments (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, experience_id) REFERENCES experiences (org_id, id) ON DELETE SET NULL (experience_id)
  )`,
  `CREATE TABLE calendar_feeds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    token_hash text NOT NULL UNIQUE,
    token_prefix text NOT NULL,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    last_used_at timestamptz(3),
    revoked_at timestamptz(3),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
  )`,
  `CREATE UNIQUE INDEX calendar_feeds_active_idx ON calendar_feeds (org_id, user_id) WHERE revoked_at IS NULL`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...JOBS, ...PLANS, ...SELF_CHECK, ...MOMENTS]) await sql.raw(statement).execute(db)
}
