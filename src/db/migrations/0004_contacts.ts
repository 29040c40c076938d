import { sql, type Kysely } from 'kysely'

// Frozen. Background import jobs: an uploaded file waits here (its bytes in the row, so a job
// survives a restart) until the server's worker imports it; the report is kept with the job.
const STATEMENTS = [
  `CREATE TABLE import_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_by uuid NOT NULL,
    filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    format text,
    options jsonb NOT NULL DEFAULT '{}'::jsonb,
    content bytea,
    size_bytes bigint NOT NULL,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    report jsonb,
    error text,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    started_at timestamptz(3),
    finished_at timestamptz(3),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
  )`,
  `CREATE INDEX import_jobs_org_created_idx ON import_jobs (org_id, created_at DESC)`,
  `CREATE INDEX import_jobs_pending_idx ON import_jobs (created_at) WHERE status IN ('queued', 'running')`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}
