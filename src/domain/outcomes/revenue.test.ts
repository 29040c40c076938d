import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { call, makeOrg, useTestEnv } from '../../../test/helpers.ts'
import { createRandom, type Random } from '../demo/random.ts'
import { importOutcomes } from './import.ts'
import { monthOf, nextMonth, planRevenueRead, previousMonth, sumRevenue, type RevenueWindow } from './revenue.ts'
import { getOutcomesReport } from './service.ts'

const env = useTestEnv()

describe('revenue read plan (pure)', () => {
  test('months', () => {
    assert.equal(monthOf('2026-03-17'), '2026-03-01')
    assert.equal(nextMonth('2026-03-01'), '2026-04-01')
    assert.equal(nextMonth('2026-12-01'), '2027-01-01')
    assert.equal(previousMonth('2026-03-01'), '2026-02-01')
    assert.equal(previousMonth('2026-01-01'), '2025-12-01')
  })

  test('revenue before each edge: running sums through the month before, plus that month up to the edge', () => {
    // The default outcomes period: [from, to), lifetime to `to`, trailing 12 months: two edges.
    assert.deepEqual(planRevenueRead([{ from: '2025-12-04', to: '2026-12-04' }, { from: null, to: '2026-12-04' }, { from: '2025-12-04', to: '2026-12-04' }]), [
      { at: '2025-12-04', monthBefore: '2025-11-01', partial: { from: '2025-12-01', to: '2025-12-04' } },
      { at: '2026-12-04', monthBefore: '2026-11-01', partial: { from: '2026-12-01', to: '2026-12-04' } },
    ])
    // Month-aligned edges read no entries at all.
    assert.deepEqual(planRevenueRead([{ from: '2024-01-01', to: '2025-01-01' }, { from: '2025-01-01', to: null }]), [
      { at: '2024-01-01', monthBefore: '2023-12-01', partial: null },
      { at: '2025-01-01', monthBefore: '2024-12-01', partial: null },
    ])
    // All time: no edge, the totals alone.
    assert.deepEqual(planRevenueRead([{ from: null, to: null }]), [])
    assert.throws(() => planRevenueRead([]))
  })
})

type Key = string
const key = (...parts: unknown[]) => parts.map(String).join('|')

/**
 * The rollup tables against revenue_entries, for one organisation: every month with entries has
 * their sums; each account and currency has one row per month from its first month with
 * revenue to its last, running sums included; totals match.
 */
async function assertRollupMatches(db: Db, orgId: string, step: string) {
  const direct = await sql<{ account_id: string; m: string; currency: string; amount: number; n: number }>`
    SELECT account_id, date_trunc('month', booked_on::timestamp)::date AS m, currency, sum(amount) AS amount, count(*)::int AS n
    FROM revenue_entries WHERE org_id = ${orgId} GROUP BY 1, 2, 3`.execute(db)
  const monthly = await db.selectFrom('revenue_monthly').selectAll().where('org_id', '=', orgId).orderBy('account_id').orderBy('currency').orderBy('month_start').execute()
  const asMap = <T>(rows: T[], k: (r: T) => Key, v: (r: T) => unknown) => new Map(rows.map((r) => [k(r), v(r)]))
  assert.deepEqual(
    asMap(monthly.filter((r) => r.entries > 0), (r) => key(r.account_id, r.month_start, r.currency), (r) => [r.amount, r.entries]),
    asMap(direct.rows, (r) => key(r.account_id, r.m, r.currency), (r) => [r.amount, r.n]),
    `${step}: revenue_monthly`,
  )
  const directTotals = await sql<{ account_id: string; currency: string; amount: number; n: number; first: string; last: string }>`
    SELECT account_id, currency, sum(amount) AS amount, count(*)::int AS n FROM revenue_entries WHERE org_id = ${orgId} GROUP BY 1, 2`.execute(db)
  const totals = await db.selectFrom('revenue_totals').selectAll().where('org_id', '=', orgId).execute()
  assert.deepEqual(
    asMap(totals, (r) => key(r.account_id, r.currency), (r) => [r.amount, r.entries]),
    asMap(directTotals.rows, (r) => key(r.account_id, r.currency), (r) => [r.amount, r.n]),
    `${step}: revenue_totals`,
  )
  // Dense months and running sums, per account and currency.
  for (const t of totals) {
    const rows = monthly.filter((r) => r.account_id === t.account_id && r.currency === t.currency)
    assert.equal(rows[0]?.month_start, t.first_month, `${step}: first month`)
    assert.equal(rows.at(-1)?.month_start, t.last_month, `${step}: last month`)
    let cents = 0
    let n = 0
    for (const [i, r] of rows.entries()) {
      if (i > 0) assert.equal(r.month_start, nextMonth(rows[i - 1]!.month_start), `${step}: months without a gap`)
      cents += Math.round(r.amount * 100)
      n += r.entries
      assert.deepEqual([r.cum_amount, r.cum_entries], [cents / 100, n], `${step}: running sums of ${t.account_id} ${t.currency} at ${r.month_start}`)
    }
    assert.deepEqual([cents / 100, n], [t.amount, t.entries], `${step}: the last running sums are the totals`)
  }
  assert.equal(monthly.filter((r) => !totals.some((t) => t.account_id === r.account_id && t.currency === r.currency)).length, 0, `${step}: no orphan months`)
}

const day = (rnd: Random) => `${rnd.int(2023, 2026)}-${String(rnd.int(1, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`
const edge = (rnd: Random) => (rnd.chance(0.3) ? monthOf(day(rnd)) : day(rnd))

/** sumRevenue over random windows against the same sums taken straight from the entries. */
async function assertWindowsMatch(db: Db, orgId: string, rnd: Random, step: string) {
  for (let round = 0; round < 6; round++) {
    const windows: RevenueWindow[] = []
    for (let i = 0; i < 3; i++) {
      const [a, b] = [edge(rnd), edge(rnd)].sort() as [string, string]
      windows.push({ from: rnd.chance(0.25) ? null : a, to: rnd.chance(0.15) ? null : b === a ? nextMonth(monthOf(b)) : b })
    }
    const got = await sumRevenue(db, orgId, windows)
    const cond = (w: RevenueWindow) => sql.join([sql`TRUE`, ...(w.from ? [sql`booked_on >= ${w.from}::date`] : []), ...(w.to ? [sql`booked_on < ${w.to}::date`] : [])], sql` AND `)
    const direct = await sql<Record<string, unknown> & { account_id: string; currency: string }>`
      SELECT account_id, currency, ${sql.join(windows.map((w, i) => sql`sum(amount) FILTER (WHERE ${cond(w)}) AS ${sql.ref(`w${i}`)}`))}
      FROM revenue_entries WHERE org_id = ${orgId} GROUP BY 1, 2`.execute(db)
    const expected = new Map(direct.rows.map((r) => [key(r.account_id, r.currency.trim()), windows.map((_, i) => (r[`w${i}`] === null ? null : Number(r[`w${i}`])))]))
    const actual = new Map(got.map((r) => [key(r.accountId, r.currency), r.sums]))
    // A key with nothing in any window may be left out by the rollup read; fill it as all-null.
    for (const k of expected.keys()) if (!actual.has(k)) actual.set(k, windows.map(() => null))
    for (const [k, v] of [...actual]) if (!expected.has(k) && v.every((x) => x === null)) actual.delete(k)
    assert.deepEqual(actual, expected, `${step}: windows ${JSON.stringify(windows)}`)
  }
}

const saasCsv = (rows: { id: string; date: string; customer: string; sales: string }[]) =>
  ['Row ID,Order ID,Order Date,Customer,Product,Sales', ...rows.map((r) => `${r.id},O-${r.id},${r.date},${r.customer},Widget,${r.sales}`)].join('\n') + '\n'
const usDate = (iso: string) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}/${iso.slice(0, 4)}`

describe('revenue rollup', () => {
  test('equals a direct aggregate of revenue_entries after inserts, edits, deletes and imports', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const other = await makeOrg(db)
    const rnd = createRandom(8)
    const accounts: string[] = []
    for (const name of ['Acme', 'Globex', 'Initech', 'Umbrella']) {
      const res = await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name } })
      assert.equal(res.statusCode, 201, res.body)
      accounts.push(res.json().id)
    }
    const amount = () => Math.round(rnd.float(-500, 5000) * 100) / 100
    const check = async (step: string) => {
      await assertRollupMatches(db, org.id, step)
      await assertWindowsMatch(db, org.id, rnd, step)
    }

    // Inserts through the API, one at a time; a credit note that cancels a sale keeps its month (sum 0, 2 entries).
    for (let i = 0; i < 25; i++) {
      const res = await call(app, org.rep, { method: 'POST', url: '/api/v1/outcomes/revenue', payload: { accountId: rnd.pick(accounts), bookedOn: day(rnd), amount: amount(), currency: rnd.pick(['USD', 'EUR']) } })
      assert.equal(res.statusCode, 201, res.body)
    }
    for (const amountOf of [1234.56, -1234.56]) await call(app, org.rep, { method: 'POST', url: '/api/v1/outcomes/revenue', payload: { accountId: accounts[0], bookedOn: '2022-06-15', amount: amountOf, currency: 'GBP' } })
    await check('after API inserts')
    const zero = await db.selectFrom('revenue_monthly').select(['amount', 'entries']).where('org_id', '=', org.id).where('month_start', '=', '2022-06-01').where('currency', '=', 'GBP').executeTakeFirstOrThrow()
    assert.deepEqual(zero, { amount: 0, entries: 2 })

    // One multi-row statement, as the demo seed writes.
    await db.insertInto('revenue_entries').values(Array.from({ length: 300 }, (_, i) => ({
      org_id: org.id, account_id: rnd.pick(accounts), booked_on: day(rnd), amount: amount(), currency: rnd.pick(['USD', 'EUR', 'USD']), source: 'test', external_id: `bulk-${i}`,
    }))).execute()
    // Another organisation's revenue must not leak into these sums.
    const strangerAccount = (await call(app, other.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Acme' } })).json().id
    await call(app, other.rep, { method: 'POST', url: '/api/v1/outcomes/revenue', payload: { accountId: strangerAccount, bookedOn: '2024-05-05', amount: 999, currency: 'USD' } })
    await check('after a bulk insert')

    // Edits: amounts, dates across months, currencies, accounts; one statement touching many rows.
    await db.updateTable('revenue_entries').set({ amount: sql`amount * 2` }).where('org_id', '=', org.id).where('external_id', 'like', 'bulk-1%').execute()
    await db.updateTable('revenue_entries').set({ booked_on: sql`booked_on + 20` }).where('org_id', '=', org.id).where('external_id', 'like', 'bulk-2%').execute()
    await db.updateTable('revenue_entries').set({ currency: 'CHF' }).where('org_id', '=', org.id).where('external_id', 'like', 'bulk-3%').execute()
    await db.updateTable('revenue_entries').set({ account_id: accounts[3]! }).where('org_id', '=', org.id).where('external_id', 'like', 'bulk-4%').execute()
    await db.updateTable('revenue_entries').set({ description: 'touched, no money moved' }).where('org_id', '=', org.id).execute()
    await check('after edits')

    // Deletes, including every entry of one month (its rollup row goes) and of one currency (its total goes).
    await db.deleteFrom('revenue_entries').where('org_id', '=', org.id).where('external_id', 'like', 'bulk-5%').execute()
    await db.deleteFrom('revenue_entries').where('org_id', '=', org.id).where('booked_on', '>=', '2022-06-01').where('booked_on', '<', '2022-07-01').execute()
    await db.deleteFrom('revenue_entries').where('org_id', '=', org.id).where('currency', '=', 'CHF').execute()
    await check('after deletes')
    const june = await db.selectFrom('revenue_monthly').select(['amount', 'entries']).where('org_id', '=', org.id).where('month_start', '=', '2022-06-01').where('currency', '=', 'GBP').execute()
    assert.deepEqual(june, [], 'GBP had only June 2022: no entry left, no rollup rows')
    assert.equal((await db.selectFrom('revenue_totals').select('entries').where('org_id', '=', org.id).where('currency', '=', 'CHF').execute()).length, 0)

    // Import: new rows and an existing account by name; then the same file again changes nothing.
    const rows = Array.from({ length: 60 }, (_, i) => ({ id: String(1000 + i), date: usDate(day(rnd)), customer: rnd.pick(['Acme', 'Hooli', 'Vandelay']), sales: String(Math.round(rnd.float(1, 900) * 100) / 100) }))
    const first = await importOutcomes(db, org.admin.actor, { format: 'saas-sales', csv: saasCsv(rows), currency: 'USD' })
    assert.equal(first.revenueAdded, 60)
    await check('after an import')
    const snapshot = async () => ({
      monthly: await db.selectFrom('revenue_monthly').selectAll().where('org_id', '=', org.id).orderBy('account_id').orderBy('month_start').orderBy('currency').execute(),
      totals: await db.selectFrom('revenue_totals').selectAll().where('org_id', '=', org.id).orderBy('account_id').orderBy('currency').execute(),
    })
    const before = await snapshot()
    const again = await importOutcomes(db, org.admin.actor, { format: 'saas-sales', csv: saasCsv(rows), currency: 'USD' })
    assert.deepEqual([again.revenueAdded, again.alreadyImported], [0, 60])
    assert.deepEqual(await snapshot(), before, 're-importing changes nothing')

    // Deleting an account cascades to its entries and rollup rows alike.
    await db.deleteFrom('accounts').where('org_id', '=', org.id).where('id', '=', accounts[1]!).execute()
    await check('after an account is deleted')

    // The outcomes report (read from the rollup) equals sums taken straight from the entries.
    const report = await getOutcomesReport(db, org.analyst.actor, { from: '2024-02-10', to: '2025-11-20' })
    const direct = await sql<{ account_id: string; currency: string; period: number | null; ltv: number | null; t12: number | null }>`
      SELECT account_id, currency,
        sum(amount) FILTER (WHERE booked_on >= '2024-02-10' AND booked_on < '2025-11-20') AS period,
        sum(amount) FILTER (WHERE booked_on < '2025-11-20') AS ltv,
        sum(amount) FILTER (WHERE booked_on >= '2024-11-20' AND booked_on < '2025-11-20') AS t12
      FROM revenue_entries WHERE org_id = ${org.id} GROUP BY 1, 2`.execute(db)
    for (const a of report.accounts) {
      const mine = direct.rows.filter((r) => r.account_id === a.accountId)
      const pick = (f: 'period' | 'ltv' | 't12') => Object.fromEntries(mine.filter((r) => r[f] !== null).map((r) => [r.currency.trim(), Number(r[f])]))
      assert.deepEqual([a.revenue, a.lifetimeValue, a.trailing12Months], [pick('period'), pick('ltv'), pick('t12')], a.name)
    }
    assert.ok(report.accounts.some((a) => Object.keys(a.lifetimeValue).length > 0))
  })

  test('concurrent writes to the same accounts keep the rollup exact', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const ids: string[] = []
    for (const name of ['North', 'South']) ids.push((await call(app, org.rep, { method: 'POST', url: '/api/v1/accounts', payload: { name } })).json().id)
    const rnd = createRandom(21)
    // Each transaction writes both accounts, in either order, in months before, inside and after what exists.
    await Promise.all(Array.from({ length: 16 }, (_, i) => db.transaction().execute(async (trx) => {
      const rows = ids.map((accountId) => ({ org_id: org.id, account_id: accountId, booked_on: day(rnd), amount: Math.round(rnd.float(1, 999) * 100) / 100, currency: 'USD', source: 'test', external_id: `c-${i}-${accountId}` }))
      await trx.insertInto('revenue_entries').values(i % 2 ? rows : rows.reverse()).execute()
      if (i % 4 === 0) await trx.deleteFrom('revenue_entries').where('org_id', '=', org.id).where('external_id', '=', `c-${i}-${ids[0]}`).execute()
    })))
    await assertRollupMatches(db, org.id, 'after concurrent transactions')
    await assertWindowsMatch(db, org.id, rnd, 'after concurrent transactions')
  })
})
