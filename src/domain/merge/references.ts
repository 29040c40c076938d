import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'

// Every other table that points at a stakeholder or an account (moments, plans, survey answers,
// escalations, revenue, …) follows the merge. Read from the catalog, so a table added by a
// later migration is covered without touching the merge: a foreign key (org_id, x_id) →
// target(org_id, id) is all it takes.

type Reference = { table: string; column: string }

async function referencesTo(db: Db, target: 'stakeholders' | 'accounts'): Promise<Reference[]> {
  const { rows } = await sql<Reference>`
    SELECT c.conrelid::regclass::text AS table, a.attname AS column
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[2]
    WHERE c.contype = 'f' AND c.confrelid = ${target}::regclass AND array_length(c.conkey, 1) = 2
    ORDER BY 1, 2`.execute(db)
  return rows
}

/**
 * Point every reference to `fromId` at `toId`, except in the tables the merge handles itself.
 * Returns the tables that changed, for the audit entry.
 */
export async function repointReferences(db: Db, orgId: string, target: 'stakeholders' | 'accounts', fromId: string, toId: string, handled: readonly string[]): Promise<string[]> {
  const changed: string[] = []
  for (const ref of await referencesTo(db, target)) {
    if (handled.includes(ref.table)) continue
    const result = await sql`UPDATE ${sql.table(ref.table)} SET ${sql.ref(ref.column)} = ${toId}::uuid WHERE org_id = ${orgId}::uuid AND ${sql.ref(ref.column)} = ${fromId}::uuid`.execute(db)
    if (Number(result.numAffectedRows ?? 0) > 0) changed.push(`${ref.table}.${ref.column}`)
  }
  return changed
}
