import { sql, type RawBuilder } from 'kysely'
import { decodeCursor, type Cursor } from './pagination.ts'

/** A sortable column: the SQL expression ordered on and how to read its value off a row for the cursor. */
export type SortSpec<R> = { expr: RawBuilder<unknown>; valueOf: (row: R) => string | number }
export type SortKey = { spec: string; desc: boolean }

export function parseSort(sort: string | undefined, fallback: string): SortKey {
  const s = sort ?? fallback
  return s.startsWith('-') ? { spec: s.slice(1), desc: true } : { spec: s, desc: false }
}

/**
 * The WHERE and ORDER BY of keyset pagination over (expr, id): stable under inserts, fast on an
 * index on (org_id, expr, id), unlike OFFSET.
 */
export function keyset<R>(spec: SortSpec<R>, desc: boolean, rawCursor: string | undefined, idColumn = 'id') {
  const id = sql.ref(idColumn)
  const cursor: Cursor | undefined = decodeCursor(rawCursor)
  const op = sql.raw(desc ? '<' : '>')
  const dir = sql.raw(desc ? 'desc' : 'asc')
  const where = cursor ? sql<boolean>`(${spec.expr}, ${id}) ${op} (${cursor.v}, ${cursor.id}::uuid)` : sql<boolean>`true`
  return {
    where,
    orderBy: sql`${spec.expr} ${dir}, ${id} ${dir}`,
    cursorOf: (row: R & { id: string }): Cursor => ({ v: spec.valueOf(row), id: row.id }),
  }
}
