import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration'
import type { Db } from './connect.ts'
import * as m0001 from './migrations/0001_core.ts'
import * as m0002 from './migrations/0002_trust.ts'
import * as m0003 from './migrations/0003_capture.ts'
import * as m0004 from './migrations/0004_contacts.ts'
import * as m0005 from './migrations/0005_plans_moments.ts'
import * as m0006 from './migrations/0006_surveys.ts'
import * as m0007 from './migrations/0007_kpis.ts'
import * as m0008 from './migrations/0008_digest.ts'
import * as m0009 from './migrations/0009_trust_speed.ts'
import * as m0010 from './migrations/0010_capture_more.ts'
import * as m0011 from './migrations/0011_kpis_more.ts'
import * as m0012 from './migrations/0012_survey_source_time_zones.ts'
import * as m0013 from './migrations/0013_trust_refresh_function.ts'
import * as m0014 from './migrations/0014_trust_binary_history.ts'
import * as m0015 from './migrations/0015_trust_stored_entry.ts'
import * as m0016 from './migrations/0016_trust_stored_history.ts'
import * as m0017 from './migrations/0017_trust_account_queue.ts'
import * as m0018 from './migrations/0018_trust_scores_cleanup_triggers.ts'

// Explicit list rather than a folder scan: the same files run from tsx, tests and any bundler.
const MIGRATIONS: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_trust': m0002,
  '0003_capture': m0003,
  '0004_contacts': m0004,
  '0005_plans_moments': m0005,
  '0006_surveys': m0006,
  '0007_kpis': m0007,
  '0008_digest': m0008,
  '0009_trust_speed': m0009,
  '0010_capture_more': m0010,
  '0011_kpis_more': m0011,
  '0012_survey_source_time_zones': m0012,
  '0013_trust_refresh_function': m0013,
  '0014_trust_binary_history': m0014,
  '0015_trust_stored_entry': m0015,
  '0016_trust_stored_history': m0016,
  '0017_trust_account_queue': m0017,
  '0018_trust_scores_cleanup_triggers': m0018,
}

// Unordered: migrations written on parallel branches land in any order; each still runs once.
const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS }

/** Run every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`Migration ${failed} failed: ${(error as Error).message}`, { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Run the migrations up to and including `name` (tests of a migration on existing rows). */
export async function migrateTo(db: Db, name: string): Promise<void> {
  if (!(name in MIGRATIONS)) throw new Error(`Unknown migration ${name}`)
  const { error } = await new Migrator({ db, provider }).migrateTo(name)
  if (error) throw new Error(`Migrating to ${name} failed: ${(error as Error).message}`, { cause: error })
}
