import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs'
import { once } from 'node:events'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parse as parseCsv } from 'csv-parse/sync'
import pg from 'pg'
import { connect, type DbHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { Actor } from '../src/domain/auth/roles.ts'
import { domainOf, parseHeaders } from '../src/domain/email/headers.ts'
import { getResponsiveness } from '../src/domain/email/responsiveness.ts'
import { getSuggestions, listUnanswered } from '../src/domain/email/service.ts'
import { readMbox } from '../src/domain/email/split.ts'
import { importPath } from '../src/domain/imports/importers.ts'
import { mergeReport, type ImportReport } from '../src/domain/imports/report.ts'

// npm run bench:import -- [--db=both|postgres|pglite] [--stakeholders=500]
// npm run bench:import -- --mode=contacts [--db=both|postgres|pglite] [--rows=50000]
//
// Contacts mode: every real contact file of ../shared/data (the CRM CSV exports and the vCard
// fixtures), then a generated CSV of --rows rows (the 499-contact atomic-crm export repeated
// with distinct addresses), each imported into a fresh organisation, then imported again (all
// duplicates). Rows per second and the reports are printed per file.
//
// The whole Enron folder of ../shared/data (43,504 messages in 398 mbox files) imported into a
// fresh database, each database in its own child process so that peak RSS is its own. The
// organisation gets the 19 mailbox owners as users and the most frequent outside correspondents
// as stakeholders (with an account per domain), so that experiences and trust refreshes are
// part of the run. In the same run: the floor (read the files and split them into messages)
// and the bare parse (split + header parse, no database), then the import, then the import
// again (everything a duplicate: the cost of idempotency).

const FOLDER = new URL('../../shared/data/email/enron-dev/mbox/', import.meta.url).pathname
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' }, stakeholders: { type: 'string', default: '500' }, child: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false },
    mode: { type: 'string', default: 'mail' }, rows: { type: 'string', default: '50000' },
  },
})

const files = () => readdirSync(FOLDER).sort().map((f) => join(FOLDER, f))
const seconds = (started: number) => (performance.now() - started) / 1000
const mb = (bytes: number) => Math.round(bytes / 1e6)

/** Peak RSS while `work` runs, sampled every 50 ms, and the RSS at each quarter of the messages. */
async function measure<T>(work: (onRecords: (n: number) => void) => Promise<T>, total: number) {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  const quarters: number[] = []
  let done = 0
  const started = performance.now()
  try {
    const result = await work((n) => {
      done += n
      while (quarters.length < 4 && done >= ((quarters.length + 1) * total) / 4) quarters.push(mb(process.memoryUsage().rss))
    })
    return { result, seconds: seconds(started), peakMb: mb(Math.max(peak, process.memoryUsage().rss)), quartersMb: quarters }
  } finally {
    clearInterval(timer)
  }
}

/** A fresh migrated database; for PostgreSQL its name, which the parent drops once this process has exited. */
async function openDb(dialect: 'postgres' | 'pglite'): Promise<DbHandle & { name?: string }> {
  if (dialect === 'pglite') {
    const handle = await connect({ dataDir: 'memory://' })
    await migrateToLatest(handle.db)
    return handle
  }
  const name = `tend_bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const handle = await connect({ databaseUrl: url.toString(), poolSize: 4 })
  await migrateToLatest(handle.db)
  return { ...handle, name }
}

async function dropDatabase(name: string) {
  if (args.keep) return console.error(`kept database ${name}`)
  const c = new pg.Client({ connectionString: ADMIN_URL })
  await c.connect()
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await c.end()
}

/** The mailbox owners (most frequent sender of each mailbox's sent folders) and the top outside correspondents. */
async function people(stakeholderCount: number) {
  const owners = new Map<string, Map<string, number>>()
  const outside = new Map<string, number>()
  for (const file of files()) {
    const mailbox = file.split('/').pop()!.split('.')[1]!
    const isSent = /sent/.test(file)
    for await (const raw of readMbox(file)) {
      try {
        const m = parseHeaders(raw.header)
        if (isSent) {
          const counts = owners.get(mailbox) ?? new Map<string, number>()
          counts.set(m.from, (counts.get(m.from) ?? 0) + 1)
          owners.set(mailbox, counts)
        }
        for (const a of [m.from, ...m.to, ...m.cc]) if (!a.endsWith('@enron.com')) outside.set(a, (outside.get(a) ?? 0) + 1)
      } catch {
        // counted by the import itself
      }
    }
  }
  const users = [...owners.values()].map((counts) => [...counts].sort((a, b) => b[1] - a[1])[0]![0]).filter((a) => a.endsWith('@enron.com'))
  const stakeholders = [...outside].sort((a, b) => b[1] - a[1]).slice(0, stakeholderCount).map(([a]) => a)
  return { users: [...new Set(users)], stakeholders }
}

async function child(dialect: 'postgres' | 'pglite') {
  const all = files()
  const floor = await measure(async (onRecords) => {
    let n = 0
    for (const f of all) {
      for await (const _ of readMbox(f)) {
        n++
        onRecords(1)
      }
    }
    return n
  }, 43_504)
  const total = floor.result
  const parse = await measure(async (onRecords) => {
    for (const f of all) for await (const raw of readMbox(f)) {
      try {
        parseHeaders(raw.header)
      } catch {
        // malformed: the import reports it
      }
      onRecords(1)
    }
  }, total)
  const cast = await people(Number(args.stakeholders))
  const handle = await openDb(dialect)
  try {
    const { db } = handle
    const org = await db.insertInto('organisations').values({ name: 'Enron bench', slug: `enron-${randomBytes(3).toString('hex')}` }).returning('id').executeTakeFirstOrThrow()
    const userRows = await db.insertInto('users').values(cast.users.map((email) => ({ org_id: org.id, email, name: email.split('@')[0]!, role: 'rep' }))).returning('id').execute()
    const domains = [...new Set(cast.stakeholders.map((a) => domainOf(a)!))]
    const accounts = await db.insertInto('accounts').values(domains.map((d) => ({ org_id: org.id, name: d, domains: [d] }))).returning(['id', 'name']).execute()
    const accountOf = new Map(accounts.map((a) => [a.name, a.id]))
    const stakeholders = await db.insertInto('stakeholders').values(cast.stakeholders.map((email) => ({ org_id: org.id, name: email, emails: [email], account_id: accountOf.get(domainOf(email)!)! }))).returning('id').execute()
    // A relationship per user and stakeholder pair of the first 100 stakeholders: the trust refresh has relationships to score.
    await db.insertInto('relationships').values(userRows.flatMap((u) => stakeholders.slice(0, 100).map((s) => ({ org_id: org.id, user_id: u.id, stakeholder_id: s.id })))).execute()
    const actor: Actor = { orgId: org.id, userId: '00000000-0000-0000-0000-000000000000', role: 'admin', name: 'bench', via: 'system' }
    const run = () => measure((onRecords) => importPath({ db, orgId: org.id, actor, onProgress: (d) => onRecords(d.records) }, FOLDER), total)
    const first = await run()
    const again = await run()
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now()
      await work()
      return Math.round(performance.now() - started)
    }
    const queries = {
      suggestionsMs: await timed(() => getSuggestions(db, actor, { minMessages: 3, limit: 300 })),
      responsivenessMs: await timed(() => getResponsiveness(db, actor, {})),
      unansweredMs: await timed(() => listUnanswered(db, actor, {})),
    }
    const counts = await db.selectFrom('email_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', org.id).executeTakeFirstOrThrow()
    const report = (r: ImportReport) => ({ created: r.created, matched: r.matched, skippedDuplicate: r.skippedDuplicate, failed: r.failed })
    process.send!({
      dialect, total, users: cast.users.length, stakeholders: stakeholders.length, stored: Number(counts.n),
      floor: { seconds: floor.seconds, peakMb: floor.peakMb },
      parse: { seconds: parse.seconds, peakMb: parse.peakMb },
      first: { seconds: first.seconds, peakMb: first.peakMb, quartersMb: first.quartersMb, report: report(first.result) },
      again: { seconds: again.seconds, peakMb: again.peakMb, report: report(again.result) },
      queries,
      database: handle.name,
    })
  } finally {
    await handle.close()
  }
}


const DATA = new URL('../../shared/data/', import.meta.url).pathname
const CONTACT_FILES = [
  'crm/salesforce-lwc-recipes/data/Accounts-Contacts.csv',
  'crm/atomic-crm-samples/test-data/contacts.csv',
  'crm/atomic-crm-samples/src/components/atomic-crm/contacts/contacts_export.csv',
  'crm/rolomind-import-fixtures/tests/fixtures/google.csv',
  'crm/rolomind-import-fixtures/tests/fixtures/linkedin.csv',
]

function vcardFiles(): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name))
      else if (/\.vcf$/i.test(e.name)) out.push(join(dir, e.name))
    }
  }
  walk(join(DATA, 'contacts'))
  return out.sort()
}

/** The atomic-crm export (499 real-looking rows) repeated up to `rows` rows, each copy with its own addresses and companies. */
async function generatedCsv(rows: number): Promise<string> {
  const source = readFileSync(join(DATA, 'crm/atomic-crm-samples/test-data/contacts.csv'), 'utf8')
  const records = parseCsv(source, { bom: true }) as string[][]
  const [header, ...body] = records as [string[], ...string[][]]
  const emailColumns = header.map((h, i) => (/^email_/.test(h) ? i : -1)).filter((i) => i >= 0)
  const companyColumns = header.map((h, i) => (h === 'company_name' || h === 'company' ? i : -1)).filter((i) => i >= 0)
  const file = join(tmpdir(), `tend-bench-contacts-${rows}.csv`)
  const out = createWriteStream(file)
  const line = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',') + '\n'
  out.write(line(header))
  for (let n = 0; n < rows; n++) {
    const copy = Math.floor(n / body.length)
    const row = [...body[n % body.length]!]
    for (const i of emailColumns) if (row[i]) row[i] = `c${copy}.${row[i]}`
    for (const i of companyColumns) if (row[i]) row[i] = `${row[i]} ${copy % 20}`
    if (!out.write(line(row))) await once(out, 'drain')
  }
  out.end()
  await once(out, 'close')
  return file
}

type ContactRun = { file: string; rows: number; seconds: number; again: number; report: Record<string, number>; againReport: Record<string, number> }

async function contactsChild(dialect: 'postgres' | 'pglite') {
  const handle = await openDb(dialect)
  const report = (r: ImportReport) => ({ created: r.created, matched: r.matched, skippedDuplicate: r.skippedDuplicate, failed: r.failed, merged: (r.details.mergedInImport ?? 0) + (r.details.mergedIntoExisting ?? 0), accountsCreated: r.details.accountsCreated ?? 0 })
  try {
    const { db } = handle
    const runs: ContactRun[] = []
    const one = async (label: string, paths: string[]) => {
      const org = await db.insertInto('organisations').values({ name: 'Contacts bench', slug: `contacts-${randomBytes(3).toString('hex')}` }).returning('id').executeTakeFirstOrThrow()
      const actor: Actor = { orgId: org.id, userId: '00000000-0000-0000-0000-000000000000', role: 'admin', name: 'bench', via: 'system' }
      const importAll = async () => {
        const total: ImportReport = { created: 0, matched: 0, skippedDuplicate: 0, failed: 0, failures: [], details: {} }
        for (const path of paths) mergeReport(total, await importPath({ db, orgId: org.id, actor }, path))
        return total
      }
      let started = performance.now()
      const first = await importAll()
      const seconds = (performance.now() - started) / 1000
      started = performance.now()
      const second = await importAll()
      const again = (performance.now() - started) / 1000
      const rows = first.created + first.matched + first.skippedDuplicate + first.failed + (first.details.accountRows ?? 0)
      runs.push({ file: label, rows, seconds, again, report: report(first), againReport: report(second) })
    }
    for (const f of CONTACT_FILES) await one(f.split('/').pop()!, [join(DATA, f)])
    const cards = vcardFiles()
    await one(`${cards.length} vCard fixtures (contacts/)`, cards)
    await one(`generated CSV, ${Number(args.rows).toLocaleString('en-GB')} rows`, [await generatedCsv(Number(args.rows))])
    process.send!({ dialect, runs, peakRssMb: mb(process.memoryUsage().rss), database: handle.name })
  } finally {
    await handle.close()
  }
}

function runContactsChild(dialect: string): Promise<{ dialect: string; runs: ContactRun[]; peakRssMb: number; database?: string }> {
  return new Promise((resolve, reject) => {
    const proc = fork(new URL(import.meta.url).pathname, ['--child', '--mode=contacts', `--db=${dialect}`, `--rows=${args.rows}`, ...(args.keep ? ['--keep'] : [])], { execArgv: ['--import', 'tsx'] })
    let result: { dialect: string; runs: ContactRun[]; peakRssMb: number; database?: string } | undefined
    proc.on('message', (m) => (result = m as typeof result))
    proc.on('exit', (code) => {
      if (!result) return reject(new Error(`${dialect} run failed (exit ${code})`))
      resolve(result.database ? dropDatabase(result.database).then(() => result!) : result)
    })
  })
}

type Result = {
  dialect: string; total: number; users: number; stakeholders: number; stored: number
  floor: { seconds: number; peakMb: number }; parse: { seconds: number; peakMb: number }
  first: { seconds: number; peakMb: number; quartersMb: number[]; report: Record<string, number> }
  again: { seconds: number; peakMb: number; report: Record<string, number> }
  queries: Record<string, number>
  database?: string
}

function runChild(dialect: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const proc = fork(new URL(import.meta.url).pathname, ['--child', `--db=${dialect}`, `--stakeholders=${args.stakeholders}`, ...(args.keep ? ['--keep'] : [])], { execArgv: ['--import', 'tsx'] })
    let result: Result | undefined
    proc.on('message', (m) => (result = m as Result))
    proc.on('exit', (code) => {
      if (!result) return reject(new Error(`${dialect} run failed (exit ${code})`))
      resolve(result.database ? dropDatabase(result.database).then(() => result!) : result)
    })
  })
}

if (args.child) {
  if (args.mode === 'contacts') await contactsChild(args.db as 'postgres' | 'pglite')
  else await child(args.db as 'postgres' | 'pglite')
} else if (args.mode === 'contacts') {
  console.log(`bench:import contacts — ${cpus().length} × ${cpus()[0]?.model}, ${mb(totalmem()) / 1000} GB RAM, Node ${process.version}`)
  for (const dialect of args.db === 'both' ? ['postgres', 'pglite'] : [args.db!]) {
    const loadBefore = loadavg()[0]!.toFixed(1)
    const r = await runContactsChild(dialect)
    console.log(`\n${dialect} (load average ${loadBefore} before, ${loadavg()[0]!.toFixed(1)} after; RSS at the end ${r.peakRssMb} MB)`)
    for (const run of r.runs) {
      console.log(`  ${run.file}: ${run.rows.toLocaleString('en-GB')} records in ${run.seconds.toFixed(2)} s = ${Math.round(run.rows / run.seconds).toLocaleString('en-GB')}/s; again ${run.again.toFixed(2)} s = ${Math.round(run.rows / run.again).toLocaleString('en-GB')}/s`)
      console.log(`    first ${JSON.stringify(run.report)}  again ${JSON.stringify(run.againReport)}`)
    }
  }
} else {
  if (!existsSync(FOLDER)) {
    console.error(`bench:import needs the Enron mailboxes in ${FOLDER} (../shared/data beside the repository)`)
    process.exit(1)
  }
  console.log(`bench:import — ${cpus().length} × ${cpus()[0]?.model}, ${mb(totalmem()) / 1000} GB RAM, Node ${process.version}`)
  const dialects = args.db === 'both' ? ['postgres', 'pglite'] : [args.db!]
  for (const dialect of dialects) {
    const loadBefore = loadavg()[0]!.toFixed(1)
    const r = await runChild(dialect)
    const rate = (s: number) => Math.round(r.total / s).toLocaleString('en-GB')
    console.log(`\n${dialect}: ${r.total.toLocaleString('en-GB')} messages, ${r.users} users, ${r.stakeholders} stakeholders → ${r.stored.toLocaleString('en-GB')} stored (load average ${loadBefore} before, ${loadavg()[0]!.toFixed(1)} after, on ${cpus().length} CPUs)`)
    console.log(`  floor (read + split)     ${r.floor.seconds.toFixed(2)} s  ${rate(r.floor.seconds)} msg/s  peak RSS ${r.floor.peakMb} MB`)
    console.log(`  bare parse (no database) ${r.parse.seconds.toFixed(2)} s  ${rate(r.parse.seconds)} msg/s  peak RSS ${r.parse.peakMb} MB`)
    console.log(`  import                   ${r.first.seconds.toFixed(2)} s  ${rate(r.first.seconds)} msg/s  peak RSS ${r.first.peakMb} MB (at each quarter: ${r.first.quartersMb.join(' / ')} MB)  ${(r.first.seconds / r.floor.seconds).toFixed(1)}× the floor`)
    console.log(`    ${JSON.stringify(r.first.report)}`)
    console.log(`  queries over the result: ${Object.entries(r.queries).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v} ms`).join(', ')}`)
    console.log(`  import again (all dups)  ${r.again.seconds.toFixed(2)} s  ${rate(r.again.seconds)} msg/s  peak RSS ${r.again.peakMb} MB  ${JSON.stringify(r.again.report)}`)
  }
}
