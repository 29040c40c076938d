import { sql, type Kysely } from 'kysely'

// Trust engine speed (issue 3): the foreign keys of relationship_scores and stakeholder_scores
// become delete triggers.
//
// A full recompute of an organisation without stored scores (after an import, or a new
// database) inserts a score row per relationship and per stakeholder; each foreign-key check
// looked up its relationship or stakeholder and locked it (FOR KEY SHARE, a WAL record per row):
// 1.7 s of 15.9 s on PGlite at bench:trust's scale (100,000 of each). Score rows are derived, and
// only the trust engine writes them, for relationships and stakeholders it has just read. What
// the keys also did, remove a score with its relationship or stakeholder (a merge deletes folded
// relationships; an organisation's deletion cascades), statement triggers now do.
//
// A refresh that read a relationship just before a concurrent merge deleted it can now leave its
// score row behind, where the key made that write fail. Every reader joins scores to their
// relationships or stakeholders, so such a row is never shown.
const TABLES = [
  { scores: 'relationship_scores', column: 'relationship_id', owner: 'relationships', fk: 'relationship_scores_org_id_relationship_id_fkey' },
  { scores: 'stakeholder_scores', column: 'stakeholder_id', owner: 'stakeholders', fk: 'stakeholder_scores_org_id_stakeholder_id_fkey' },
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES) {
    await sql.raw(`ALTER TABLE ${t.scores} DROP CONSTRAINT ${t.fk}`).execute(db)
    await sql.raw(`CREATE FUNCTION tend_trust_drop_${t.scores}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM ${t.scores} s USING old_rows o WHERE s.org_id = o.org_id AND s.${t.column} = o.id;
        RETURN NULL;
      END $$`).execute(db)
    await sql.raw(`CREATE TRIGGER trust_drop_${t.scores} AFTER DELETE ON ${t.owner} REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tend_trust_drop_${t.scores}()`).execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES) {
    await sql.raw(`DROP TRIGGER trust_drop_${t.scores} ON ${t.owner}`).execute(db)
    await sql.raw(`DROP FUNCTION tend_trust_drop_${t.scores}()`).execute(db)
    await sql.raw(`DELETE FROM ${t.scores} s WHERE NOT EXISTS (SELECT FROM ${t.owner} o WHERE o.org_id = s.org_id AND o.id = s.${t.column})`).execute(db)
    await sql.raw(`ALTER TABLE ${t.scores} ADD CONSTRAINT ${t.fk} FOREIGN KEY (org_id, ${t.column}) REFERENCES ${t.owner} (org_id, id) ON DELETE CASCADE`).execute(db)
  }
}
