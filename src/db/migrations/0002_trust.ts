import { sql, type Kysely } from 'kysely'

// Frozen. Materialised trust scores: what lists, sorting and cold alerts read. Each row is the
// score as of computed_at; writes to experiences refresh the rows they touch in the same
// transaction, and a periodic refresh applies time decay (see docs/trust-model.md).
const STATEMENTS = [
  `CREATE TABLE relationship_scores (
    org_id uuid NOT NULL,
    relationship_id uuid NOT NULL,
    score double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    score_28d double precision NOT NULL,
    state text NOT NULL CHECK (state IN ('warming', 'steady', 'cooling', 'cold')),
    last_meaningful_at timestamptz(3),
    experience_count integer NOT NULL,
    computed_at timestamptz(3) NOT NULL,
    PRIMARY KEY (org_id, relationship_id),
    FOREIGN KEY (org_id, relationship_id) REFERENCES relationships (org_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX relationship_scores_computed_idx ON relationship_scores (computed_at)`,

  `CREATE TABLE stakeholder_scores (
    org_id uuid NOT NULL,
    stakeholder_id uuid NOT NULL,
    score double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    score_28d double precision NOT NULL,
    state text NOT NULL CHECK (state IN ('warming', 'steady', 'cooling', 'cold')),
    last_meaningful_at timestamptz(3),
    cadence_days integer NOT NULL,
    experience_count integer NOT NULL,
    computed_at timestamptz(3) NOT NULL,
    PRIMARY KEY (org_id, stakeholder_id),
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX stakeholder_scores_computed_idx ON stakeholder_scores (computed_at)`,

  `CREATE TABLE account_scores (
    org_id uuid NOT NULL,
    account_id uuid NOT NULL,
    score double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    score_28d double precision NOT NULL,
    state text NOT NULL CHECK (state IN ('warming', 'steady', 'cooling', 'cold')),
    stakeholder_count integer NOT NULL,
    computed_at timestamptz(3) NOT NULL,
    PRIMARY KEY (org_id, account_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX account_scores_org_score_idx ON account_scores (org_id, score, account_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}
