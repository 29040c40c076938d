import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { connect, type DbHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'

/** Which database the suite runs on: TEST_DB=pglite (default) or TEST_DB=postgres (TEST_DATABASE_URL or the local server). */
export const TEST_DIALECT = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite'
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

function migrationsFingerprint(): string {
  const dir = new URL('../src/db/migrations/', import.meta.url)
  const hash = createHash('sha256')
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(new URL(f, dir)))
  return hash.digest('hex').slice(0, 16)
}

/** A migrated PGlite image, made once per migration set and reused by every test process. */
async function goldenImage(): Promise<Blob> {
  const file = join(tmpdir(), `tend-pglite-${migrationsFingerprint()}.tar.gz`)
  if (!existsSync(file)) {
    const handle = await connect({ dataDir: 'memory://' })
    await migrateToLatest(handle.db)
    const dump = await handle.pglite!.dumpDataDir('gzip')
    const tmp = `${file}.${process.pid}`
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
    renameSync(tmp, file)
    await handle.close()
  }
  return new Blob([readFileSync(file)])
}

/**
 * A fresh, migrated database for one test process. Close it in an `after` hook. With
 * `migrate: false` the database is empty (for testing a migration on existing rows).
 */
export async function openTestDb(options: { migrate?: boolean } = {}): Promise<DbHandle> {
  const migrate = options.migrate ?? true
  if (TEST_DIALECT === 'pglite') return connect({ dataDir: 'memory://', ...(migrate ? { pgliteImage: await goldenImage() } : {}) })
  const name = `tend_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const handle = await connect({ databaseUrl: url.toString(), poolSize: 5 })
  if (migrate) await migrateToLatest(handle.db)
  return {
    ...handle,
    close: async () => {
      await handle.close()
      const c = new pg.Client({ connectionString: ADMIN_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}
