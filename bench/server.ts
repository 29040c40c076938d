import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { loadConfig } from '../src/config.ts'
import { connect } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { Actor } from '../src/domain/auth/roles.ts'
import { createApiToken } from '../src/domain/auth/service.ts'
import { buildApp } from '../src/http/app.ts'
import { buildBareApp } from './bare.ts'
import { createSqlRecorder } from './sql-recorder.ts'
import { benchUserId, seedBenchOrg, SEARCH_TERMS, type SeedResult } from './seed.ts'

// The server under test, in its own process so that autocannon (in the parent) does not share
// its event loop. It owns the database: PGlite allows one process per data folder, so the
// seeding happens here too. Protocol over IPC: argv[2] is ServerOptions as JSON; the child
// sends one ServerReady message; it answers each RecordRequest with a Recorded message (the
// SQL one GET sent), and exits after a 'stop' message.

export type ServerOptions = { dialect: 'postgres' | 'pglite'; databaseUrl?: string; dataDir?: string; scale: number }

export type RecordRequest = { type: 'record'; url: string; headers: Record<string, string> }
export type Recorded = { type: 'recorded'; status: number; statements: string[] }

export type ServerReady = {
  type: 'ready'
  tendUrl: string
  bareUrl: string
  token: string
  accountId: string
  accountStakeholders: number
  accountExperiences: number
  searchTerms: { term: string; matches: number }[]
  nameTerms: { term: string; matches: number }[]
  seed: SeedResult
  serverVersion: string
  pgliteVersion: string | undefined
}

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions
const log = (line: string) => console.log(`[${options.dialect}] ${line}`)

const handle = await connect(options.dialect === 'postgres' ? { databaseUrl: options.databaseUrl } : { dataDir: options.dataDir! })
const { db } = handle
await migrateToLatest(db)
log(`seeding at scale ${options.scale}`)
const seed = await seedBenchOrg(db, options.scale, log)

const userId = await benchUserId(db)
const user = await db.selectFrom('users').select(['id', 'name', 'role']).where('org_id', '=', seed.orgId).where('id', '=', userId).executeTakeFirstOrThrow()
const actor: Actor = { orgId: seed.orgId, userId: user.id, role: 'rep', name: user.name, via: 'token' }
const { token } = await createApiToken(db, actor, 'bench')

// The account page: an account with about 50 stakeholders (all have exactly S / A).
const { rows: [account] } = await sql<{ id: string; n: number }>`SELECT account_id AS id, count(*)::int AS n FROM stakeholders
  WHERE org_id = ${seed.orgId} AND account_id IS NOT NULL GROUP BY account_id ORDER BY abs(count(*) - 50), account_id LIMIT 1`.execute(db)
const { rows: [experienceCount] } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM experiences WHERE org_id = ${seed.orgId} AND account_id = ${account!.id}`.execute(db)
const searchTerms = []
for (const term of SEARCH_TERMS) {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM stakeholders WHERE org_id = ${seed.orgId} AND search_text LIKE ${`%${term}%`}`.execute(db)
  searchTerms.push({ term, matches: rows[0]!.n })
}
// Searching for one person by full name: about S / 10,000 matches (fewer than a page).
const { rows: named } = await sql<{ term: string }>`SELECT lower(name) AS term FROM stakeholders WHERE org_id = ${seed.orgId} ORDER BY id LIMIT 10`.execute(db)
const nameTerms = []
for (const { term } of named) {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM stakeholders WHERE org_id = ${seed.orgId} AND search_text LIKE ${`%${term}%`}`.execute(db)
  nameTerms.push({ term, matches: rows[0]!.n })
}
const { rows: [version] } = await sql<{ version: string }>`SELECT version()`.execute(db)

const config = loadConfig({ LOG_LEVEL: 'silent', ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { TEND_DATA_DIR: options.dataDir }) })
const recorder = createSqlRecorder()
const recordedDb = db.withPlugin(recorder.plugin)
const app = await buildApp({ config, db: recordedDb })
const bare = buildBareApp(recordedDb, seed.orgId)
const tendUrl = await app.listen({ port: 0, host: '127.0.0.1' })
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' })

const pglitePackage = JSON.parse(readFileSync(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }
const ready: ServerReady = {
  type: 'ready',
  tendUrl,
  bareUrl,
  token,
  accountId: account!.id,
  accountStakeholders: account!.n,
  accountExperiences: experienceCount!.n,
  searchTerms,
  nameTerms,
  seed,
  serverVersion: version!.version,
  pgliteVersion: options.dialect === 'pglite' ? pglitePackage.version : undefined,
}
// Run by hand (node --import tsx bench/server.ts '{"dialect":…}') it prints its details instead,
// for probing with curl, autocannon or EXPLAIN; stop it with Ctrl-C.
if (process.send) process.send(ready)
else console.log(JSON.stringify(ready, null, 2))
process.on('SIGINT', () => void handle.close().finally(() => process.exit(0)))

process.on('message', (message: { type?: string }) => {
  if (message.type === 'record') {
    const { url, headers } = message as RecordRequest
    recorder.start()
    void fetch(url, { headers }).then(async (res) => {
      await res.arrayBuffer()
      const recorded: Recorded = { type: 'recorded', status: res.status, statements: recorder.stop() }
      process.send!(recorded)
    })
    return
  }
  if (message.type !== 'stop') return
  void (async () => {
    await app.close()
    await bare.close()
    await handle.close()
    process.exit(0)
  })()
})
// The parent going away (crash, Ctrl-C) must not leave a server holding the database.
process.on('disconnect', () => {
  void handle.close().finally(() => process.exit(1))
})
