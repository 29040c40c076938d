import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { chromium, type Browser, type Page } from 'playwright-core'
import { loadConfig } from '../src/config.ts'
import { connect } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createDemoOrganisation } from '../src/domain/demo/seed.ts'
import { recomputeOrganisation } from '../src/domain/trust/refresh.ts'
import { buildApp } from '../src/http/app.ts'
import { hash, idOf, pick } from './seed.ts'

// npm run bench:web -- [--visits=20] [--extra=10000]
//
// The demo organisation plus --extra stakeholders (each at an account of their own, so the
// accounts list also has that many more rows), on PGlite as `npm start` runs it, served by the
// real server with compression, driven by Debian's Chromium. It reports:
//   first load   JS and CSS bytes on the wire (compressed, as served) for a signed-in first visit;
//   cold visit   navigation → stakeholder page usable (name, trust score and timeline shown), with
//                an empty browser cache, p50/p95;
//   warm visit   the same with the cache warm (assets cached, a full page load);
//   in-app       clicking through to a stakeholder from the palette (client-side navigation);
//   floor        navigation → a server-rendered static HTML page of the same server (/docs/problems),
//                cold cache: what any page costs before the app does anything;
//   list scroll  frames while scrolling the whole virtualised accounts list (p95 frame time, long frames).

const { values: args } = parseArgs({ options: { visits: { type: 'string', default: '20' }, extra: { type: 'string', default: '10000' } } })
const visits = Number(args.visits)
const extra = Number(args.extra)
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const msf = (n: number) => `${n.toFixed(0)} ms`

const dir = mkdtempSync(join(tmpdir(), 'tend-bench-web-'))
const handle = await connect({ dataDir: dir })
try {
  await migrateToLatest(handle.db)
  const db = handle.db
  const started = performance.now()
  const demo = await createDemoOrganisation(db, { slug: 'demo' })
  const org = sql`${demo.orgId}::uuid`
  const k = sql.raw('k')
  await sql`INSERT INTO accounts (id, org_id, name, domains, tier, status)
    SELECT ${idOf('a', k)}, ${org}, 'Bench Account ' || k, ARRAY['bench' || k || '.example'], 'standard', 'active' FROM generate_series(1, ${sql.lit(extra)}) AS k`.execute(db)
  await sql`INSERT INTO stakeholders (id, org_id, account_id, name, emails, influence, attitude, search_text)
    SELECT ${idOf('s', k)}, ${org}, ${idOf('a', k)}, name, ARRAY[lower(replace(name, ' ', '.')) || k || '@bench' || k || '.example'], (1 + ${hash(k, 5)} % 5)::smallint, 'neutral',
      lower(name || ' ' || replace(name, ' ', '.') || k || '@bench' || k || '.example')
    FROM (SELECT k, ${pick(['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'], hash(k, 1))} || ' ' || ${pick(['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'], hash(k, 2))} AS name
      FROM generate_series(1, ${sql.lit(extra)}) AS k) AS s`.execute(db)
  await sql`analyze`.execute(db)
  await recomputeOrganisation(db, demo.orgId, new Date())
  console.log(`data: demo organisation + ${extra.toLocaleString('en')} stakeholders and accounts in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  const targets = await db.selectFrom('relationships as r')
    .innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'r.org_id').onRef('s.id', '=', 'r.stakeholder_id'))
    .select(['s.id', 's.name']).distinct()
    .where('r.org_id', '=', demo.orgId).where('r.archived_at', 'is', null)
    .orderBy('s.id').limit(visits).execute()

  const config = loadConfig({ LOG_LEVEL: 'silent', TEND_DATA_DIR: dir, PORT: '0', PUBLIC_URL: 'http://127.0.0.1' })
  const app = await buildApp({ config, db })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
  try {
    // Sign in once; every visit reuses the session cookie in a context of its own.
    const login = await browser.newContext({ baseURL: url })
    const loginPage = await login.newPage()
    await loginPage.goto('/login')
    await loginPage.getByRole('textbox', { name: 'Email' }).fill(demo.email)
    await loginPage.getByRole('textbox', { name: 'Password' }).fill(demo.password)
    await loginPage.getByRole('button', { name: 'Sign in' }).click()
    await loginPage.getByRole('navigation', { name: 'Main navigation' }).waitFor()
    const storageState = await login.storageState()
    await login.close()

    const usable = async (page: Page, name: string) => {
      await page.getByRole('heading', { level: 1, name }).waitFor()
      await page.getByRole('region', { name: 'Trust' }).getByLabel(/^Trust \d+ of 100$/).first().waitFor()
      await page.getByRole('region', { name: 'Timeline' }).waitFor()
    }

    // First load: bytes on the wire for a signed-in visit to Today (the shell and its first page).
    const sizes = { js: 0, css: 0, files: 0 }
    {
      const context = await browser.newContext({ baseURL: url, storageState })
      const page = await context.newPage()
      const cdp = await context.newCDPSession(page)
      await cdp.send('Network.enable')
      const types = new Map<string, string>()
      cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type))
      cdp.on('Network.loadingFinished', (e) => {
        const type = types.get(e.requestId)
        if (type === 'Script') sizes.js += e.encodedDataLength
        if (type === 'Stylesheet') sizes.css += e.encodedDataLength
        if (type === 'Script' || type === 'Stylesheet') sizes.files++
      })
      await page.goto('/')
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor()
      await page.waitForLoadState('networkidle')
      await context.close()
    }

    const cold: number[] = []
    const floor: number[] = []
    for (const target of targets) {
      const context = await browser.newContext({ baseURL: url, storageState })
      const page = await context.newPage()
      let t = performance.now()
      await page.goto('/docs/problems')
      await page.getByRole('heading', { level: 1 }).waitFor()
      floor.push(performance.now() - t)
      await context.close()

      const fresh = await browser.newContext({ baseURL: url, storageState })
      const visit = await fresh.newPage()
      t = performance.now()
      await visit.goto(`/stakeholders/${target.id}`)
      await usable(visit, target.name)
      cold.push(performance.now() - t)
      await fresh.close()
    }

    const warm: number[] = []
    const inApp: number[] = []
    {
      const context = await browser.newContext({ baseURL: url, storageState })
      const page = await context.newPage()
      await page.goto(`/stakeholders/${targets[0]!.id}`)
      await usable(page, targets[0]!.name)
      for (const target of targets) {
        const t = performance.now()
        await page.goto(`/stakeholders/${target.id}`)
        await usable(page, target.name)
        warm.push(performance.now() - t)
      }
      for (const target of targets) {
        await page.goto('/')
        await page.getByRole('navigation', { name: 'Main navigation' }).waitFor()
        await page.keyboard.press('Control+k')
        await page.getByRole('textbox', { name: 'Search' }).fill(target.name)
        const option = page.getByRole('dialog').getByRole('button', { name: new RegExp(target.name) }).first()
        await option.waitFor()
        const t = performance.now()
        await option.click()
        await usable(page, target.name)
        inApp.push(performance.now() - t)
      }

      // Scroll the whole accounts list: every page of it loads as the end comes into view.
      await page.goto('/accounts')
      await page.getByRole('row').nth(2).waitFor()
      const frames = (await page.evaluate(`(async () => {
        const el = [...document.querySelectorAll('[role=table] [role=rowgroup]')].find((g) => getComputedStyle(g).overflowY === 'auto')
        if (!el) throw new Error('no scrolling list found')
        const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)))
        const frames = []
        for (let i = 0; i < 5000; i++) {
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 2) {
            // At the end of what is loaded: wait (not timed) for the next page, or stop at the real end.
            const height = el.scrollHeight
            for (let w = 0; w < 100 && el.scrollHeight === height; w++) await new Promise((r) => setTimeout(r, 20))
            if (el.scrollHeight === height) break
            await frame()
          }
          const before = performance.now()
          el.scrollTop += 400
          await frame()
          frames.push(performance.now() - before)
        }
        return { frames, rows: el.querySelectorAll('[role=row]').length, height: el.scrollHeight }
      })()`)) as { frames: number[]; rows: number; height: number }
      const longFrames = frames.frames.filter((f) => f > 50).length
      console.log(`list scroll: ${frames.frames.length} frames over ${(frames.height / 56).toFixed(0)} rows (${frames.rows} rows in the DOM at the end): p50 ${msf(percentile(frames.frames, 0.5))}, p95 ${msf(percentile(frames.frames, 0.95))}, ${longFrames} frames over 50 ms`)
      await context.close()
    }

    console.log(`\nbench:web on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    console.log(`first load (signed in, Today): JS ${kb(sizes.js)} + CSS ${kb(sizes.css)} on the wire in ${sizes.files} files (aim: JS < 300 KB)`)
    console.log(`stakeholder page usable, ${targets.length} stakeholders:`)
    console.log(`  floor  static HTML page, cold cache   p50 ${msf(percentile(floor, 0.5))}  p95 ${msf(percentile(floor, 0.95))}`)
    console.log(`  cold   full load, empty cache         p50 ${msf(percentile(cold, 0.5))}  p95 ${msf(percentile(cold, 0.95))}  (${(percentile(cold, 0.5) / percentile(floor, 0.5)).toFixed(1)}× the floor; aim < 1 s)`)
    console.log(`  warm   full load, assets cached       p50 ${msf(percentile(warm, 0.5))}  p95 ${msf(percentile(warm, 0.95))}`)
    console.log(`  in-app from the search palette       p50 ${msf(percentile(inApp, 0.5))}  p95 ${msf(percentile(inApp, 0.95))}`)
  } finally {
    await browser.close()
    await app.close()
  }
} finally {
  await handle.close()
  rmSync(dir, { recursive: true, force: true })
}
