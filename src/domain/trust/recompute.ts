import type { Db } from '../../db/connect.ts'
import * as q from './queries.ts'
import {
  accountPartOf, collectStakeholders, parseHistory, scoreAccount, scoreStakeholder,
  type AccountPart, type AccountScoreValues, type History, type RelationshipScoreValues, type StakeholderScoreValues,
} from './scoring.ts'

export type RecomputeProgress = { phase: 'stakeholders' | 'accounts'; done: number; total: number }

/** Histories per FETCH from the cursor, and score rows per write (and per transaction). */
const FETCH_STAKEHOLDERS = 1_000
const WRITE_ROWS = 10_000

type Batch = { relationships: RelationshipScoreValues[]; stakeholders: StakeholderScoreValues[]; accounts: AccountScoreValues[]; unscoredAccounts: string[] }
const emptyBatch = (): Batch => ({ relationships: [], stakeholders: [], accounts: [], unscoredAccounts: [] })
const batchSize = (b: Batch) => b.relationships.length + b.stakeholders.length + b.accounts.length + b.unscoredAccounts.length

/** Histories are read by this many sessions at once on a PostgreSQL server (one on PGlite or in a transaction). */
const PARTS = 2

/**
 * Rebuild every score of an organisation as of `now`, the same numbers as the refresh after each
 * write (both score through scoring.ts). One pass over all experiences: a cursor returns each
 * stakeholder's history in turn, which gives the stakeholder's score and its relationships'
 * scores; account scores follow from the stakeholder scores kept in memory. The stakeholders are
 * split into PARTS disjoint parts read and written by sessions of their own, so that the
 * database builds histories on every core (a pool of one connection, as PGlite has, runs them
 * one after the other). Scores are written in batches of WRITE_ROWS, each in a transaction of
 * its own (in the caller's when `db` is a transaction). A score that a write stored after the
 * rebuild started is newer than the rebuild's and is kept. Reports progress after each fetch.
 */
export async function recomputeOrganisation(db: Db, orgId: string, now: Date, onProgress: (p: RecomputeProgress) => void = () => {}): Promise<{ relationships: number; stakeholders: number; accounts: number }> {
  // A cursor belongs to one session: each part holds one connection of the pool throughout.
  const session = <T>(work: (conn: Db, inTransaction: InTransaction) => Promise<T>): Promise<T> =>
    db.isTransaction ? work(db, (w) => w(db)) : db.connection().execute((conn) => work(conn, (w) => conn.transaction().execute(w)))
  const stakeholders = collectStakeholders(await q.listAllScoringRows(db, orgId))
  const accountIds = await q.listAccountIds(db, orgId)
  let relationships = 0
  for (const s of stakeholders.values()) relationships += s.relationships.length

  const parts = new Map<string, AccountPart[]>(accountIds.map((id) => [id, []]))
  const scored = new Set<string>()
  const score = (batch: Batch, stakeholderId: string, history: History | undefined) => {
    const s = stakeholders.get(stakeholderId)
    if (!s) return
    scored.add(stakeholderId)
    const scores = scoreStakeholder(s, history, now)
    batch.stakeholders.push(scores.stakeholder)
    for (const r of scores.relationships) batch.relationships.push(r)
    const part = s.accountId === null ? null : accountPartOf(s, scores.stakeholder)
    if (part) parts.get(s.accountId!)?.push(part)
  }
  const progress = () => onProgress({ phase: 'stakeholders', done: scored.size, total: stakeholders.size })

  progress()
  const of = db.isTransaction || db.getExecutor().adapter.supportsMultipleConnections === false ? 1 : PARTS
  await Promise.all(Array.from({ length: of }, (_, index) => session(async (conn, inTransaction) => {
    const part = { index, of }
    const writer = scoreWriter(orgId, now, inTransaction)
    await inTransaction((trx) => q.openHistoryCursor(trx, orgId, now, part))
    try {
      const fetch = () => {
        const rows = q.fetchHistories(conn, FETCH_STAKEHOLDERS, part)
        rows.catch(() => {}) // awaited below; this only keeps an early exit from leaving it unhandled
        return rows
      }
      // Ask for the next page before scoring this one: the database reads while JavaScript scores.
      let next = fetch()
      for (;;) {
        const rows = await next
        if (rows.length === 0) break
        next = fetch()
        for (const row of rows) score(writer.batch, row.stakeholder_id, parseHistory(row.stakeholder_id, row.history))
        if (batchSize(writer.batch) >= WRITE_ROWS) await writer.write()
        progress()
      }
    } finally {
      await q.closeHistoryCursor(conn, part)
    }
    await writer.finish()
  })))

  await session(async (_conn, inTransaction) => {
    const writer = scoreWriter(orgId, now, inTransaction)
    // Stakeholders without any experience have scores too (0 and cold).
    for (const id of stakeholders.keys()) if (!scored.has(id)) score(writer.batch, id, undefined)
    await writer.write()
    progress()
    let accountsDone = 0
    for (const [accountId, list] of parts) {
      const account = scoreAccount(accountId, list)
      if (account) writer.batch.accounts.push(account)
      else writer.batch.unscoredAccounts.push(accountId)
      accountsDone++
      if (batchSize(writer.batch) >= WRITE_ROWS || accountsDone === parts.size) {
        await writer.write()
        onProgress({ phase: 'accounts', done: accountsDone, total: parts.size })
      }
    }
    await writer.finish()
  })
  return { relationships, stakeholders: stakeholders.size, accounts: accountIds.length }
}

type InTransaction = (work: (trx: Db) => Promise<void>) => Promise<void>

/** Score rows collected in `batch`, written out while the next ones are computed: one write in flight at a time. */
function scoreWriter(orgId: string, now: Date, inTransaction: InTransaction) {
  let writing: Promise<void> = Promise.resolve()
  const writer = {
    batch: emptyBatch(),
    write: async () => {
      const full = writer.batch
      writer.batch = emptyBatch()
      if (batchSize(full) === 0) return
      await writing
      writing = inTransaction((trx) => q.writeScores(trx, orgId, now, full, { keepNewer: true }))
      writing.catch(() => {}) // awaited by the next write or at the end
    },
    finish: async () => {
      await writer.write()
      await writing
    },
  }
  return writer
}
