import { sql, type Kysely } from 'kysely'
import { ENTRY_FUNCTION, scoringRowsFunction, TRUST_CODES } from './0014_trust_binary_history.ts'

// Trust engine speed (issue 3): each experience's part of its history entries, stored with it.
//
// experiences.trust_entry is bytes 0-47 of the 64-byte history entry of migration 0014 (the id as
// text, epoch milliseconds, the codes), a generated column computed when the experience is
// written; a history entry is then that and the user's 16 bytes. Building the entry from the
// columns took seven function calls per experience and user in every recompute, which on PGlite
// (WebAssembly, one thread) cost more than the rest of the pass. The epoch comes from an interval
// (immutable, as a stored column needs; a timestamptz's own epoch is only stable), the same
// number: an interval's epoch counts days of 86,400 seconds, as the timestamp's does.
//
// trust_codes goes: its codes are inside trust_entry (a generated column cannot read another).
// tend_trust_entry(entry, user) is the history entry of an experience and one of our people.

const ZEROS = `'\\x00000000000000000000000000000000'::bytea`

const STATEMENTS = [
  `DROP FUNCTION tend_trust_entry(uuid, timestamptz, integer, uuid)`,
  `ALTER TABLE experiences DROP COLUMN trust_codes,
     ADD COLUMN trust_entry bytea NOT NULL GENERATED ALWAYS AS (decode(id::text, 'escape')
       || int8send(round(date_part('epoch', occurred_at - timestamptz '1970-01-01 00:00:00+00') * 1000)::bigint)
       || int4send(${TRUST_CODES})) STORED`,
  `CREATE FUNCTION tend_trust_entry(p_entry bytea, p_user uuid) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$ SELECT p_entry || coalesce(uuid_send(p_user), ${ZEROS}) $$`,
  scoringRowsFunction('tend_trust_entry(e.trust_entry, eu.user_id)'),
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION tend_trust_entry(bytea, uuid)`.execute(db)
  await sql.raw(`ALTER TABLE experiences DROP COLUMN trust_entry, ADD COLUMN trust_codes integer NOT NULL GENERATED ALWAYS AS (${TRUST_CODES}) STORED`).execute(db)
  await sql.raw(ENTRY_FUNCTION).execute(db)
  await sql.raw(scoringRowsFunction('tend_trust_entry(e.id, e.occurred_at, e.trust_codes, eu.user_id)')).execute(db)
}
