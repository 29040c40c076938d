import { sql, type Kysely } from 'kysely'

// Trust engine speed (issue 3). Score rows are rewritten by every experience write and by each
// full recompute. Dropping the computed_at indexes (the hourly stale-score scan reads a few
// megabytes without them) and leaving free room on every page let PostgreSQL update a score in
// place (a HOT update: no index entry to add, less WAL) instead of writing a new row version
// and two index entries. A stakeholder's experience ids come from the index alone (an index-only
// scan) once it carries them: the refresh after a write reads one index page instead of a heap
// page per experience.
const STATEMENTS = [
  `DROP INDEX experience_stakeholders_stakeholder_idx`,
  `CREATE INDEX experience_stakeholders_stakeholder_idx ON experience_stakeholders (org_id, stakeholder_id, experience_id)`,
  `DROP INDEX relationship_scores_computed_idx`,
  `DROP INDEX stakeholder_scores_computed_idx`,
  `ALTER TABLE relationship_scores SET (fillfactor = 70)`,
  `ALTER TABLE stakeholder_scores SET (fillfactor = 70)`,
  `ALTER TABLE account_scores SET (fillfactor = 70)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE account_scores RESET (fillfactor)`.execute(db)
  await sql`ALTER TABLE stakeholder_scores RESET (fillfactor)`.execute(db)
  await sql`ALTER TABLE relationship_scores RESET (fillfactor)`.execute(db)
  await sql`CREATE INDEX stakeholder_scores_computed_idx ON stakeholder_scores (computed_at)`.execute(db)
  await sql`CREATE INDEX relationship_scores_computed_idx ON relationship_scores (computed_at)`.execute(db)
  await sql`DROP INDEX experience_stakeholders_stakeholder_idx`.execute(db)
  await sql`CREATE INDEX experience_stakeholders_stakeholder_idx ON experience_stakeholders (org_id, stakeholder_id)`.execute(db)
}
