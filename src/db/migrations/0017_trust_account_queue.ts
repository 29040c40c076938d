import { sql, type Kysely } from 'kysely'
import { SCORING_ROWS } from './0016_trust_stored_history.ts'

// Trust engine speed (issue 3): account scores settle in a job, within a second of a write.
//
// An experience write refreshed its account's score in its own transaction, and for that read
// every other stakeholder of the account (their relationships, weights and stored scores: at 50
// stakeholders an account, most of what a refresh read). Now the write refreshes the scores of
// its stakeholders and relationships and queues their accounts (account_score_queue, one row per
// account however many writes); settleQueuedAccounts (trust/refresh.ts) scores the queued
// accounts and clears them, run by the server every second and before any read of account
// scores (accounts, plans' self-check), so that a reader sees its own writes.
//
// A queued row is cleared by the transaction that scores its account, under the account's trust
// lock: a write that queues it again holds that lock too, so it either committed before the
// scoring read its stakeholders or queues the account anew after.
//
// tend_trust_scoring_rows: the stakeholders it returns besides the given ones are those of the
// accounts asked for (p_accounts), no longer those of the given stakeholders' accounts.
const PEOPLE_BEFORE = `people AS (
           SELECT s.* FROM stakeholders s WHERE s.org_id = p_org AND s.account_id IN (SELECT g.account_id FROM given g UNION SELECT unnest(p_accounts))
           UNION ALL SELECT s.* FROM stakeholders s WHERE s.org_id = p_org AND s.id IN (SELECT g.id FROM given g WHERE g.account_id IS NULL))`
const PEOPLE = `people AS (
           SELECT s.* FROM stakeholders s WHERE s.org_id = p_org AND s.id = ANY(p_stakeholders)
           UNION ALL SELECT s.* FROM stakeholders s WHERE s.org_id = p_org AND s.account_id = ANY(p_accounts) AND s.id <> ALL(p_stakeholders))`
const COMMENT_BEFORE = `     -- The given stakeholders with their histories; the other stakeholders of their accounts and of
     -- p_accounts with their stored scores. Accounts first, then their stakeholders by account (an
     -- OR across both sets would scan), and the given stakeholders without an account.`
const COMMENT = `     -- The given stakeholders with their histories; the other stakeholders of p_accounts with their
     -- stored scores.`

export const SCORING_ROWS_QUEUED = SCORING_ROWS.replace(PEOPLE_BEFORE, PEOPLE).replace(COMMENT_BEFORE, COMMENT)

export async function up(db: Kysely<unknown>): Promise<void> {
  if (SCORING_ROWS_QUEUED === SCORING_ROWS || SCORING_ROWS_QUEUED.includes('given g UNION')) throw new Error('0017: the refresh function was not rewritten')
  await sql`CREATE TABLE account_score_queue (
    org_id uuid NOT NULL,
    account_id uuid NOT NULL,
    queued_at timestamptz(3) NOT NULL,
    PRIMARY KEY (org_id, account_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
  )`.execute(db)
  await sql`CREATE INDEX account_score_queue_queued_idx ON account_score_queue (queued_at)`.execute(db)
  await sql.raw(SCORING_ROWS_QUEUED).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(SCORING_ROWS).execute(db)
  await sql`DROP TABLE account_score_queue`.execute(db)
}
