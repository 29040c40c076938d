import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { openTestDb } from '../../../test/db.ts'
import type { DbHandle } from '../connect.ts'
import { migrateTo, migrateToLatest } from '../migrate.ts'

// Migrations 0016 and 0017 on a database that already has experiences: every stakeholder's
// history is stored as its experiences give it, and both go down and up again.
let handle: DbHandle
before(async () => {
  handle = await openTestDb({ migrate: false })
})
after(async () => handle?.close())

const ORG = '00000000-0000-4000-8000-000000000001'
const id = (suffix: string) => `00000000-0000-4000-8000-0000000000${suffix}`

describe('migrations 0016 and 0017 on existing rows', () => {
  test('store each stakeholder\'s history from its active experiences, and go down and up again', async () => {
    const db = handle.db
    await migrateTo(db, '0015_trust_stored_entry')
    const run = (q: string) => sql.raw(q).execute(db)
    await run(`INSERT INTO organisations (id, name, slug) VALUES ('${ORG}', 'Old', 'old')`)
    await run(`INSERT INTO users (id, org_id, email, name, role) VALUES ('${id('a1')}', '${ORG}', 'a@old.test', 'Ann', 'rep'), ('${id('a2')}', '${ORG}', 'b@old.test', 'Bo', 'rep')`)
    await run(`INSERT INTO stakeholders (id, org_id, name) VALUES ('${id('b1')}', '${ORG}', 'Ada'), ('${id('b2')}', '${ORG}', 'Bob'), ('${id('b3')}', '${ORG}', 'Cyd')`)
    await run(`INSERT INTO experiences (id, org_id, occurred_at, kind, valence, direction, initiator, depth, source, archived_at) VALUES
      ('${id('e1')}', '${ORG}', '2025-01-02T10:00:00Z', 'meeting', 1, 'mutual', 'us', 'routine', 'manual', NULL),
      ('${id('e2')}', '${ORG}', '2025-02-03T10:00:00Z', 'help', 2, 'we_gave', 'us', 'meaningful', 'manual', NULL),
      ('${id('e3')}', '${ORG}', '2025-03-04T10:00:00Z', 'email', NULL, 'they_gave', 'them', 'routine', 'email', NULL),
      ('${id('e4')}', '${ORG}', '2025-04-05T10:00:00Z', 'complaint', -2, 'they_gave', 'them', 'routine', 'manual', '2025-04-06T00:00:00Z')`)
    await run(`INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id) VALUES
      ('${ORG}', '${id('e1')}', '${id('b1')}'), ('${ORG}', '${id('e2')}', '${id('b1')}'), ('${ORG}', '${id('e2')}', '${id('b2')}'),
      ('${ORG}', '${id('e3')}', '${id('b2')}'), ('${ORG}', '${id('e4')}', '${id('b3')}')`)
    await run(`INSERT INTO experience_users (org_id, experience_id, user_id) VALUES
      ('${ORG}', '${id('e1')}', '${id('a1')}'), ('${ORG}', '${id('e2')}', '${id('a1')}'), ('${ORG}', '${id('e2')}', '${id('a2')}'), ('${ORG}', '${id('e4')}', '${id('a1')}')`)

    const migrated = await migrateToLatest(db)
    assert.ok(migrated.includes('0016_trust_stored_history') && migrated.includes('0017_trust_account_queue'), migrated.join())
    /** Each stored history as its entries: experience and user (the last two hex digits of each), sorted. */
    const stored = async () => {
      const rows = await db.selectFrom('stakeholder_histories').select(['stakeholder_id', 'history']).orderBy('stakeholder_id').execute()
      return rows.map((r) => {
        const entries: string[] = []
        for (let o = 0; o < r.history.length; o += 44) {
          const hex = Buffer.from(r.history.subarray(o, o + 44)).toString('hex')
          entries.push(`${hex.slice(30, 32)}/${hex.slice(86, 88)}`)
        }
        return [r.stakeholder_id.slice(-2), entries.sort()]
      })
    }
    // Bob's email has none of our people: its entry has sixteen zero bytes for a user. Cyd's only
    // experience is archived: no history.
    const expected = [['b1', ['e1/a1', 'e2/a1', 'e2/a2']], ['b2', ['e2/a1', 'e2/a2', 'e3/00']]]
    assert.deepEqual(await stored(), expected)
    const entry = await sql<{ at: number }>`SELECT position(e.trust_entry || '\\x00000000000000000000000000000000'::bytea IN h.history) AS at
      FROM stakeholder_histories h JOIN experiences e ON e.id = ${id('e3')} WHERE h.stakeholder_id = ${id('b2')}`.execute(db)
    assert.equal((entry.rows[0]!.at - 1) % 44, 0, 'an entry is the experience\'s stored part and the user')

    await migrateTo(db, '0015_trust_stored_entry')
    const tables = await sql<{ name: string | null }>`SELECT to_regclass('stakeholder_histories')::text AS name UNION ALL SELECT to_regclass('account_score_queue')::text`.execute(db)
    assert.deepEqual(tables.rows, [{ name: null }, { name: null }])
    await sql`SELECT * FROM tend_trust_scoring_rows(${ORG}, ${[id('b1')]}::uuid[], '{}'::uuid[], now())`.execute(db)
    await migrateToLatest(db)
    assert.deepEqual(await stored(), expected)
    const rows = await sql<{ id: string; history_built: boolean }>`SELECT id, history_built FROM tend_trust_scoring_rows(${ORG}, ${[id('b1')]}::uuid[], '{}'::uuid[], '{}'::uuid[])`.execute(db)
    assert.deepEqual(rows.rows, [{ id: id('b1'), history_built: false }])
  })
})
