import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.ts'

export type Db = Kysely<Database>
export type DbHandle = { db: Db; dialect: 'pglite' | 'postgres'; close: () => Promise<void>; pglite?: PGlite }

// Both drivers must hand back the same JS types for the same SQL: int8 and numeric as numbers
// (counts and money fit a double), `date` as its 'YYYY-MM-DD' text (no time-zone shift).
const INT8 = 20
const NUMERIC = 1700
const DATE = 1082
const PARSERS: Record<number, (value: string) => unknown> = {
  [INT8]: Number,
  [NUMERIC]: Number,
  [DATE]: (value) => value,
}
for (const [oid, parse] of Object.entries(PARSERS)) pg.types.setTypeParser(Number(oid), parse)

// bytea as a Buffer on both, from its hex text: node-postgres does this natively; PGlite's own
// parser converts byte by byte (seconds for the trust recompute's tens of megabytes of histories).
const BYTEA = 17
const PGLITE_PARSERS: Record<number, (value: string) => unknown> = {
  ...PARSERS,
  [BYTEA]: (value) => Buffer.from(value.slice(2), 'hex'),
}

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by another Tend process (pid ${pid}). ` +
        'PGlite allows one process only: stop that process first, use the running server\'s API, ' +
        'or point DATABASE_URL at a PostgreSQL server.',
    )
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Take the data folder's lock file, or throw DataDirLockedError when a live process holds it.
 * A lock left by a dead process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'tend.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dataDir, pid)
      rmSync(file, { force: true })
    }
  }
  throw new Error(`Could not lock ${dataDir}`)
}

export type ConnectOptions = {
  databaseUrl?: string | undefined
  dataDir?: string
  /** Connections to a PostgreSQL server, at least 2 (the trust recompute reads on one and writes on another); 10 by default. */
  poolSize?: number
  /** Start the embedded database from a dumped data folder (a migrated template makes test databases cheap). */
  pgliteImage?: Blob
}

/** Open the database: a PostgreSQL server when databaseUrl is set, else embedded PGlite in dataDir ('memory://' for tests). */
export async function connect(options: ConnectOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: Math.max(2, options.poolSize ?? 10) })
    // An idle pooled connection the server ends (restart, admin command, network) must not crash
    // the process: the pool drops it and the next query opens a new one.
    pool.on('error', (err) => console.warn(`database: idle connection closed: ${err.message}`))
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { db, dialect: 'postgres', close: () => db.destroy() }
  }
  const dataDir = options.dataDir ?? './data'
  const isMemory = dataDir.startsWith('memory://')
  const unlock = isMemory ? () => {} : lockDataDir(dataDir)
  try {
    const pglite = await PGlite.create(isMemory ? dataDir : join(dataDir, 'pg'), {
      extensions: { pg_trgm },
      parsers: PGLITE_PARSERS,
      ...(options.pgliteImage ? { loadDataDir: options.pgliteImage } : {}),
    })
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
    return {
      db,
      dialect: 'pglite',
      pglite,
      close: async () => {
        await db.destroy()
        if (!pglite.closed) await pglite.close()
        unlock()
      },
    }
  } catch (err) {
    unlock()
    throw err
  }
}
