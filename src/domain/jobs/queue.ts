import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'

/** A job as handlers see it. */
export type Job<P = unknown> = {
  id: string
  orgId: string
  kind: string
  dedupeKey: string
  payload: P
  attempts: number
  maxAttempts: number
}

export type EnqueueInput = {
  orgId: string
  /** The handler that runs it (see handlers.ts), e.g. 'mail.send'. */
  kind: string
  /**
   * What makes this job unique within (orgId, kind): a second enqueue with the same key is ignored,
   * for ever (done jobs keep their key). E.g. `moment:<momentId>:<2027-03-01>:<userId>`.
   */
  dedupeKey: string
  payload: unknown
  /** Not before this time (default: now). */
  runAt?: Date
  /** Attempts before the job is given up as failed (default 12: ~1.5 days of backoff). */
  maxAttempts?: number
}

/**
 * Add a job, in the caller's transaction when `db` is one. Idempotent on (orgId, kind, dedupeKey):
 * returns the job id and whether this call created it.
 */
export async function enqueue(db: Db, input: EnqueueInput): Promise<{ id: string; isNew: boolean }> {
  const inserted = await db
    .insertInto('jobs')
    .values({
      org_id: input.orgId,
      kind: input.kind,
      dedupe_key: input.dedupeKey,
      payload: JSON.stringify(input.payload ?? {}),
      next_attempt_at: input.runAt ?? new Date(),
      ...(input.maxAttempts ? { max_attempts: input.maxAttempts } : {}),
    })
    .onConflict((oc) => oc.columns(['org_id', 'kind', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst()
  if (inserted) return { id: inserted.id, isNew: true }
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('org_id', '=', input.orgId)
    .where('kind', '=', input.kind)
    .where('dedupe_key', '=', input.dedupeKey)
    .executeTakeFirstOrThrow()
  return { id: existing.id, isNew: false }
}

/** Cancel a job that has not finished (e.g. its subject was erased). Returns whether one was cancelled. */
export async function cancelJob(db: Db, orgId: string, kind: string, dedupeKey: string): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({ status: 'cancelled', finished_at: new Date(), updated_at: new Date(), locked_until: null })
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('dedupe_key', '=', dedupeKey)
    .where('status', '=', 'pending')
    .executeTakeFirst()
  return Number(res.numUpdatedRows) > 0
}

type ClaimedRow = { id: string; org_id: string; kind: string; dedupe_key: string; payload: unknown; attempts: number; max_attempts: number }

/**
 * Claim up to `limit` due jobs: pending ones whose time has come, and running ones whose lease
 * expired (their process died). FOR UPDATE SKIP LOCKED lets several processes share a PostgreSQL
 * queue without taking the same job; on PGlite (one connection) the statement is simply atomic.
 */
export async function claimDueJobs(db: Db, now: Date, leaseMs: number, limit: number): Promise<Job[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs)
  const { rows } = await sql<ClaimedRow>`
    UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ${leaseUntil}, updated_at = ${now}
    WHERE id IN (
      SELECT id FROM jobs
      WHERE (status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'running' AND locked_until < ${now})
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, org_id, kind, dedupe_key, payload, attempts, max_attempts`.execute(db)
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, kind: r.kind, dedupeKey: r.dedupe_key, payload: r.payload, attempts: r.attempts, maxAttempts: r.max_attempts }))
}

/** Mark a claimed job done. The attempt guard ignores a late finish after the lease was taken over. */
export async function completeJob(db: Db, job: Job, now: Date, result: unknown): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'done', result: JSON.stringify(result ?? null), finished_at: now, updated_at: now, locked_until: null, last_error: null })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('attempts', '=', job.attempts)
    .execute()
}

/** Record a failed attempt: back to pending at `retryAt`, or failed for good when out of attempts (or retryAt is null). */
export async function failJob(db: Db, job: Job, now: Date, error: string, retryAt: Date | null): Promise<'retry' | 'failed'> {
  const isFinal = retryAt === null || job.attempts >= job.maxAttempts
  await db
    .updateTable('jobs')
    .set({
      status: isFinal ? 'failed' : 'pending',
      last_error: error.slice(0, 2000),
      next_attempt_at: isFinal ? now : retryAt,
      finished_at: isFinal ? now : null,
      updated_at: now,
      locked_until: null,
    })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('attempts', '=', job.attempts)
    .execute()
  return isFinal ? 'failed' : 'retry'
}
