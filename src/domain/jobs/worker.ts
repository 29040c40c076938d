import type { Db } from '../../db/connect.ts'
import type { Mailer } from '../../lib/mail.ts'
import { claimDueJobs, completeJob, failJob, type Job } from './queue.ts'

/** What a handler receives. Return a JSON-able result (stored on the job); throw to retry later. */
export type JobContext<P = unknown> = { db: Db; mailer: Mailer; job: Job<P>; now: Date; publicUrl: string }
export type JobHandler<P = never> = (ctx: JobContext<P>) => Promise<unknown>
/** kind → handler. The server's list is JOB_HANDLERS in handlers.ts. */
export type JobHandlers = Record<string, JobHandler<never>>

/** Throw from a handler when retrying cannot help (bad payload, recipient gone): the job fails at once. */
export class PermanentJobError extends Error {}

/** Exponential backoff: 30 s, 1 min, 2 min, … capped at 6 h (12 attempts span about a day and a half). */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000)
}

/** A task the worker runs on a period (e.g. scan moments and enqueue reminders). Must be idempotent. */
export type ScheduledTask = { name: string; everyMs: number; run: (db: Db, now: Date) => Promise<unknown> }

export type WorkerOptions = {
  handlers: JobHandlers
  mailer: Mailer
  publicUrl: string
  /** How long a claimed job is reserved before another worker may take it over (default 5 min). */
  leaseMs?: number
  backoffMs?: (attempt: number) => number
  batchSize?: number
  clock?: () => Date
  log?: (msg: string) => void
}

export type RunSummary = { done: number; retried: number; failed: number }

async function runOne(db: Db, job: Job, opts: WorkerOptions, summary: RunSummary) {
  const clock = opts.clock ?? (() => new Date())
  const handler = opts.handlers[job.kind]
  try {
    if (!handler) throw new Error(`No handler for job kind "${job.kind}"`)
    const result = await (handler as JobHandler<unknown>)({ db, mailer: opts.mailer, job, now: clock(), publicUrl: opts.publicUrl })
    await completeJob(db, job, clock(), result)
    summary.done++
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    const now = clock()
    const retryAt = err instanceof PermanentJobError ? null : new Date(now.getTime() + (opts.backoffMs ?? defaultBackoffMs)(job.attempts))
    const outcome = await failJob(db, job, now, message, retryAt)
    if (outcome === 'failed') summary.failed++
    else summary.retried++
    opts.log?.(`job ${job.kind} ${job.id} attempt ${job.attempts}/${job.maxAttempts} ${outcome === 'failed' ? 'FAILED for good' : 'will be retried'}: ${message}`)
  }
}

/** Run every job that is due now, one at a time, until none is left (or `maxJobs`). Used by the worker and tests. */
export async function runDueJobs(db: Db, opts: WorkerOptions & { maxJobs?: number }): Promise<RunSummary> {
  const summary: RunSummary = { done: 0, retried: 0, failed: 0 }
  const clock = opts.clock ?? (() => new Date())
  const max = opts.maxJobs ?? Infinity
  let total = 0
  while (total < max) {
    const jobs = await claimDueJobs(db, clock(), opts.leaseMs ?? 300_000, Math.min(opts.batchSize ?? 10, max - total))
    if (jobs.length === 0) break
    for (const job of jobs) await runOne(db, job, opts, summary)
    total += jobs.length
  }
  return summary
}

export type Worker = { stop: () => Promise<void>; /** run a tick now (after an enqueue, in tests) */ poke: () => Promise<void> }

/**
 * The in-process worker `serve` starts: polls the jobs table every `pollMs` and runs scheduled
 * tasks on their period. Jobs live in the database, so a restart loses nothing: pending jobs run
 * on the next tick and jobs of a dead process are taken over when their lease expires.
 */
export function startJobWorker(db: Db, opts: WorkerOptions & { pollMs?: number; tasks?: ScheduledTask[] }): Worker {
  const log = opts.log ?? (() => {})
  const clock = opts.clock ?? (() => new Date())
  const lastRun = new Map<string, number>()
  let current: Promise<void> | null = null
  let isStopped = false

  const tick = async () => {
    for (const task of opts.tasks ?? []) {
      const now = clock()
      if (now.getTime() - (lastRun.get(task.name) ?? 0) < task.everyMs) continue
      lastRun.set(task.name, now.getTime())
      try {
        await task.run(db, now)
      } catch (err) {
        log(`task ${task.name} failed: ${(err as Error).message}`)
      }
    }
    try {
      const s = await runDueJobs(db, opts)
      if (s.done + s.retried + s.failed > 0) log(`jobs: ${s.done} done, ${s.retried} to retry, ${s.failed} failed`)
    } catch (err) {
      log(`jobs: worker tick failed: ${(err as Error).message}`)
    }
  }
  const poke = () => {
    if (isStopped) return Promise.resolve()
    current ??= tick().finally(() => {
      current = null
    })
    return current
  }
  const timer = setInterval(() => void poke(), opts.pollMs ?? 5_000)
  timer.unref()
  void poke()
  return {
    poke,
    stop: async () => {
      isStopped = true
      clearInterval(timer)
      await current
    },
  }
}
