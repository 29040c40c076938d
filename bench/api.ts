import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { drain, offer, saturate, waitForQuiet, type Figures, type Target } from './load.ts'
import { SEARCH_TERMS } from './seed.ts'
import type { Recorded, RecordRequest, ServerOptions, ServerReady } from './server.ts'
import { normaliseSql } from './sql-recorder.ts'

// npm run bench:api -- [--db=postgres|pglite|both] [--duration=10] [--scale=1] [--connections=50]
//                      [--rounds=2] [--quiet-wait=120] [--rate=100]
//
// For each database: a child process (bench/server.ts) seeds a fresh database and serves both
// Tend and a bare Fastify baseline running the same SQL; this process drives each scenario
// against both with autocannon and prints them side by side.
//
// On a shared 2-CPU machine other work steals the CPU a run needs, and it only ever makes a
// run slower. So each measurement first waits (up to --quiet-wait seconds) for the CPUs to be
// ≥ 80 % idle, Tend and bare alternate over --rounds rounds (ABBA order), and the table keeps
// each side's best round. Every round, with the idle share before it, is in the JSON.
//
// At saturation, latency follows from throughput (Little's law: mean latency = connections ÷
// req/s), so a 25 ms p99 with 50 connections needs ≥ 2,000 req/s. A last pass therefore offers
// Tend a steady --rate req/s (0 to skip) and reports the latency a user sees below saturation.

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const WARMUP_SECONDS = 2
const QUIET_IDLE = 0.8
const AIM_P99_MS = 25
const AIM_RATIO = 0.7

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    duration: { type: 'string', default: '10' },
    scale: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '2' },
    'quiet-wait': { type: 'string', default: '120' },
    rate: { type: 'string', default: '100' },
  },
})
const DIALECTS = ['postgres', 'pglite'] as const
type Dialect = (typeof DIALECTS)[number]
const dialects: readonly Dialect[] = args.db === 'both' ? DIALECTS : DIALECTS.filter((d) => d === args.db)
const duration = Number(args.duration)
const scale = Number(args.scale)
const connections = Number(args.connections)
const rounds = Number(args.rounds)
const quietWait = Number(args['quiet-wait'])
const rate = Number(args.rate)
if (dialects.length === 0 || !(duration > 0) || !(scale > 0) || !(connections > 0) || !(rounds >= 1) || !(quietWait >= 0) || !(rate >= 0)) {
  console.error('usage: npm run bench:api -- [--db=postgres|pglite|both] [--duration=10] [--scale=1] [--connections=50] [--rounds=2] [--quiet-wait=120] [--rate=100]')
  process.exit(2)
}

type Scenario = { name: string; tend: Target; bare: Target }
type Row = {
  db: string
  scenario: string
  tend: Figures
  bare: Figures
  ratio: number
  atRate: Figures | undefined
  queries: { tend: number; bare: number }
  sameSql: boolean
  rounds: { tend: Figures[]; bare: Figures[] }
}

function scenariosOf(ready: ServerReady): Scenario[] {
  const tend = (paths: string[]): Target => ({ url: ready.tendUrl, paths, headers: { authorization: `Bearer ${ready.token}` } })
  const bare = (paths: string[]): Target => ({ url: ready.bareUrl, paths, headers: {} })
  const search = (prefix: string, terms: readonly string[]) => terms.map((q) => `${prefix}?q=${encodeURIComponent(q)}&limit=20`)
  const names = ready.nameTerms.map((t) => t.term)
  return [
    { name: 'list stakeholders (limit 50)', tend: tend(['/api/v1/stakeholders?limit=50']), bare: bare(['/bare/stakeholders?limit=50']) },
    { name: `search surname fragment (${SEARCH_TERMS.length} terms)`, tend: tend(search('/api/v1/stakeholders', SEARCH_TERMS)), bare: bare(search('/bare/search', SEARCH_TERMS)) },
    { name: `account overview (${ready.accountStakeholders} people)`, tend: tend([`/api/v1/accounts/${ready.accountId}/overview`]), bare: bare([`/bare/accounts/${ready.accountId}/overview`]) },
    // Not in the list: looking one person up by full name, the everyday search, which
    // matches fewer rows than a page (the case the surname fragments do not exercise).
    { name: `search full name (${names.length} names)*`, tend: tend(search('/api/v1/stakeholders', names)), bare: bare(search('/bare/search', names)) },
  ]
}

/** Warm up, let the server finish, wait for a quiet machine, measure, let the server finish. */
async function measure(target: Target, run: (idleBefore: number) => Promise<Figures>): Promise<Figures> {
  await saturate(target, { connections, seconds: WARMUP_SECONDS })
  await drain(target)
  const figures = await run(await waitForQuiet(QUIET_IDLE, quietWait))
  await drain(target)
  return figures
}

const atSaturation = (target: Target) => measure(target, (idleBefore) => saturate(target, { connections, seconds: duration, idleBefore }))
const best = (all: Figures[]) => all.reduce((a, b) => (b.rps > a.rps ? b : a))

function record(child: ChildProcess, request: Omit<RecordRequest, 'type'>): Promise<Recorded> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Recorded))
    child.send({ type: 'record', ...request } satisfies RecordRequest)
  })
}

/**
 * The SQL one Tend request sends against the SQL of its bare twin. Tend's API-token lookup
 * (and its once-a-minute touch) is the expected difference; anything else means bench/bare.ts
 * no longer mirrors the services. Returns the differences, empty when the statements match.
 */
async function compareSql(child: ChildProcess, scenario: Scenario) {
  const tend = await record(child, { url: scenario.tend.url + scenario.tend.paths[0], headers: scenario.tend.headers })
  const bare = await record(child, { url: scenario.bare.url + scenario.bare.paths[0], headers: scenario.bare.headers })
  const isAuth = (s: string) => /\bapi_tokens\b/.test(s)
  const tendSql = tend.statements.map(normaliseSql).filter((s) => !isAuth(s)).sort()
  const bareSql = bare.statements.map(normaliseSql).sort()
  const differences = [...tendSql.filter((s) => !bareSql.includes(s)).map((s) => `only Tend: ${s}`), ...bareSql.filter((s) => !tendSql.includes(s)).map((s) => `only bare: ${s}`)]
  return { tendQueries: tend.statements.length, bareQueries: bare.statements.length, differences }
}

/** Both servers must answer each request of a scenario with the same rows before their speed means anything. */
async function checkSameAnswers(scenario: Scenario) {
  const ids = async (target: Target, path: string): Promise<string> => {
    const res = await fetch(target.url + path, { headers: target.headers })
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
    const body = (await res.json()) as Record<string, { id: string }[] | undefined>
    return ['items', 'stakeholders', 'relationships', 'recentExperiences', 'people'].map((key) => (body[key] ?? []).map((r) => r.id).join(',')).join('|')
  }
  for (const [n, path] of scenario.tend.paths.entries()) {
    const tend = await ids(scenario.tend, path)
    if (tend !== (await ids(scenario.bare, scenario.bare.paths[n]!))) throw new Error(`${scenario.name}: Tend and the bare route return different rows for ${path}`)
    if (tend.replace(/[|,]/g, '') === '') throw new Error(`${scenario.name}: no rows for ${path}`)
  }
}

function startServer(options: ServerOptions): { child: ChildProcess; ready: Promise<ServerReady> } {
  // The server runs with the V8 flags `tend` runs with (bin/tend.js, decision 0016).
  const child = fork(new URL('./server.ts', import.meta.url), [JSON.stringify(options)], { execArgv: ['--max-semi-space-size=64', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const ready = new Promise<ServerReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ServerReady))
    child.once('exit', (code) => reject(new Error(`bench server exited with code ${code} before it was ready`)))
  })
  return { child, ready }
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.send({ type: 'stop' })
  await exited
}

async function adminQuery(text: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

// What to undo if the run is interrupted: the child closes itself when this process goes away,
// but the PostgreSQL database and the PGlite folder are ours to remove.
const cleanups = new Set<() => Promise<void>>()
process.once('SIGINT', () => {
  console.error('\ninterrupted: removing the benchmark databases')
  void Promise.allSettled([...cleanups].map((c) => new Promise((r) => setTimeout(r, 1000)).then(c))).finally(() => process.exit(130))
})

type Run = { db: string; ready: Omit<ServerReady, 'token' | 'tendUrl' | 'bareUrl' | 'type'>; seedSeconds: number; rows: Row[] }

async function runOn(dialect: Dialect): Promise<Run> {
  let options: ServerOptions
  let cleanup: () => Promise<void>
  if (dialect === 'postgres') {
    const name = `tend_bench_${randomBytes(5).toString('hex')}`
    await adminQuery(`CREATE DATABASE ${name}`)
    const url = new URL(ADMIN_URL)
    url.pathname = `/${name}`
    options = { dialect, databaseUrl: url.toString(), scale }
    cleanup = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'tend-bench-pglite-'))
    options = { dialect, dataDir, scale }
    cleanup = async () => rmSync(dataDir, { recursive: true, force: true })
  }
  cleanups.add(cleanup)
  const started = Date.now()
  const { child, ready: readyPromise } = startServer(options)
  try {
    const ready = await readyPromise
    const seedSeconds = (Date.now() - started) / 1000
    const matches = (terms: { term: string; matches: number }[]) => terms.map((t) => `${t.term} ${t.matches}`).join(', ')
    console.log(`[${dialect}] ready after ${seedSeconds.toFixed(0)} s; account ${ready.accountId} (${ready.accountStakeholders} stakeholders, ${ready.accountExperiences} experiences)`)
    console.log(`[${dialect}] matches: ${matches(ready.searchTerms)}; ${matches(ready.nameTerms)}`)

    // Checked before any load, so that no straggling request of a run can pollute the recording.
    const scenarios = scenariosOf(ready)
    const sqlChecks = []
    for (const scenario of scenarios) {
      await checkSameAnswers(scenario)
      const check = await compareSql(child, scenario)
      if (check.differences.length > 0) console.warn(`[${dialect}] WARNING: ${scenario.name}: the bare route's SQL differs from Tend's; update bench/bare.ts\n  ${check.differences.join('\n  ')}`)
      sqlChecks.push(check)
    }

    const rows: Row[] = []
    for (const [n, scenario] of scenarios.entries()) {
      const tendRounds: Figures[] = []
      const bareRounds: Figures[] = []
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? ['tend', 'bare'] : ['bare', 'tend']
        for (const side of order) {
          if (side === 'tend') tendRounds.push(await atSaturation(scenario.tend))
          else bareRounds.push(await atSaturation(scenario.bare))
        }
      }
      const [tend, bare] = [best(tendRounds), best(bareRounds)]
      const atRate = rate > 0 ? await measure(scenario.tend, (idleBefore) => offer(scenario.tend, { rate, seconds: duration, connections, idleBefore })) : undefined
      const check = sqlChecks[n]!
      const row: Row = {
        db: dialect,
        scenario: scenario.name,
        tend,
        bare,
        ratio: Math.round((tend.rps / bare.rps) * 100) / 100,
        atRate,
        queries: { tend: check.tendQueries, bare: check.bareQueries },
        sameSql: check.differences.length === 0,
        rounds: { tend: tendRounds, bare: bareRounds },
      }
      console.log(formatRow(row))
      rows.push(row)
    }
    const { token: _token, tendUrl: _tendUrl, bareUrl: _bareUrl, type: _type, ...kept } = ready
    return { db: dialect, ready: kept, seedSeconds, rows }
  } finally {
    await stopServer(child)
    await cleanup()
    cleanups.delete(cleanup)
  }
}

const COLUMNS = ['db', 'scenario', 'tend req/s', 'p50', 'p99', 'bare req/s', 'p50', 'p99', 'ratio', `tend @${rate}/s p50/p99`, 'idle'] as const
const WIDTHS = [8, 36, 10, 5, 5, 10, 5, 5, 6, 20, 9]
const line = (cells: string[]) => cells.map((c, n) => (n < 2 ? c.padEnd(WIDTHS[n]!) : c.padStart(WIDTHS[n]!))).join('  ')
const pct = (share: number) => `${Math.round(share * 100)}%`

function formatRow(row: Row): string {
  const { tend, bare, atRate } = row
  const flag = (side: string, f: Figures | undefined) => (f && (f.errors || f.non2xx) ? ` [${side}: ${f.errors} errors, ${f.non2xx} non-2xx]` : '')
  const cells = [row.db, row.scenario, String(tend.rps), String(tend.p50), String(tend.p99), String(bare.rps), String(bare.p50), String(bare.p99), row.ratio.toFixed(2)]
  cells.push(atRate ? `${atRate.p50}/${atRate.p99}` : '-', `${pct(tend.idleBefore)}/${pct(bare.idleBefore)}`)
  return line(cells) + flag('tend', tend) + flag('bare', bare) + flag(`@${rate}/s`, atRate) + (row.sameSql ? '' : ' [SQL differs]')
}

function verdict(row: Row): string {
  const p99 = (f: Figures) => (f.p99 < AIM_P99_MS ? 'ok' : `${f.p99} ms`)
  const atRate = row.atRate ? `, at ${rate} req/s ${p99(row.atRate)}` : ''
  return `${row.db} / ${row.scenario}: p99 at saturation ${p99(row.tend)}${atRate}; ratio ${row.ratio >= AIM_RATIO ? 'ok' : row.ratio.toFixed(2)}`
}

const load = loadavg()[0]!
if (load > 0.5 * cpus().length) console.warn(`warning: load average is ${load.toFixed(1)} on ${cpus().length} CPUs before the run; figures will be low and noisy`)
console.log(`bench:api: scale ${scale}, ${duration} s per run after ${WARMUP_SECONDS} s warm-up, ${connections} connections, ${rounds} rounds, databases: ${dialects.join(', ')}`)

const runs: Run[] = []
for (const dialect of dialects) runs.push(await runOn(dialect))

console.log(`\n${line([...COLUMNS])}`)
for (const run of runs) for (const row of run.rows) console.log(formatRow(row))
console.log(`(best of ${rounds} rounds each; latencies in ms; ratio = Tend req/s ÷ bare req/s; @${rate}/s = Tend offered a steady ${rate} req/s;`)
console.log(` idle = CPU idle before the Tend / bare round kept; * = not in the issue's list; aims: p99 < ${AIM_P99_MS} ms, ratio ≥ ${AIM_RATIO})\n`)
for (const run of runs) for (const row of run.rows) console.log(verdict(row))

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  settings: { scale, duration, warmup: WARMUP_SECONDS, connections, rounds, quietWait, quietIdle: QUIET_IDLE, rate, aims: { p99Ms: AIM_P99_MS, ratio: AIM_RATIO } },
  runs,
}
const dir = new URL('./results/', import.meta.url)
mkdirSync(dir, { recursive: true })
const file = new URL(`api-${results.date.replace(/[:.]/g, '-')}.json`, dir)
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
console.log(`\nwrote ${file.pathname}`)
