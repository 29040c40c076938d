import { createServer } from 'node:net'
import { after, before } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { sql } from 'kysely'
import { loadConfig } from '../../src/config.ts'
import { createDemoOrganisation, type DemoOrganisation } from '../../src/domain/demo/seed.ts'
import { recomputeOrganisation } from '../../src/domain/trust/refresh.ts'
import { buildApp, type App } from '../../src/http/app.ts'
import type { Db } from '../../src/db/connect.ts'
import { openTestDb } from '../db.ts'
import { DESKTOP, launchBrowser, logIn, newContext } from './browser.ts'

export type TestServer = { url: string; app: App; db: Db; demo: DemoOrganisation; close: () => Promise<void> }

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/**
 * The real server on an ephemeral port: a fresh migrated database (PGlite or PostgreSQL, as
 * TEST_DB says), the demo organisation with its trust scores stored, and the built web app.
 */
export async function startTestServer(): Promise<TestServer> {
  const handle = await openTestDb()
  const demo = await createDemoOrganisation(handle.db, { slug: 'demo' })
  // Fresh planner statistics after the bulk insert; without them PGlite plans the trust queries
  // as nested loops over the whole demo (minutes instead of milliseconds).
  await sql`analyze`.execute(handle.db)
  await recomputeOrganisation(handle.db, demo.orgId, new Date())
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const config = loadConfig({ LOG_LEVEL: 'silent', TEND_DATA_DIR: 'memory://', PORT: String(port), PUBLIC_URL: url })
  const app = await buildApp({ config, db: handle.db })
  await app.listen({ port, host: '127.0.0.1' })
  return {
    url, app, db: handle.db, demo,
    close: async () => {
      await app.close()
      await handle.close()
    },
  }
}

export type WebEnv = {
  readonly server: TestServer
  readonly browser: Browser
  /** A fresh browser context signed in as the demo admin. */
  signedInPage: (viewport?: { width: number; height: number }) => Promise<Page>
}

/**
 * One server and one Chromium for a test file: started before its tests (both settled before
 * failing, so that `after` closes whichever did start), closed after them.
 */
export function useWebEnv(): WebEnv {
  let server: TestServer | undefined
  let browser: Browser | undefined
  before(async () => {
    const [s, b] = await Promise.allSettled([startTestServer(), launchBrowser()])
    if (s.status === 'fulfilled') server = s.value
    if (b.status === 'fulfilled') browser = b.value
    if (s.status === 'rejected') throw s.reason
    if (b.status === 'rejected') throw b.reason
  }, { timeout: 180_000 })
  after(async () => {
    await browser?.close()
    await server?.close()
  })
  const env: WebEnv = {
    get server() { return server! },
    get browser() { return browser! },
    signedInPage: async (viewport = DESKTOP) => {
      const context = await newContext(env.browser, env.server.url, viewport)
      const page = await context.newPage()
      await logIn(page, env.server.demo.email, env.server.demo.password)
      return page
    },
  }
  return env
}
