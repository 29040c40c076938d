import { sql, type Kysely } from 'kysely'

// Frozen: never edit a migration that has shipped; add a new numbered file instead.
// Timestamps keep millisecond precision (timestamptz(3)): the precision of a JS Date, so keyset
// cursors built from a row compare equal to the row itself.
// Every tenant-owned table carries org_id, has UNIQUE (org_id, id), and references other
// tenant rows through composite (org_id, x_id) foreign keys, so a row can never point into
// another organisation, whatever the application code does.
const STATEMENTS = [
  `CREATE EXTENSION IF NOT EXISTS pg_trgm`,

  `CREATE TABLE organisations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    settings jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz(3) NOT NULL DEFAULT now()
  )`,

  `CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('admin', 'manager', 'rep', 'analyst')),
    manager_id uuid,
    password_hash text,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    archived_at timestamptz(3),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, manager_id) REFERENCES users (org_id, id),
    CHECK (manager_id IS NULL OR manager_id <> id)
  )`,
  `CREATE UNIQUE INDEX users_email_key ON users (lower(email))`,
  `CREATE INDEX users_org_manager_idx ON users (org_id, manager_id)`,

  `CREATE TABLE sessions (
    id text PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    csrf_token text NOT NULL,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    expires_at timestamptz(3) NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX sessions_org_user_idx ON sessions (org_id, user_id)`,

  `CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash text NOT NULL UNIQUE,
    token_prefix text NOT NULL,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    last_used_at timestamptz(3),
    revoked_at timestamptz(3),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX api_tokens_org_user_idx ON api_tokens (org_id, user_id)`,

  `CREATE TABLE invitations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'manager', 'rep', 'analyst')),
    manager_id uuid,
    token_hash text NOT NULL UNIQUE,
    invited_by uuid,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    expires_at timestamptz(3) NOT NULL,
    accepted_at timestamptz(3),
    revoked_at timestamptz(3),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, manager_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, invited_by) REFERENCES users (org_id, id)
  )`,
  `CREATE INDEX invitations_org_idx ON invitations (org_id, created_at)`,

  `CREATE TABLE accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    domains text[] NOT NULL DEFAULT '{}',
    tier text NOT NULL DEFAULT 'standard' CHECK (tier IN ('strategic', 'key', 'standard')),
    industry text,
    owner_id uuid,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('prospect', 'active', 'at_risk', 'churned')),
    notes text,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    archived_at timestamptz(3),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES users (org_id, id)
  )`,
  `CREATE INDEX accounts_org_name_idx ON accounts (org_id, lower(name), id)`,
  `CREATE INDEX accounts_org_updated_idx ON accounts (org_id, updated_at, id)`,
  `CREATE INDEX accounts_org_owner_idx ON accounts (org_id, owner_id)`,
  `CREATE INDEX accounts_name_trgm_idx ON accounts USING gin (lower(name) gin_trgm_ops)`,
  `CREATE INDEX accounts_domains_idx ON accounts USING gin (domains)`,

  `CREATE TABLE stakeholders (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id uuid,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    emails text[] NOT NULL DEFAULT '{}',
    phones text[] NOT NULL DEFAULT '{}',
    title text,
    reports_to_id uuid,
    influence smallint NOT NULL DEFAULT 3 CHECK (influence BETWEEN 1 AND 5),
    attitude text NOT NULL DEFAULT 'neutral' CHECK (attitude IN ('champion', 'supporter', 'neutral', 'skeptic', 'detractor')),
    goals text,
    pains text,
    interests text,
    personal_notes text,
    has_consent boolean NOT NULL DEFAULT false,
    consent_at timestamptz(3),
    search_text text NOT NULL DEFAULT '',
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    archived_at timestamptz(3),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id),
    FOREIGN KEY (org_id, reports_to_id) REFERENCES stakeholders (org_id, id),
    CHECK (reports_to_id IS NULL OR reports_to_id <> id),
    CHECK (personal_notes IS NULL OR has_consent)
  )`,
  `CREATE INDEX stakeholders_org_account_idx ON stakeholders (org_id, account_id)`,
  `CREATE INDEX stakeholders_org_name_idx ON stakeholders (org_id, lower(name), id)`,
  `CREATE INDEX stakeholders_org_updated_idx ON stakeholders (org_id, updated_at, id)`,
  `CREATE INDEX stakeholders_search_trgm_idx ON stakeholders USING gin (search_text gin_trgm_ops)`,
  `CREATE INDEX stakeholders_emails_idx ON stakeholders USING gin (emails)`,

  `CREATE TABLE relationships (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    stakeholder_id uuid NOT NULL,
    importance smallint NOT NULL DEFAULT 3 CHECK (importance BETWEEN 1 AND 5),
    cadence_days integer NOT NULL DEFAULT 30 CHECK (cadence_days BETWEEN 1 AND 365),
    target_strength smallint NOT NULL DEFAULT 70 CHECK (target_strength BETWEEN 0 AND 100),
    private_notes text,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    archived_at timestamptz(3),
    UNIQUE (org_id, id),
    UNIQUE (org_id, user_id, stakeholder_id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id)
  )`,
  `CREATE INDEX relationships_org_stakeholder_idx ON relationships (org_id, stakeholder_id)`,

  `CREATE TABLE experiences (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    occurred_at timestamptz(3) NOT NULL,
    kind text NOT NULL,
    valence smallint CHECK (valence BETWEEN -2 AND 2),
    direction text NOT NULL DEFAULT 'mutual' CHECK (direction IN ('we_gave', 'we_asked', 'mutual', 'they_gave')),
    initiator text NOT NULL DEFAULT 'us' CHECK (initiator IN ('us', 'them')),
    depth text NOT NULL DEFAULT 'routine' CHECK (depth IN ('routine', 'meaningful', 'personal')),
    title text,
    notes text,
    source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'email', 'calendar', 'import')),
    external_id text,
    account_id uuid,
    created_by uuid,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    updated_at timestamptz(3) NOT NULL DEFAULT now(),
    archived_at timestamptz(3),
    UNIQUE (org_id, id),
    UNIQUE (org_id, source, external_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id),
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
  )`,
  `CREATE INDEX experiences_org_occurred_idx ON experiences (org_id, occurred_at, id)`,
  `CREATE INDEX experiences_org_account_idx ON experiences (org_id, account_id, occurred_at)`,

  `CREATE TABLE experience_stakeholders (
    org_id uuid NOT NULL,
    experience_id uuid NOT NULL,
    stakeholder_id uuid NOT NULL,
    PRIMARY KEY (org_id, experience_id, stakeholder_id),
    FOREIGN KEY (org_id, experience_id) REFERENCES experiences (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id)
  )`,
  `CREATE INDEX experience_stakeholders_stakeholder_idx ON experience_stakeholders (org_id, stakeholder_id)`,

  `CREATE TABLE experience_users (
    org_id uuid NOT NULL,
    experience_id uuid NOT NULL,
    user_id uuid NOT NULL,
    PRIMARY KEY (org_id, experience_id, user_id),
    FOREIGN KEY (org_id, experience_id) REFERENCES experiences (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
  )`,
  `CREATE INDEX experience_users_user_idx ON experience_users (org_id, user_id)`,

  `CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    actor_id uuid,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid,
    before jsonb,
    after jsonb,
    at timestamptz(3) NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX audit_log_org_entity_idx ON audit_log (org_id, entity_type, entity_id)`,
  `CREATE INDEX audit_log_org_at_idx ON audit_log (org_id, at)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}
