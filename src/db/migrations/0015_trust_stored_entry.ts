import { sql, type Kysely } from 'kysely'
import { ENTRY_FUNCTION, scoringRowsFunction, TRUST_CODES } from './0014_trust_binary_history.ts'

// Trust engine speed (issue 3): each experience's part of its history entries, stored with it.
//
// A history entry (parseHistory in trust/scoring.ts reads it at fixed offsets) is now 44 bytes:
//   0  16 bytes  the experience's id, binary (it was 36 bytes of text in 0014)
//   16  8 bytes  occurredAt, epoch milliseconds, signed big-endian
//   24  4 bytes  the valence and words as codes (migration 0014's trust_codes), big-endian
//   28 16 bytes  the user's id, sixteen zero bytes when the experience has no user
// The first 28 are stored with the experience, the generated column experiences.trust_entry,
// computed when it is written; an entry is that and the user's 16 bytes. Building it from the
// columns took seven function calls per experience and user in every recompute, which on PGlite
// (WebAssembly, one thread) cost more than the rest of the pass; and the shorter entry is a third
// fewer bytes to aggregate, store and send (PostgreSQL's build of every history at full scale:
// 8.8 → 6.4–7.0 s). The epoch comes from an interval (immutable, as a stored column needs; a
// timestamptz's own epoch is only stable), the same number: an interval's epoch counts days of
// 86,400 seconds, as the timestamp's does.
//
// trust_codes goes: its codes are inside trust_entry (a generated column cannot read another).
// tend_trust_entry(entry, user) is the history entry of an experience and one of our people.

const ZEROS = `'\\x00000000000000000000000000000000'::bytea`

const STATEMENTS = [
  `DROP FUNCTION tend_trust_entry(uuid, timestamptz, integer, uuid)`,
  `ALTER TABLE experiences DROP COLUMN trust_codes,
     ADD COLUMN trust_entry bytea NOT NULL GENERATED ALWAYS AS (uuid_send(id)
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
