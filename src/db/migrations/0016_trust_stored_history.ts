import { sql, type Kysely } from 'kysely'
import { scoringRowsFunction } from './0014_trust_binary_history.ts'

// Trust engine speed (issue 3): each stakeholder's history stored whole.
//
// A refresh after an experience write read the stakeholder's history from its experiences: for 20
// experiences about 60 index and heap pages (experience_stakeholders, experiences,
// experience_users), and more the more experiences the stakeholder has. stakeholder_histories
// holds the same bytes (one 44-byte entry per experience and user of ours, in no particular order,
// migration 0015) as one value: a refresh reads one row.
//
// Who keeps it current:
// - The experience service (create, edit, archive, restore) patches it. It says so for its
//   transaction (the setting tend.trust_patch = 'on'), writes, then refreshes with the ids of the
//   experiences it changed: tend_trust_scoring_rows returns, with each stored history, the entries
//   those experiences now give (`changes`); JavaScript drops their old entries, appends these, and
//   stores the result with the scores. The refresh clears the setting.
// - Any other writer (imports, merges, cascades, SQL by hand): statement triggers on
//   experience_stakeholders, experience_users and experiences (a change of entry or archiving)
//   delete the stored histories of the stakeholders concerned. The next refresh of each builds it
//   again from the experiences and stores it; so does the first refresh of a new stakeholder.
// Histories keep every active experience, future-dated ones too: scoring drops the entries after
// the time it scores as of.
//
// Locks: the triggers take the trust lock of the stakeholders' accounts (tend_trust_lock, as a
// refresh does) before deleting; a refresh reads after taking it, in a statement of its own. So a
// refresh that builds a missing history cannot miss an experience another transaction is writing:
// the writer holds the lock until it commits.
//
// The history is stored uncompressed (EXTERNAL): its ids do not compress, and a patch rewrites it.
const ENTRY = 'tend_trust_entry(e.trust_entry, eu.user_id)'
const SOURCE = `experience_stakeholders es
         JOIN experiences e ON e.org_id = es.org_id AND e.id = es.experience_id
         LEFT JOIN experience_users eu ON eu.org_id = e.org_id AND eu.experience_id = e.id`
const LOCK_KEY = `'trust:' || coalesce(s.account_id, s.id)::text`
const PATCHED = `current_setting('tend.trust_patch', true) = 'on'`
const STORED = 'SELECT h.history FROM stakeholder_histories h WHERE h.org_id = s.org_id AND h.stakeholder_id = s.id'

/**
 * The refresh's read: 0014's, with the stored history (built from the experiences when missing)
 * and the entries of the experiences in p_changed. Scalar subqueries, not a join: a lateral
 * join's guessed row count led the generic plan to hash every stored score (88 ms a call at
 * bench:trust's full scale).
 */
export const SCORING_ROWS = scoringRowsFunction(ENTRY)
  .replace('tend_trust_scoring_rows(p_org uuid, p_stakeholders uuid[], p_accounts uuid[], p_as_of timestamptz)', 'tend_trust_scoring_rows(p_org uuid, p_stakeholders uuid[], p_accounts uuid[], p_changed uuid[])')
  .replace('experience_count integer, history bytea)', 'experience_count integer, history bytea, history_built boolean, changes bytea)')
  .replace('     -- The given stakeholders with their histories;', `     -- The caller patches what it wrote with what this returns; other writes are for the triggers again.
     PERFORM set_config('tend.trust_patch', '', true);
     -- The given stakeholders with their histories;`)
  .replace(/CASE WHEN g\.id IS NOT NULL THEN \([\s\S]*?p_as_of\) END\n/, `CASE WHEN g.id IS NOT NULL THEN coalesce((${STORED}), (
           SELECT coalesce(string_agg(${ENTRY}, ''::bytea), ''::bytea) FROM ${SOURCE}
           WHERE es.org_id = s.org_id AND es.stakeholder_id = s.id AND e.archived_at IS NULL)) END,
         CASE WHEN g.id IS NOT NULL THEN NOT EXISTS (${STORED}) END,
         CASE WHEN g.id IS NOT NULL AND cardinality(p_changed) > 0 THEN (
           SELECT coalesce(string_agg(${ENTRY}, ''::bytea), ''::bytea) FROM ${SOURCE}
           WHERE es.org_id = s.org_id AND es.stakeholder_id = s.id AND es.experience_id = ANY(p_changed) AND e.archived_at IS NULL) END
`)

/**
 * A statement trigger's function: the `column` of the rows the statement changed (inserted,
 * deleted, or both sides of an update), per organisation, handed to `forget`.
 */
function forgetTrigger(name: string, column: string, forget: string) {
  const changed = (rows: string) => `FOR r IN SELECT org_id, array_agg(DISTINCT ${column}) AS ids FROM (${rows}) AS t GROUP BY org_id LOOP
         PERFORM ${forget}(r.org_id, r.ids);
       END LOOP;`
  const from = (table: string) => `SELECT org_id, ${column} FROM ${table}`
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     r record;
   BEGIN
     IF ${PATCHED} THEN RETURN NULL; END IF;
     IF TG_OP = 'INSERT' THEN
       ${changed(from('new_rows'))}
     ELSIF TG_OP = 'DELETE' THEN
       ${changed(from('old_rows'))}
     ELSE
       ${changed(`${from('old_rows')} UNION ALL ${from('new_rows')}`)}
     END IF;
     RETURN NULL;
   END $$`
}

const TRANSITIONS = { INSERT: 'NEW TABLE AS new_rows', DELETE: 'OLD TABLE AS old_rows', UPDATE: 'OLD TABLE AS old_rows NEW TABLE AS new_rows' }
const TRIGGERS = [
  ['trust_history_links_inserted', 'experience_stakeholders', 'INSERT', 'tend_trust_links_changed'],
  ['trust_history_links_deleted', 'experience_stakeholders', 'DELETE', 'tend_trust_links_changed'],
  ['trust_history_links_updated', 'experience_stakeholders', 'UPDATE', 'tend_trust_links_changed'],
  ['trust_history_people_inserted', 'experience_users', 'INSERT', 'tend_trust_people_changed'],
  ['trust_history_people_deleted', 'experience_users', 'DELETE', 'tend_trust_people_changed'],
  ['trust_history_people_updated', 'experience_users', 'UPDATE', 'tend_trust_people_changed'],
  ['trust_history_experiences_updated', 'experiences', 'UPDATE', 'tend_trust_experiences_changed'],
] as const

export const STATEMENTS = [
  `CREATE TABLE stakeholder_histories (
    org_id uuid NOT NULL,
    stakeholder_id uuid NOT NULL,
    history bytea NOT NULL,
    PRIMARY KEY (org_id, stakeholder_id),
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE
  )`,
  `ALTER TABLE stakeholder_histories ALTER COLUMN history SET STORAGE EXTERNAL`,
  `INSERT INTO stakeholder_histories (org_id, stakeholder_id, history)
     SELECT es.org_id, es.stakeholder_id, string_agg(${ENTRY}, ''::bytea) FROM ${SOURCE}
     WHERE e.archived_at IS NULL GROUP BY es.org_id, es.stakeholder_id`,

  // The trust lock of these stakeholders' accounts, in one order (no deadlock between callers).
  `CREATE FUNCTION tend_trust_lock(p_org uuid, p_stakeholders uuid[]) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (
       SELECT DISTINCT ${LOCK_KEY} AS k FROM stakeholders s WHERE s.org_id = p_org AND s.id = ANY(p_stakeholders)) AS keys ORDER BY k;
   END $$`,

  // Triggers: whoever changes experiences' links, people, entries or archiving without patching
  // the histories itself drops those of the stakeholders concerned, under their trust lock.
  `CREATE FUNCTION tend_trust_forget(p_org uuid, p_stakeholders uuid[]) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM tend_trust_lock(p_org, p_stakeholders);
     DELETE FROM stakeholder_histories h WHERE h.org_id = p_org AND h.stakeholder_id = ANY(p_stakeholders);
   END $$`,

  `CREATE FUNCTION tend_trust_forget_of_experiences(p_org uuid, p_experiences uuid[]) RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
     affected uuid[];
   BEGIN
     SELECT array_agg(DISTINCT es.stakeholder_id) INTO affected FROM experience_stakeholders es WHERE es.org_id = p_org AND es.experience_id = ANY(p_experiences);
     IF affected IS NOT NULL THEN PERFORM tend_trust_forget(p_org, affected); END IF;
   END $$`,

  forgetTrigger('tend_trust_links_changed', 'stakeholder_id', 'tend_trust_forget'),
  forgetTrigger('tend_trust_people_changed', 'experience_id', 'tend_trust_forget_of_experiences'),

  // Only a change of entry (time, valence, words) or of archiving changes a history.
  `CREATE FUNCTION tend_trust_experiences_changed() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     r record;
   BEGIN
     IF ${PATCHED} THEN RETURN NULL; END IF;
     FOR r IN SELECT n.org_id, array_agg(n.id) AS x FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id
         WHERE n.trust_entry <> o.trust_entry OR n.archived_at IS DISTINCT FROM o.archived_at GROUP BY n.org_id LOOP
       PERFORM tend_trust_forget_of_experiences(r.org_id, r.x);
     END LOOP;
     RETURN NULL;
   END $$`,

  ...TRIGGERS.map(([trigger, table, event, fn]) => `CREATE TRIGGER ${trigger} AFTER ${event} ON ${table} REFERENCING ${TRANSITIONS[event]}
     FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`),

  `DROP FUNCTION tend_trust_scoring_rows(uuid, uuid[], uuid[], timestamptz)`,
  SCORING_ROWS,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!SCORING_ROWS.includes('ANY(p_changed)') || !SCORING_ROWS.includes('set_config') || SCORING_ROWS.includes('p_as_of')) throw new Error('0016: the refresh function was not rewritten')
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION tend_trust_scoring_rows(uuid, uuid[], uuid[], uuid[])`.execute(db)
  await sql.raw(scoringRowsFunction(ENTRY)).execute(db)
  for (const [trigger, table] of TRIGGERS) await sql.raw(`DROP TRIGGER ${trigger} ON ${table}`).execute(db)
  for (const f of ['tend_trust_experiences_changed()', 'tend_trust_people_changed()', 'tend_trust_links_changed()', 'tend_trust_forget_of_experiences(uuid, uuid[])',
    'tend_trust_forget(uuid, uuid[])', 'tend_trust_lock(uuid, uuid[])']) await sql.raw(`DROP FUNCTION ${f}`).execute(db)
  await sql`DROP TABLE stakeholder_histories`.execute(db)
}
