import type { Db } from '../../db/connect.ts'
import type { ScheduledTask } from '../jobs/worker.ts'
import { DAY_MS } from '../trust/model.ts'
import { rebuildSnapshots } from './history.ts'

// Keep the weekly KPI snapshots current without anyone running `tend kpis snapshot`: every few
// hours, rebuild the last two weeks of every organisation (the running week and the one before,
// whose late entries may still arrive). Weeks are computed from history as of their end, so a
// rebuild is idempotent and older weeks never change.

const EVERY_MS = 6 * 3_600_000

export async function refreshRecentSnapshots(db: Db, now: Date): Promise<number> {
  const orgs = await db.selectFrom('organisations').select('id').execute()
  const since = new Date(now.getTime() - 14 * DAY_MS).toISOString().slice(0, 10)
  let rows = 0
  for (const org of orgs) rows += (await rebuildSnapshots(db, org.id, { since, until: now })).rows
  return rows
}

export const kpiSnapshotTask: ScheduledTask = { name: 'KPI snapshots', everyMs: EVERY_MS, run: refreshRecentSnapshots }
