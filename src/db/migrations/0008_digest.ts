import { sql, type Kysely } from 'kysely'

// Weekly digest e-mails (issue 8): each user may opt out.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN digest_opt_out boolean NOT NULL DEFAULT false`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN digest_opt_out`.execute(db)
}
