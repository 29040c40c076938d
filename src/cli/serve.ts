import type { Command } from 'commander'
import { sql } from 'kysely'
import { loadConfig, type Config } from '../config.ts'
import { connect, type DbHandle } from '../db/connect.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { ensureDemoOrganisation } from '../domain/demo/seed.ts'
import { refreshStaleScores, settleQueuedAccounts } from '../domain/trust/refresh.ts'
import type { Db } from '../db/connect.ts'
import { buildApp } from '../http/app.ts'
import { createMailer } from '../lib/mail.ts'
import { JOB_HANDLERS, JOB_TASKS } from '../domain/jobs/handlers.ts'
import { startJobWorker } from '../domain/jobs/worker.ts'

// Scores decay with time even when nobody writes: once an hour, recompute those older than a day.
const DECAY_REFRESH_MS = 3_600_000

/**
 * Keep stored scores current with the calendar; any number of processes may do this safely.
 * On PGlite, which has no autovacuum daemon, the same hourly tick refreshes the planner's
 * statistics, without which its plans for the trust queries degrade as data grows.
 */
export function startDecayRefresh(db: Db, log: (msg: string) => void, dialect: DbHandle['dialect'] = 'postgres'): () => void {
  let isRunning = false
  const tick = async () => {
    if (isRunning) return
    isRunning = true
    try {
      if (dialect === 'pglite') await sql`analyze`.execute(db)
      let total = 0
      let refreshed: number
      do {
        refreshed = await refreshStaleScores(db, new Date())
        total += refreshed
      } while (refreshed > 0)
      if (total > 0) log(`trust: refreshed ${total} stale scores`)
    } catch (err) {
      log(`trust: refresh failed: ${(err as Error).message}`)
    } finally {
      isRunning = false
    }
  }
  const timer = setInterval(() => void tick(), DECAY_REFRESH_MS)
  timer.unref()
  void tick()
  return () => clearInterval(timer)
}

// Account scores queued by writes are settled within about this long (trust/refresh.ts).
const ACCOUNT_SETTLE_MS = 1_000

/**
 * Score the accounts that writes queued, every second; any number of processes may do this
 * safely. Stopping waits for a round under way.
 */
export function startAccountSettler(db: Db, log: (msg: string) => void): () => Promise<void> {
  let running: Promise<void> | null = null
  const settle = async () => {
    try {
      while ((await settleQueuedAccounts(db)) > 0);
    } catch (err) {
      log(`trust: settling account scores failed: ${(err as Error).message}`)
    } finally {
      running = null
    }
  }
  const timer = setInterval(() => { running ??= settle() }, ACCOUNT_SETTLE_MS)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}

/** Open the configured database and bring it to the latest migration. */
export async function openDatabase(config: Config): Promise<DbHandle> {
  const handle = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrateToLatest(handle.db)
    // PGlite has no autovacuum: start every session with fresh planner statistics.
    if (handle.dialect === 'pglite') await sql`analyze`.execute(handle.db)
  } catch (err) {
    await handle.close()
    throw err
  }
  return handle
}

export function registerServe(program: Command) {
  program
    .command('serve', { isDefault: true })
    .description('Start the web app and API (migrates the database and creates the demo organisation on first start)')
    .option('--no-demo', 'do not create the demo organisation on an empty database')
    .action(async (opts: { demo: boolean }) => {
      const config = loadConfig()
      const handle = await openDatabase(config)
      const demo = opts.demo ? await ensureDemoOrganisation(handle.db) : undefined
      const app = await buildApp({ config, db: handle.db })
      const stopRefresh = startDecayRefresh(handle.db, (msg) => app.log.info(msg), handle.dialect)
      const stopSettler = startAccountSettler(handle.db, (msg) => app.log.warn(msg))
      const mailer = createMailer({ smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, log: (line) => app.log.warn(line) })
      if (!mailer.isConfigured) app.log.warn('SMTP_URL is not set: e-mails (reminders, invitations) are written to the log and NOT sent')
      const worker = startJobWorker(handle.db, { handlers: JOB_HANDLERS, tasks: JOB_TASKS, mailer, publicUrl: config.publicUrl, log: (msg) => app.log.info(msg) })
      let isClosing = false
      const shutdown = async (signal: string) => {
        if (isClosing) return
        isClosing = true
        app.log.info({ signal }, 'shutting down')
        stopRefresh()
        await stopSettler()
        await worker.stop()
        mailer.close()
        await app.close()
        await handle.close()
        process.exit(0)
      }
      process.on('SIGINT', () => void shutdown('SIGINT'))
      process.on('SIGTERM', () => void shutdown('SIGTERM'))
      await app.listen({ port: config.port, host: config.host })
      const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`
      console.log(`\nTend is running at ${config.publicUrl}  (database: ${where})`)
      console.log(`API docs: ${config.publicUrl}/api/docs`)
      if (demo) console.log(`Demo login: ${demo.email} / ${demo.password}${demo.isNew ? '  (demo organisation created)' : ''}`)
    })

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const handle = await openDatabase(loadConfig())
      await handle.close()
      console.log('Database is up to date.')
    })
}
