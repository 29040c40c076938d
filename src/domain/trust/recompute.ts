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

/**
 * Rebuild every score of an organisation as of `now`, the same numbers as the refresh after each
 * write (both score through scoring.ts). One pass over all experiences builds every history
 * (queries.ts openHistories), read a page at a time; each gives the stakeholder's score and its
 * relationships' scores; account scores follow from the stakeholder scores kept in memory.
 * Scores are written in batches of WRITE_ROWS, each in a transaction of its own on a PostgreSQL
 * server; on PGlite, and in the caller's transaction when `db` is one, all in that one. A score
 * that a write stored after the rebuild started is newer than the rebuild's and is kept. Reports
 * progress after each fetch.
 */
export async function recomputeOrganisation(db: Db, orgId: string, now: Date, onProgress: (p: RecomputeProgress) => void = () => {}): Promise<{ relationships: number; stakeholders: number; accounts: number }> {
  if (db.isTransaction) return recompute(db, orgId, now, onProgress, (work) => work(db))
  // The histories (a temporary table or a cursor) belong to one session: hold one connection of the pool throughout.
  return db.connection().execute(async (conn) => (await q.hasParallelWorkers(conn)
    ? recompute(conn, orgId, now, onProgress, (work) => conn.transaction().execute(work))
    // Without workers (PGlite) the histories come from a cursor, which lives in a transaction: the writes go in it too.
    : conn.transaction().execute((trx) => recompute(trx, orgId, now, onProgress, (work) => work(trx)))))
}

async function recompute(db: Db, orgId: string, now: Date, onProgress: (p: RecomputeProgress) => void, inTransaction: (work: (trx: Db) => Promise<void>) => Promise<void>) {
  const stakeholders = collectStakeholders(await q.listAllScoringRows(db, orgId))
  const accountIds = await q.listAccountIds(db, orgId)
  let relationships = 0
  for (const s of stakeholders.values()) relationships += s.relationships.length

  // Writes go out while the next histories are scored: one write in flight at a time.
  let batch = emptyBatch()
  let writing: Promise<void> = Promise.resolve()
  const write = async () => {
    const full = batch
    batch = emptyBatch()
    if (batchSize(full) === 0) return
    await writing
    writing = inTransaction((trx) => q.writeScores(trx, orgId, now, full, { keepNewer: true }))
    writing.catch(() => {}) // awaited by the next write or at the end
  }
  const parts = new Map<string, AccountPart[]>(accountIds.map((id) => [id, []]))
  const scored = new Set<string>()
  const score = (stakeholderId: string, history: History | undefined) => {
    const s = stakeholders.get(stakeholderId)
    if (!s) return
    scored.add(stakeholderId)
    const scores = scoreStakeholder(s, history, now)
    batch.stakeholders.push(scores.stakeholder)
    for (const r of scores.relationships) batch.relationships.push(r)
    const part = s.accountId === null ? null : accountPartOf(s, scores.stakeholder)
    if (part) parts.get(s.accountId!)?.push(part)
  }

  onProgress({ phase: 'stakeholders', done: 0, total: stakeholders.size })
  const histories = await q.openHistories(db, orgId, now, inTransaction)
  try {
    const fetch = () => {
      const rows = histories.fetch(FETCH_STAKEHOLDERS)
      rows.catch(() => {}) // awaited below; this only keeps an early exit from leaving it unhandled
      return rows
    }
    // Ask for the next page before scoring this one: the database reads while JavaScript scores.
    let next = fetch()
    for (;;) {
      const rows = await next
      if (rows.length === 0) break
      next = fetch()
      for (const row of rows) score(row.stakeholder_id, parseHistory(row.stakeholder_id, row.history))
      if (batchSize(batch) >= WRITE_ROWS) await write()
      onProgress({ phase: 'stakeholders', done: scored.size, total: stakeholders.size })
    }
  } finally {
    await histories.close()
  }
  // Stakeholders without any experience have scores too (0 and cold).
  for (const id of stakeholders.keys()) if (!scored.has(id)) score(id, undefined)
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
