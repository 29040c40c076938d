import { sql, type Kysely } from 'kysely'

// Survey answers are experiences with their own source (issue 7), and each user has a time zone
// so that reminders fall on the user's own day (issue 6).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE experiences DROP CONSTRAINT experiences_source_check`.execute(db)
  await sql`ALTER TABLE experiences ADD CONSTRAINT experiences_source_check CHECK (source IN ('manual', 'email', 'calendar', 'import', 'survey'))`.execute(db)
  await sql`UPDATE experiences e SET source = 'survey', kind = 'survey_answer', external_id = r.id::text
    FROM survey_responses r WHERE r.org_id = e.org_id AND r.experience_id = e.id`.execute(db)
  await sql`ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN time_zone`.execute(db)
  await sql`UPDATE experiences SET source = 'manual', kind = 'other', external_id = NULL WHERE source = 'survey'`.execute(db)
  await sql`ALTER TABLE experiences DROP CONSTRAINT experiences_source_check`.execute(db)
  await sql`ALTER TABLE experiences ADD CONSTRAINT experiences_source_check CHECK (source IN ('manual', 'email', 'calendar', 'import'))`.execute(db)
}
