import { sql, type Kysely } from 'kysely'
import { STATEMENTS as TEXT_HISTORY } from './0013_trust_refresh_function.ts'

// Trust engine speed (issue 3): histories as fixed-width binary entries instead of text.
//
// tend_trust_entry (migration 0013 wrote it as comma-separated text) now gives one experience of
// a stakeholder's history, for one of our people, as 64 bytes that parseHistory (trust/scoring.ts)
// reads at fixed offsets with no splitting and no number parsing:
//   0  36 bytes  the experience's id as text (JavaScript takes it as is, a string with no formatting)
//   36  8 bytes  occurredAt, epoch milliseconds, signed big-endian (whole milliseconds: the column
//                is timestamptz(3), so rounding the float epoch, cheaper than extract's numeric, is exact)
//   44  4 bytes  experiences.trust_codes, big-endian
//   48 16 bytes  the user's id as binary, sixteen zero bytes when the experience has no user
// A history is the entries of its stakeholder concatenated (string_agg on bytea) in no particular
// order: parseHistory sorts them.
//
// experiences.trust_codes is the experience's valence and words as small codes, a generated
// column: computed once when an experience is written rather than by every recompute (comparing
// the words there cost more than the rest of the entry: 5 of 10 s at full scale on PGlite).
// valence + 3 (0 when unrated) in bits 0-2, then 1 + the word's index in its list (0 for a word
// outside it) for kind (bits 3-7), direction (8-10), initiator (11-12), depth (13-14) and source
// (15-17). The lists are those of experiences/vocabulary.ts at the time of writing, in its order;
// a word added there needs a migration here (trust.test.ts checks every word against the decoder).
// Kinds have no CHECK constraint: any kind outside the vocabulary weighs the same in the model,
// so its code 0 (read back as an empty kind) changes nothing.
//
// Why: the full recompute spent more than half its time building, sending and splitting text
// (docs/benchmarks.md). JavaScript now reads two strings and two numbers per entry.
//
// tend_trust_scoring_rows is migration 0013's, with the history as bytea, and planned once per
// session: PL/pgSQL otherwise plans its query afresh on every call (a custom plan for each array
// of ids looked cheaper than the generic one), which was more than half of the call (2.2 ms
// against 0.95 ms at bench:trust's full scale). JIT is off for it: the generic plan's higher
// cost estimate would otherwise compile it, 30 ms per call.
const WORDS = {
  kind: ['meeting', 'call', 'email', 'message', 'meal', 'visit', 'event', 'introduction', 'insight', 'help', 'gift', 'invitation', 'personal_moment', 'referral', 'service_failure', 'escalation', 'complaint', 'survey_answer', 'other'],
  direction: ['we_gave', 'we_asked', 'mutual', 'they_gave'],
  initiator: ['us', 'them'],
  depth: ['routine', 'meaningful', 'personal'],
  source: ['manual', 'email', 'calendar', 'import', 'survey'],
}
const code = (word: keyof typeof WORDS, shift: number) =>
  `(CASE ${word} ${WORDS[word].map((w, i) => `WHEN '${w}' THEN ${i + 1}`).join(' ')} ELSE 0 END << ${shift})`

/** The valence and words of an experience as codes, an expression over its columns (migration 0015 stores it within experiences.trust_entry). */
export const TRUST_CODES = `coalesce(valence + 3, 0) | ${code('kind', 3)}
       | ${code('direction', 8)} | ${code('initiator', 11)} | ${code('depth', 13)} | ${code('source', 15)}`

/** tend_trust_scoring_rows with `entry` as the history entry of experience e and user eu (migration 0015 gives another). */
export const scoringRowsFunction = (entry: string) => `CREATE OR REPLACE FUNCTION tend_trust_scoring_rows(p_org uuid, p_stakeholders uuid[], p_accounts uuid[], p_as_of timestamptz)
     RETURNS TABLE (id uuid, account_id uuid, influence smallint, is_active boolean, relationships json, is_given boolean,
       score double precision, score_28d double precision, state text, experience_count integer, history bytea)
     LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET jit = off AS $$
   #variable_conflict use_column
   BEGIN
     -- One lock per account (per stakeholder without one), taken in one order: no deadlock.
     PERFORM pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (
         SELECT 'trust:' || coalesce(s.account_id, s.id)::text AS k FROM stakeholders s WHERE s.org_id = p_org AND s.id = ANY(p_stakeholders)
         UNION SELECT 'trust:' || a::text FROM unnest(p_accounts) AS a
       ) AS keys ORDER BY k;
     -- The given stakeholders with their histories; the other stakeholders of their accounts and of
     -- p_accounts with their stored scores. Accounts first, then their stakeholders by account (an
     -- OR across both sets would scan), and the given stakeholders without an account.
     RETURN QUERY
       WITH given AS (SELECT s.id, s.account_id FROM stakeholders s WHERE s.org_id = p_org AND s.id = ANY(p_stakeholders)),
         people AS (
           SELECT s.* FROM stakeholders s WHERE s.org_id = p_org AND s.account_id IN (SELECT g.account_id FROM given g UNION SELECT unnest(p_accounts))
           UNION ALL SELECT s.* FROM stakeholders s WHERE s.org_id = p_org AND s.id IN (SELECT g.id FROM given g WHERE g.account_id IS NULL))
       SELECT s.id, s.account_id, s.influence, s.archived_at IS NULL,
         (SELECT coalesce(json_agg(json_build_array(r.id, r.user_id, r.cadence_days, r.importance, r.archived_at IS NULL)), '[]')
           FROM relationships r WHERE r.org_id = s.org_id AND r.stakeholder_id = s.id),
         g.id IS NOT NULL, ss.score, ss.score_28d, ss.state, ss.experience_count,
         CASE WHEN g.id IS NOT NULL THEN (
           SELECT string_agg(${entry}, ''::bytea)
           FROM experience_stakeholders es
             JOIN experiences e ON e.org_id = es.org_id AND e.id = es.experience_id
             LEFT JOIN experience_users eu ON eu.org_id = e.org_id AND eu.experience_id = e.id
           WHERE es.org_id = s.org_id AND es.stakeholder_id = s.id AND e.archived_at IS NULL AND e.occurred_at <= p_as_of) END
       FROM people s
       LEFT JOIN given g ON g.id = s.id
       LEFT JOIN stakeholder_scores ss ON ss.org_id = s.org_id AND ss.stakeholder_id = s.id;
   END $$`

export const ENTRY_FUNCTION = `CREATE FUNCTION tend_trust_entry(p_id uuid, p_at timestamptz, p_codes integer, p_user uuid)
     RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
     SELECT convert_to(p_id::text, 'UTF8') || int8send(round(date_part('epoch', p_at) * 1000)::bigint) || int4send(p_codes)
       || coalesce(uuid_send(p_user), '\\x00000000000000000000000000000000'::bytea)
   $$`

const STATEMENTS = [
  `DROP FUNCTION tend_trust_scoring_rows(uuid, uuid[], uuid[], timestamptz)`,
  `DROP FUNCTION tend_trust_entry(uuid, timestamptz, smallint, text, text, text, text, text, uuid)`,
  `ALTER TABLE experiences ADD COLUMN trust_codes integer NOT NULL GENERATED ALWAYS AS (${TRUST_CODES}) STORED`,
  ENTRY_FUNCTION,
  scoringRowsFunction('tend_trust_entry(e.id, e.occurred_at, e.trust_codes, eu.user_id)'),
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION tend_trust_scoring_rows(uuid, uuid[], uuid[], timestamptz)`.execute(db)
  await sql`DROP FUNCTION tend_trust_entry(uuid, timestamptz, integer, uuid)`.execute(db)
  await sql`ALTER TABLE experiences DROP COLUMN trust_codes`.execute(db)
  for (const statement of TEXT_HISTORY) await sql.raw(statement).execute(db)
}
