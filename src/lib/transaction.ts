import type { Db } from '../db/connect.ts'

/**
 * Run `fn` in a transaction: the caller's when `db` already is one (a service called from another
 * service's transaction), a new one otherwise. Kysely does not nest transactions.
 */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn)
}
