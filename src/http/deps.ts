import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'

/** What every route plugin receives: plain values, wired once in app.ts. */
export type AppDeps = { config: Config; db: Db }
