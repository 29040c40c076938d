import type { Db } from '../../db/connect.ts'
import * as q from './queries.ts'
import { inlineScorer, pageOf, workerScorer, type Scored } from './scorer.ts'
import {
  accountPartOf, collectStakeholders, scoreAccount, scoreStakeholder,
  type AccountPart, type AccountScoreValues, type RelationshipScoreValues, type StakeholderScoreValues,
} from './scoring.ts'

export type RecomputeProgress = { phase: 'stakeholders' | 'accounts'; done: number; total: number }

/** Histories per FETCH from the cursor, and score rows per write (and per transaction). */
const FETCH_STAKEHOLDERS = 1_000
const WRITE_ROWS = 10_000
/**
 * On PGlite, from this many stakeholders, pages are scored in a worker thread (scorer.ts; starting
 * one takes a moment). A PostgreSQL server works in processes of its own while this thread
 * scores, and there the worker's copying cost more than it saved (full scale: 11.3–11.6 s
 * against 10.5–10.7 s; PGlite 16.5–18.6 s against 18.1–19.4 s).
 */
const THREAD_STAKEHOLDERS = 20_000
export type RecomputeOptions = { onProgress?: (p: RecomputeProgress) => void; /** score in a worker thread (default: on PGlite, from THREAD_STAKEHOLDERS stakeholders) */ thread?: boolean }

type Batch = { relationships: RelationshipScoreValues[]; stakeholders: StakeholderScoreValues[]; accounts: AccountScoreValues[]; unscoredAccounts: string[] }
const emptyBatch = (): Batch => ({ relationships: [], stakeholders: [], accounts: [], unscoredAccounts: [] })
const batchSize = (b: Batch) => b.relationships.length + b.stakeholders.length + b.accounts.length + b.unscoredAccounts.length

/**
 * Rebuild every score of an organisation as of `now`, the same numbers as the refresh after each
 * write (both score through scoring.ts). One pass over all experiences builds every history
 * (queries.ts openHistories), read a page at a time; each gives the stakeholder's score and its
 * relationships' scores; account scores follow from the stakeholder scores kept in memory.
 * Scores are written in batches of WRITE_ROWS, each in a transaction of its own on a PostgreSQL
 * server; on PGlite, and in the caller's transaction when `db` is one, all in that one. A score
 * that a write stored after the rebuild started is newer than the rebuild's and is kept. On
 * PGlite, large organisations' pages are scored in a worker thread while the database reads the
 * next page and writes the last scores. Reports progress after each fetch.
 */
export async function recomputeOrganisation(db: Db, orgId: string, now: Date, options: RecomputeOptions = {}): Promise<{ relationships: number; stakeholders: number; accounts: number }> {
  if (db.isTransaction) {
    const embedded = !(await q.hasParallelWorkers(db))
    return recompute(db, orgId, now, options, embedded, { build: (work) => work(db), write: (work) => work(db) })
  }
  // The histories (a temporary table or a cursor) belong to one session: hold one connection of the pool throughout.
  return db.connection().execute(async (conn) => (await q.hasParallelWorkers(conn)
    // A PostgreSQL server: the scores are written on another connection of the pool (connect.ts keeps at least two), each batch
    // in a transaction of its own, while this one reads the next histories.
    ? recompute(conn, orgId, now, options, false, { build: (work) => conn.transaction().execute(work), write: (work) => db.transaction().execute(work) })
    // Without workers (PGlite) the histories come from a cursor, which lives in a transaction: the writes go in it too.
    : conn.transaction().execute((trx) => recompute(trx, orgId, now, options, true, { build: (work) => work(trx), write: (work) => work(trx) }))))
}

type InTransaction = (work: (trx: Db) => Promise<void>) => Promise<void>

/** `embedded`: the database runs in this thread (PGlite), which waits while it works. */
async function recompute(db: Db, orgId: string, now: Date, options: RecomputeOptions, embedded: boolean, inTransaction: { build: InTransaction; write: InTransaction }) {
  const onProgress = options.onProgress ?? (() => {})
  const stakeholders = collectStakeholders(await q.listAllScoringRows(db, orgId), now)
  const accountIds = await q.listAccountIds(db, orgId)
  let relationships = 0
  for (const s of stakeholders.values()) relationships += s.relationships.length

  // Writes go out while the next histories are read and scored: one write in flight at a time.
  let batch = emptyBatch()
  let writing: Promise<void> = Promise.resolve()
  const write = async () => {
    const full = batch
    batch = emptyBatch()
    if (batchSize(full) === 0) return
    await writing
    writing = inTransaction.write((trx) => q.writeScores(trx, orgId, now, full, { keepNewer: true }))
    writing.catch(() => {}) // awaited by the next write or at the end
  }
  const parts = new Map<string, AccountPart[]>(accountIds.map((id) => [id, []]))
  const scored = new Set<string>()
  const keep = ({ stakeholder, relationships }: Scored) => {
    scored.add(stakeholder.stakeholder_id)
    batch.stakeholders.push(stakeholder)
    for (const r of relationships) batch.relationships.push(r)
    const s = stakeholders.get(stakeholder.stakeholder_id)!
    const part = s.accountId === null ? null : accountPartOf(s, stakeholder)
    if (part) parts.get(s.accountId!)?.push(part)
  }

  onProgress({ phase: 'stakeholders', done: 0, total: stakeholders.size })
  const scorer = (options.thread ?? (embedded && stakeholders.size >= THREAD_STAKEHOLDERS)) ? workerScorer(now) : inlineScorer(now)
  let histories: q.HistoryReader | undefined
  try {
    histories = await q.openHistories(db, orgId, now, inTransaction.build)
    const reader = histories
    // The next page, sent to be scored; null after the last.
    const next = async () => {
      const rows = await reader.fetch(FETCH_STAKEHOLDERS)
      if (rows.length === 0) return null
      const scoring = scorer.score(pageOf(rows, stakeholders))
      scoring.catch(() => {}) // awaited in the next round; this only keeps an early exit from leaving it unhandled
      return scoring
    }
    // While a page is scored, the next is read; while that one is scored, the first's scores are
    // written: the database and the scoring work at the same time.
    let scoring = await next()
    while (scoring) {
      const following = await next()
      for (const s of await scoring) keep(s)
      if (batchSize(batch) >= WRITE_ROWS) await write()
      onProgress({ phase: 'stakeholders', done: scored.size, total: stakeholders.size })
      scoring = following
    }
  } finally {
    await histories?.close()
    await scorer.close()
  }
  // Stakeholders without any experience have scores too (0 and cold).
  for (const s of stakeholders.values()) if (!scored.has(s.id)) keep(scoreStakeholder(s, undefined, now))
  await write()
  onProgress({ phase: 'stakeholders', done: scored.size, total: stakeholders.size })

  let accountsDone = 0
  for (const [accountId, list] of parts) {
    const account = scoreAccount(accountId, list)
    if (account) batch.accounts.push(account)
    else batch.unscoredAccounts.push(accountId)
    accountsDone++
    if (batchSize(batch) >= WRITE_ROWS || accountsDone === parts.size) {
      await write()
      onProgress({ phase: 'accounts', done: accountsDone, total: parts.size })
    }
  }
  await writing
  return { relationships, stakeholders: stakeholders.size, accounts: accountIds.length }
}
