import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { openTestDb } from '../../../test/db.ts'
import type { DbHandle } from '../connect.ts'
import { migrateTo, migrateToLatest } from '../migrate.ts'

// Migration 0011 on a database that already has accounts and revenue: history and rollup start
// from the rows that exist, and the triggers keep them from then on.
let handle: DbHandle
before(async () => {
  handle = await openTestDb({ migrate: false })
})
after(async () => handle?.close())

describe('migration 0011 on existing rows', () => {
  test('backfills account history from created_at and the revenue rollup from the entries', async () => {
    const db = handle.db
    await migrateTo(db, '0008_digest')
    const run = (q: string) => sql.raw(q).execute(db)
    await run(`INSERT INTO organisations (id, name, slug) VALUES ('00000000-0000-4000-8000-000000000001', 'Old', 'old')`)
    await run(`INSERT INTO users (id, org_id, email, name, role) VALUES ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'a@old.test', 'Ann', 'rep')`)
    await run(`INSERT INTO accounts (id, org_id, name, tier, owner_id, created_at) VALUES
      ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-000000000001', 'Acme', 'key', '00000000-0000-4000-8000-0000000000a1', '2024-03-04T10:00:00Z'),
      ('00000000-0000-4000-8000-0000000000c2', '00000000-0000-4000-8000-000000000001', 'Globex', 'standard', NULL, '2025-01-02T00:00:00Z')`)
    await run(`INSERT INTO revenue_entries (org_id, account_id, booked_on, amount, currency, source, external_id) VALUES
      ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000c1', '2024-03-05', 100.10, 'USD', 'old', '1'),
      ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000c1', '2024-03-31', 0.20, 'USD', 'old', '2'),
      ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000c1', '2024-04-01', 5, 'EUR', 'old', '3'),
      ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000c2', '2025-02-14', 7.5, 'USD', 'old', '4')`)

    // The later migrations run too (0009, 0010, 0012: they are unordered and independent of 0011).
    assert.ok((await migrateToLatest(db)).includes('0011_kpis_more'))

    const history = await db.selectFrom('account_history').select(['account_id', 'tier', 'owner_id', 'valid_from', 'valid_to']).orderBy('account_id').execute()
    assert.deepEqual(history.map((h) => [h.account_id.slice(-2), h.tier, h.owner_id?.slice(-2) ?? null, h.valid_from.toISOString(), h.valid_to]), [
      ['c1', 'key', 'a1', '2024-03-04T10:00:00.000Z', null],
      ['c2', 'standard', null, '2025-01-02T00:00:00.000Z', null],
    ])
    const monthly = await db.selectFrom('revenue_monthly').select(['account_id', 'month_start', 'currency', 'amount', 'entries']).orderBy('account_id').orderBy('month_start').execute()
    assert.deepEqual(monthly.map((m) => [m.account_id.slice(-2), m.month_start, m.currency, m.amount, m.entries]), [
      ['c1', '2024-03-01', 'USD', 100.3, 2],
      ['c1', '2024-04-01', 'EUR', 5, 1],
      ['c2', '2025-02-01', 'USD', 7.5, 1],
    ])
    const totals = await db.selectFrom('revenue_totals').select(['account_id', 'currency', 'amount', 'entries']).orderBy('account_id').orderBy('currency').execute()
    assert.deepEqual(totals.map((m) => [m.account_id.slice(-2), m.currency, m.amount, m.entries]), [['c1', 'EUR', 5, 1], ['c1', 'USD', 100.3, 2], ['c2', 'USD', 7.5, 1]])

    // From now on the triggers keep both.
    await run(`UPDATE accounts SET tier = 'strategic' WHERE id = '00000000-0000-4000-8000-0000000000c2'`)
    await run(`INSERT INTO revenue_entries (org_id, account_id, booked_on, amount, currency, source, external_id) VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000c2', '2025-02-01', 2.5, 'USD', 'old', '5')`)
    const c2 = await db.selectFrom('account_history').select(['tier', 'valid_to']).where('account_id', '=', '00000000-0000-4000-8000-0000000000c2').orderBy('valid_from').execute()
    assert.deepEqual(c2.map((h) => [h.tier, h.valid_to === null]), [['standard', false], ['strategic', true]])
    const feb = await db.selectFrom('revenue_monthly').select(['amount', 'entries']).where('account_id', '=', '00000000-0000-4000-8000-0000000000c2').executeTakeFirstOrThrow()
    assert.deepEqual(feb, { amount: 10, entries: 2 })
    // An UPDATE that moves money between months, then a TRUNCATE.
    await run(`UPDATE revenue_entries SET booked_on = '2025-03-03', amount = amount + 1 WHERE external_id = '5'`)
    const moved = await db.selectFrom('revenue_monthly').select(['month_start', 'amount', 'entries']).where('account_id', '=', '00000000-0000-4000-8000-0000000000c2').orderBy('month_start').execute()
    assert.deepEqual(moved, [{ month_start: '2025-02-01', amount: 7.5, entries: 1 }, { month_start: '2025-03-01', amount: 3.5, entries: 1 }])
    await run(`TRUNCATE revenue_entries`)
    assert.equal((await db.selectFrom('revenue_monthly').select('entries').execute()).length, 0)
    assert.equal((await db.selectFrom('revenue_totals').select('entries').execute()).length, 0)
  })
})
