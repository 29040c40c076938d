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

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...JOBS]) await sql.raw(statement).execute(db)
}
