import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { AppError, notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor, Role } from '../auth/roles.ts'
import type { ImportFormat } from '../imports/detect.ts'
import { importPath } from '../imports/importers.ts'
import { parseColumnMap, type ImportOptions } from '../imports/options.ts'
import { toImportJob, type CreateImportJobQuery, type ImportJob } from './schema.ts'

// Background imports: an upload becomes a queued job row (the file's bytes in it); the worker
// of the server process claims jobs one at a time (FOR UPDATE SKIP LOCKED), imports them with
// the same importers as the CLI, and stores the report. A job found 'running' at boot was cut
// short by a restart: it is queued again, and since imports are idempotent, re-running is safe.

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024
const COLUMNS = ['id', 'org_id', 'filename', 'format', 'size_bytes', 'status', 'attempts', 'report', 'error', 'created_by', 'created_at', 'started_at', 'finished_at'] as const

function toOptions(query: CreateImportJobQuery): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  if (query.since) options.since = query.since
  if (query.until) options.until = query.until
  if (query.timeZone) options.timeZone = query.timeZone
  if (query.columns) {
    try {
      options.columns = parseColumnMap(query.columns)
    } catch (err) {
      throw new AppError('invalid_request', 'The column mapping is not Column=field,…', [{ parameter: 'columns', detail: (err as Error).message }])
    }
  }
  return options
}

export async function createImportJob(db: Db, actor: Actor, query: CreateImportJobQuery, content: Buffer): Promise<ImportJob> {
  if (content.length === 0) throw new AppError('invalid_request', 'The upload is empty', [{ pointer: '#', detail: 'send the file as the request body' }])
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('import_jobs').values({
      org_id: actor.orgId, created_by: actor.userId, filename: basename(query.filename), format: query.format ?? null,
      options: JSON.stringify(toOptions(query)), content, size_bytes: content.length,
    }).returning(COLUMNS).executeTakeFirstOrThrow()
    const job = toImportJob(row)
    await recordAudit(trx, actor, 'import_job.created', 'import_job', job.id, null, job)
    return job
  })
}

export async function getImportJob(db: Db, actor: Actor, id: string): Promise<ImportJob> {
  const row = await db.selectFrom('import_jobs').select(COLUMNS).where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Import job')
  return toImportJob(row)
}

export async function listImportJobs(db: Db, actor: Actor, limit = 50): Promise<ImportJob[]> {
  const rows = await db.selectFrom('import_jobs').select(COLUMNS).where('org_id', '=', actor.orgId).orderBy('created_at', 'desc').limit(limit).execute()
  return rows.map(toImportJob)
}

/** Claim the oldest queued job, or null. */
async function claim(db: Db) {
  const result = await sql<{ id: string }>`
    UPDATE import_jobs SET status = 'running', started_at = now(), attempts = attempts + 1
    WHERE id = (SELECT id FROM import_jobs WHERE status = 'queued' ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING id`.execute(db)
  return result.rows[0]?.id ?? null
}

async function runJob(db: Db, id: string): Promise<void> {
  const job = await db.selectFrom('import_jobs as j').innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'j.org_id').onRef('u.id', '=', 'j.created_by'))
    .select(['j.id', 'j.org_id', 'j.filename', 'j.format', 'j.options', 'j.content', 'u.id as user_id', 'u.role', 'u.name']).where('j.id', '=', id).executeTakeFirstOrThrow()
  const actor: Actor = { orgId: job.org_id, userId: job.user_id, role: job.role as Role, name: job.name, via: 'token' }
  const folder = await mkdtemp(join(tmpdir(), 'tend-import-job-'))
  try {
    const file = join(folder, job.filename)
    await writeFile(file, job.content ?? Buffer.alloc(0))
    const o = job.options as { since?: string; until?: string; timeZone?: string; columns?: Record<string, string> }
    const options: ImportOptions = { since: o.since ? new Date(o.since) : undefined, until: o.until ? new Date(o.until) : undefined, timeZone: o.timeZone, columns: o.columns }
    const report = await importPath({ db, orgId: job.org_id, actor, options }, file, (job.format as ImportFormat | null) ?? undefined)
    await db.updateTable('import_jobs').set({ status: 'done', report: JSON.stringify(report), error: null, content: null, finished_at: new Date() }).where('id', '=', id).execute()
  } catch (err) {
    const message = err instanceof AppError ? err.message : `The import stopped: ${(err as Error).message}`
    await db.updateTable('import_jobs').set({ status: 'failed', error: message.slice(0, 2000), finished_at: new Date() }).where('id', '=', id).execute()
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

const workers = new WeakMap<Db, Promise<void>>()

/** Run queued jobs until none is left; one worker per database handle at a time. */
export function kickImportWorker(db: Db): Promise<void> {
  const current = workers.get(db)
  if (current) {
    // A job queued while the worker finishes its last one: run again after it.
    const next = current.then(() => kickImportWorker(db))
    return next
  }
  const work = (async () => {
    try {
      for (let id = await claim(db); id; id = await claim(db)) await runJob(db, id)
    } finally {
      workers.delete(db)
    }
  })()
  workers.set(db, work)
  work.catch(() => {})
  return work
}

/** At boot: jobs left 'running' by a stopped process are queued again, then the worker starts. */
export async function resumeImportJobs(db: Db): Promise<number> {
  const result = await db.updateTable('import_jobs').set({ status: 'queued' }).where('status', '=', 'running').executeTakeFirst()
  void kickImportWorker(db)
  return Number(result.numUpdatedRows)
}

/** Wait for the worker to go idle (tests, shutdown). */
export async function importWorkerIdle(db: Db): Promise<void> {
  while (workers.get(db)) await workers.get(db)!.catch(() => {})
}
