import { sql, type Kysely } from 'kysely'

// Frozen. Accountability, business outcomes and KPIs (issue 8):
// - reporting_lines: the history of who reported to whom, kept by a trigger on users, so a
//   team's KPIs of a past week count the people who were in it then;
// - revenue_entries / opportunities: business outcomes per account, every amount with its
//   currency (never summed across currencies without a stated rate);
// - kpi_snapshots: weekly KPIs per scope (org, team, user, tier, account), rebuilt from history;
// - reviews / review_commitments: manager 1:1 relationship reviews and what was promised;
// - programmes / programme_members: cohorts enrolled in a relationship programme.
const STATEMENTS = [
  `CREATE TABLE reporting_lines (
    org_id uuid NOT NULL,
    user_id uuid NOT NULL,
    manager_id uuid,
    valid_from timestamptz(3) NOT NULL,
    valid_to timestamptz(3),
    PRIMARY KEY (org_id, user_id, valid_from),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, manager_id) REFERENCES users (org_id, id) ON DELETE CASCADE,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
  )`,
  // Everyone's current line, from when they joined: history starts here.
  `INSERT INTO reporting_lines (org_id, user_id, manager_id, valid_from)
     SELECT org_id, id, manager_id, created_at FROM users`,
  `CREATE FUNCTION tend_record_reporting_line() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       INSERT INTO reporting_lines (org_id, user_id, manager_id, valid_from) VALUES (NEW.org_id, NEW.id, NEW.manager_id, NEW.created_at);
     ELSIF NEW.manager_id IS DISTINCT FROM OLD.manager_id THEN
       UPDATE reporting_lines SET valid_to = clock_timestamp()
         WHERE org_id = NEW.org_id AND user_id = NEW.id AND valid_to IS NULL;
       INSERT INTO reporting_lines (org_id, user_id, manager_id, valid_from) VALUES (NEW.org_id, NEW.id, NEW.manager_id, clock_timestamp())
         ON CONFLICT (org_id, user_id, valid_from) DO UPDATE SET manager_id = EXCLUDED.manager_id, valid_to = NULL;
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER users_reporting_line AFTER INSERT OR UPDATE OF manager_id ON users
     FOR EACH ROW EXECUTE FUNCTION tend_record_reporting_line()`,

  `CREATE TABLE revenue_entries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id uuid NOT NULL,
    booked_on date NOT NULL,
    amount numeric(18, 2) NOT NULL,
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    source text NOT NULL CHECK (length(source) BETWEEN 1 AND 40),
    external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    description text,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, source, external_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
  )`,
  // Covering indexes: the outcome and ROI aggregates read them without touching the table.
  `CREATE INDEX revenue_entries_account_idx ON revenue_entries (org_id, account_id, booked_on) INCLUDE (currency, amount)`,
  `CREATE INDEX revenue_entries_booked_idx ON revenue_entries (org_id, booked_on) INCLUDE (account_id, currency, amount)`,

  `CREATE TABLE opportunities (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('lead', 'opportunity', 'rfp')),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    stage text NOT NULL CHECK (length(stage) BETWEEN 1 AND 60),
    status text NOT NULL CHECK (status IN ('open', 'won', 'lost', 'retained')),
    value numeric(18, 2),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    opened_on date NOT NULL,
    closed_on date,
    owner_name text,
    source text NOT NULL CHECK (length(source) BETWEEN 1 AND 40),
    external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, source, external_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    CHECK (status <> 'retained' OR kind = 'rfp'),
    CHECK (closed_on IS NULL OR closed_on >= opened_on)
  )`,
  `CREATE INDEX opportunities_account_idx ON opportunities (org_id, account_id, opened_on)`,
  `CREATE INDEX opportunities_opened_idx ON opportunities (org_id, opened_on)`,

  // One row per (scope, week). scope_id is '' for the organisation, a user id for user and team
  // (the team of that manager), the tier name, or an account id. Amounts are per currency.
  `CREATE TABLE kpi_snapshots (
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    scope_type text NOT NULL CHECK (scope_type IN ('org', 'team', 'user', 'tier', 'account')),
    scope_id text NOT NULL,
    week_start date NOT NULL,
    people integer NOT NULL,
    relationships integer NOT NULL,
    key_relationships integer NOT NULL,
    key_covered integer NOT NULL,
    trust_avg double precision,
    trust_bands integer[] NOT NULL,
    cold_count integer NOT NULL,
    experiences integer NOT NULL,
    gave integer NOT NULL,
    asked integer NOT NULL,
    escalations integer NOT NULL,
    referrals integer NOT NULL,
    revenue jsonb NOT NULL,
    new_opportunities integer NOT NULL,
    new_opportunity_value jsonb NOT NULL,
    computed_at timestamptz(3) NOT NULL,
    PRIMARY KEY (org_id, scope_type, scope_id, week_start)
  )`,
  // Cross-scope reads of one week (all users in week W, all accounts in week W).
  `CREATE INDEX kpi_snapshots_week_idx ON kpi_snapshots (org_id, scope_type, week_start)`,

  `CREATE TABLE reviews (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    manager_id uuid NOT NULL,
    report_id uuid NOT NULL,
    held_on date NOT NULL,
    notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, manager_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, report_id) REFERENCES users (org_id, id),
    CHECK (manager_id <> report_id)
  )`,
  `CREATE INDEX reviews_report_idx ON reviews (org_id, report_id, held_on)`,
  `CREATE TABLE review_commitments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL,
    review_id uuid NOT NULL,
    owner_id uuid NOT NULL,
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    due_on date,
    done_at timestamptz(3),
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, review_id) REFERENCES reviews (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, owner_id) REFERENCES users (org_id, id)
  )`,
  `CREATE INDEX review_commitments_open_idx ON review_commitments (org_id, owner_id, due_on) WHERE done_at IS NULL`,

  `CREATE TABLE programmes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    started_on date NOT NULL,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id)
  )`,
  `CREATE TABLE programme_members (
    org_id uuid NOT NULL,
    programme_id uuid NOT NULL,
    user_id uuid NOT NULL,
    enrolled_on date NOT NULL,
    PRIMARY KEY (org_id, programme_id, user_id),
    FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
  )`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}
