import { sql, type Kysely } from 'kysely'

// Trust engine speed (issue 3): the refresh after every experience write, in one round trip.
//
// tend_trust_entry is one experience of a stakeholder's history as text (the format parseHistory
// reads, see trust/queries.ts): a SQL function the planner inlines, so the full recompute's
// cursor and the refresh below build the same text from one definition at no cost. concat()
// writes an empty string for NULL (unrated, no user). occurredAt is in whole milliseconds, so
// rounding the float epoch (cheaper than extract's numeric) is exact. Kinds have no CHECK
// constraint: one written around the API could hold a separator; any kind outside the vocabulary
// weighs the same in the model, so a blank in its place changes nothing.
//
// tend_trust_scoring_rows takes the refresh's advisory locks and then reads what it scores, in
// one call: a PL/pgSQL function keeps its statements' plans for the session (no planning per
// write) and, being volatile, runs each statement with a new snapshot, so the read sees what
// concurrent refreshes committed before the locks were granted.
export const STATEMENTS = [
  `CREATE FUNCTION tend_trust_entry(p_id uuid, p_at timestamptz, p_valence smallint, p_kind text, p_direction text,
       p_initiator text, p_depth text, p_source text, p_user uuid)
     RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
     SELECT concat(p_id, ',', round(date_part('epoch', p_at) * 1000)::bigint, ',', p_valence, ',',
       replace(replace(p_kind, ',', ' '), ';', ' '), ',', p_direction, ',', p_initiator, ',', p_depth, ',', p_source, ',', p_user)
   $$`,
  `CREATE FUNCTION tend_trust_scoring_rows(p_org uuid, p_stakeholders uuid[], p_accounts uuid[], p_as_of timestamptz)
     RETURNS TABLE (id uuid, account_id uuid, influence smallint, is_active boolean, relationships json, is_given boolean,
       score double precision, score_28d double precision, state text, experience_count integer, history text)
     LANGUAGE plpgsql AS $$
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
           SELECT string_agg(tend_trust_entry(e.id, e.occurred_at, e.valence, e.kind, e.direction, e.initiator, e.depth, e.source, eu.user_id), ';')
           FROM experience_stakeholders es
             JOIN experiences e ON e.org_id = es.org_id AND e.id = es.experience_id
             LEFT JOIN experience_users eu ON eu.org_id = e.org_id AND eu.experience_id = e.id
           WHERE es.org_id = s.org_id AND es.stakeholder_id = s.id AND e.archived_at IS NULL AND e.occurred_at <= p_as_of) END
       FROM people s
       LEFT JOIN given g ON g.id = s.id
       LEFT JOIN stakeholder_scores ss ON ss.org_id = s.org_id AND ss.stakeholder_id = s.id;
   END $$`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION tend_trust_scoring_rows(uuid, uuid[], uuid[], timestamptz)`.execute(db)
  await sql`DROP FUNCTION tend_trust_entry(uuid, timestamptz, smallint, text, text, text, text, text, uuid)`.execute(db)
}
