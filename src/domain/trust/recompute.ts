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
/** From this many stakeholders, pages are scored in a worker thread (scorer.ts): starting one takes a moment. */
const THREAD_STAKEHOLDERS = 20_000
export type RecomputeOptions = { onProgress?: (p: RecomputeProgress) => void; /** score in a worker thread (default: from THREAD_STAKEHOLDERS stakeholders) */ thread?: boolean }

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
 * that a write stored after the rebuild started is newer than the rebuild's and is kept. Large
 * organisations' pages are scored in a worker thread while the next page is read and the last
 * scores written. Reports progress after each fetch.
 */
export async function recomputeOrganisation(db: Db, orgId: string, now: Date, options: RecomputeOptions = {}): Promise<{ relationships: number; stakeholders: number; accounts: number }> {
  if (db.isTransaction) return recompute(db, orgId, now, options, { build: (work) => work(db), write: (work) => work(db) })
  // The histories (a temporary table or a cursor) belong to one session: hold one connection of the pool throughout.
  return db.connection().execute(async (conn) => (await q.hasParallelWorkers(conn)
    // A PostgreSQL server: the scores are written on another connection of the pool (connect.ts keeps at least two), each batch
    // in a transaction of its own, while this one reads the next histories.
    ? recompute(conn, orgId, now, options, { build: (work) => conn.transaction().execute(work), write: (work) => db.transaction().execute(work) })
    // Without workers (PGlite) the histories come from a cursor, which lives in a transaction: the writes go in it too.
    : conn.transaction().execute((trx) => recompute(trx, orgId, now, options, { build: (work) => work(trx), write: (work) => work(trx) }))))
}

type InTransaction = (work: (trx: Db) => Promise<void>) => Promise<void>

async function recompute(db: Db, orgId: string, now: Date, options: RecomputeOptions, inTransaction: { build: InTransaction; write: InTransaction }) {
  const onProgress = options.onProgress ?? (() => {})
  const stakeholders = collectStakeholders(await q.listAllScoringRows(db, orgId))
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
  const scorer = (options.thread ?? stakeholders.size >= THREAD_STAKEHOLDERS) ? workerScorer(now) : inlineScorer(now)
  const histories = await q.openHistories(db, orgId, now, inTransaction.build)
  try {
    const fetch = async () => {
      const rows = await histories.fetch(FETCH_STAKEHOLDERS)
      return rows.length === 0 ? null : pageOf(rows, stakeholders)
    }
    // A page is sent to be scored before the next is read, and its scores are written while the
    // following page is scored: the database and the scoring work at the same time.
    let current = await fetch()
    let scoring = current && scorer.score(current)
    while (current && scoring) {
      const next = await fetch()
      const nextScoring = next && scorer.score(next)
      nextScoring?.catch(() => {}) // awaited in the next round; this only keeps an early exit from leaving it unhandled
      for (const s of await scoring) keep(s)
      if (batchSize(batch) >= WRITE_ROWS) await write()
      onProgress({ phase: 'stakeholders', done: scored.size, total: stakeholders.size })
      current = next
      scoring = nextScoring
    }
  } finally {
    await histories.close()
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
