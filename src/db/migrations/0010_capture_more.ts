import { sql, type Kysely } from 'kysely'

// Capture, continued (issue 5).
// - tend_fold_addresses: addresses folded the way src/domain/email/headers.ts foldAddress folds
//   them (trimmed, lower case, a "+tag" before the last "@" removed). Only pg_catalog functions
//   inside (safe in a generated column on dump and restore).
// - stakeholders.email_keys: the folded addresses, kept by the database (a stored generated
//   column, so statistics exist for the planner and nothing needs keeping in sync), with a GIN
//   index: a contact import looks the stakeholders of a batch up in one indexed query instead of
//   loading every stakeholder of the organisation.
const STATEMENTS = [
  `CREATE FUNCTION tend_fold_addresses(addresses text[]) RETURNS text[]
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
       SELECT coalesce(array_agg(CASE WHEN x.plus > 1 AND x.plus < x.at THEN substr(x.l, 1, x.plus - 1) || substr(x.l, x.at) ELSE x.l END ORDER BY x.n), '{}')
       FROM (
         SELECT u.n, f.l, position('+' in f.l) AS plus,
           CASE WHEN position('@' in reverse(f.l)) = 0 THEN 0 ELSE length(f.l) - position('@' in reverse(f.l)) + 1 END AS at
         FROM unnest(addresses) WITH ORDINALITY AS u (e, n), lower(btrim(u.e, E' \\t\\r\\n')) AS f (l)
       ) x
     $$`,
  `ALTER TABLE stakeholders ADD COLUMN email_keys text[] NOT NULL GENERATED ALWAYS AS (tend_fold_addresses(emails)) STORED`,
  `CREATE INDEX stakeholders_email_keys_idx ON stakeholders USING gin (email_keys) WITH (fastupdate = off)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE stakeholders DROP COLUMN IF EXISTS email_keys`.execute(db)
  await sql`DROP FUNCTION IF EXISTS tend_fold_addresses(text[])`.execute(db)
}
