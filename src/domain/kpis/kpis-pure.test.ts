import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { computeTrustScore } from '../trust/model.ts'
import { accountsAt, computeWeekKpis, teamsAt, managersAt, weekStartOf, weeksBetween, type HistoryExperience, type KpiHistory, type KpiRow } from './compute.ts'
import { addMoney, convertMoney } from './money.ts'
import { computeRoi } from './roi.ts'
import { correlate, fisherInterval, pearson, ranks, spearman } from './stats.ts'

const t = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T12:00:00Z` : iso)
const exp = (id: string, at: string, userIds: string[], stakeholderIds: string[], extra: Partial<HistoryExperience> = {}): HistoryExperience => ({
  id, occurredAt: t(at), kind: 'meeting', valence: 1, direction: 'mutual', initiator: 'us', depth: 'meaningful', source: 'manual', userIds, stakeholderIds, ...extra,
})

function history(): KpiHistory {
  const from = t('2025-01-01')
  return {
    reportingLines: [
      { userId: 'M', managerId: null, validFrom: from, validTo: null },
      { userId: 'N', managerId: null, validFrom: from, validTo: null },
      { userId: 'A', managerId: 'M', validFrom: from, validTo: t('2026-02-01') },
      { userId: 'A', managerId: 'N', validFrom: t('2026-02-01'), validTo: null },
      { userId: 'B', managerId: 'M', validFrom: from, validTo: null },
    ],
    accounts: [{ id: 'acc1', tier: 'strategic', ownerId: 'A' }, { id: 'acc2', tier: 'standard', ownerId: 'B' }],
    accountLines: [
      { accountId: 'acc1', tier: 'strategic', ownerId: 'A', validFrom: t('2025-06-01'), validTo: null },
      { accountId: 'acc2', tier: 'standard', ownerId: 'B', validFrom: t('2025-06-01'), validTo: null },
    ],
    stakeholders: [{ id: 's1', accountId: 'acc1', influence: 4 }, { id: 's2', accountId: 'acc2', influence: 3 }, { id: 's3', accountId: 'acc1', influence: 2 }],
    relationships: [
      { id: 'r1', userId: 'A', stakeholderId: 's1', importance: 5, cadenceDays: 30, createdAt: t('2025-12-01'), archivedAt: null },
      { id: 'r2', userId: 'B', stakeholderId: 's2', importance: 3, cadenceDays: 30, createdAt: t('2025-12-01'), archivedAt: null },
      { id: 'r3', userId: 'A', stakeholderId: 's3', importance: 4, cadenceDays: 30, createdAt: t('2026-03-01'), archivedAt: null },
    ],
    experiences: [
      exp('e1', '2026-01-06', ['A'], ['s1'], { direction: 'we_gave', valence: 2 }),
      exp('e2', '2026-01-07', ['B'], ['s2'], { kind: 'email', direction: 'we_asked', valence: null, depth: 'routine', source: 'email' }),
      exp('e3', '2026-01-08', ['B'], ['s2'], { kind: 'escalation', valence: -1 }),
    ],
    revenue: [
      { accountId: 'acc1', bookedOn: '2026-01-06', amount: 100, currency: 'USD' },
      { accountId: 'acc1', bookedOn: '2026-01-07', amount: 50.5, currency: 'EUR' },
      { accountId: 'acc2', bookedOn: '2026-01-12', amount: 70, currency: 'USD' },
    ],
    opportunities: [{ accountId: 'acc2', openedOn: '2026-01-09', value: 1000, currency: 'USD' }],
  }
}
const find = (rows: KpiRow[], type: string, id: string) => rows.find((r) => r.scopeType === type && r.scopeId === id)

describe('KPI week computation', () => {
  test('weeks start on Monday (UTC)', () => {
    assert.equal(weekStartOf('2026-01-11'), '2026-01-05')
    assert.equal(weekStartOf(t('2026-01-05')), '2026-01-05')
    assert.deepEqual(weeksBetween('2026-01-01', '2026-01-19'), ['2025-12-29', '2026-01-05', '2026-01-12', '2026-01-19'])
  })

  test('teams are the manager subtrees as of the time', () => {
    const lines = history().reportingLines
    assert.deepEqual([...teamsAt(managersAt(lines, t('2026-01-10'))).get('M')!].sort(), ['A', 'B', 'M'])
    const feb = teamsAt(managersAt(lines, t('2026-02-10')))
    assert.deepEqual([...feb.get('M')!].sort(), ['B', 'M'])
    assert.deepEqual([...feb.get('N')!].sort(), ['A', 'N'])
    // A user's first line reaches back before they were added: their imported past counts.
    assert.equal(managersAt(lines, t('2020-01-01')).get('A'), 'M')
  })

  test('computes the week of 5 January 2026 by hand', () => {
    const h = history()
    const rows = computeWeekKpis(h, '2026-01-05')
    const asOf = t('2026-01-12T00:00:00Z') - 1
    const s1 = computeTrustScore([h.experiences[0]!], { cadenceDays: 30 }, asOf)
    const s2 = computeTrustScore([h.experiences[1]!, h.experiences[2]!], { cadenceDays: 30 }, asOf)
    assert.equal(s1.isCold, false)
    assert.equal(s2.isCold, true) // an email and an escalation are not meaningful contact
    const org = find(rows, 'org', '')!
    assert.equal(org.people, 4)
    assert.equal(org.relationships, 2) // r3 does not exist yet
    assert.equal(org.keyRelationships, 1)
    assert.equal(org.keyCovered, 1)
    assert.equal(org.coldCount, 1)
    assert.equal(org.trustAvg, Math.round(((s1.score + s2.score) / 2) * 10) / 10)
    assert.equal(org.trustBands.reduce((a, b) => a + b, 0), 2)
    assert.deepEqual([org.experiences, org.gave, org.asked, org.escalations, org.referrals], [3, 1, 1, 1, 0])
    assert.deepEqual(org.revenue, { USD: 100, EUR: 50.5 }) // two currencies, never added
    assert.equal(org.newOpportunities, 1)
    assert.deepEqual(org.newOpportunityValue, { USD: 1000 })

    const teamM = find(rows, 'team', 'M')!
    assert.deepEqual([teamM.people, teamM.relationships, teamM.coldCount], [3, 2, 1])
    assert.equal(find(rows, 'team', 'N'), undefined) // N has nobody reporting yet
    const a = find(rows, 'user', 'A')!
    assert.deepEqual([a.relationships, a.experiences, a.gave, a.trustAvg], [1, 1, 1, s1.score])
    assert.deepEqual(a.revenue, { USD: 100, EUR: 50.5 })
    assert.deepEqual(find(rows, 'user', 'B')!.newOpportunityValue, { USD: 1000 })
    assert.equal(find(rows, 'tier', 'strategic')!.relationships, 1)
    assert.equal(find(rows, 'account', 'acc1')!.trustAvg, s1.score) // one scored stakeholder
    assert.equal(find(rows, 'account', 'acc2')!.escalations, 1)
  })

  test('a user who moves team takes only future weeks along', () => {
    const h = history()
    const feb = computeWeekKpis(h, '2026-02-09')
    assert.deepEqual([find(feb, 'team', 'M')!.people, find(feb, 'team', 'M')!.relationships], [2, 1])
    assert.deepEqual([find(feb, 'team', 'N')!.people, find(feb, 'team', 'N')!.relationships], [2, 1])
    assert.equal(find(computeWeekKpis(h, '2026-01-05'), 'team', 'M')!.relationships, 2)
  })

  test('an account moving from tier key to strategic keeps its earlier weeks in key; its revenue follows the owner of the week', () => {
    const h = history()
    // acc2 was a key account of B's until 1 February 2026, then became strategic and A's.
    const moved: KpiHistory = {
      ...h,
      accounts: [h.accounts[0]!, { id: 'acc2', tier: 'strategic', ownerId: 'A' }],
      accountLines: [
        h.accountLines[0]!,
        { accountId: 'acc2', tier: 'key', ownerId: 'B', validFrom: t('2025-06-01'), validTo: t('2026-02-01') },
        { accountId: 'acc2', tier: 'strategic', ownerId: 'A', validFrom: t('2026-02-01'), validTo: null },
      ],
      revenue: [...h.revenue, { accountId: 'acc2', bookedOn: '2026-02-10', amount: 30, currency: 'USD' }],
    }
    assert.deepEqual(accountsAt(moved, t('2026-01-20')).get('acc2'), { id: 'acc2', tier: 'key', ownerId: 'B' })
    assert.deepEqual(accountsAt(moved, t('2026-02-02')).get('acc2'), { id: 'acc2', tier: 'strategic', ownerId: 'A' })
    // The first known tier reaches back before the account was added (imported history counts).
    assert.equal(accountsAt(moved, t('2020-01-01')).get('acc2')!.tier, 'key')
    // An account with no history rows has its current tier.
    assert.equal(accountsAt({ accounts: [{ id: 'x', tier: 'key', ownerId: null }], accountLines: [] }, 0).get('x')!.tier, 'key')

    const jan = computeWeekKpis(moved, '2026-01-12')
    assert.deepEqual([find(jan, 'tier', 'key')!.relationships, find(jan, 'tier', 'key')!.revenue], [1, { USD: 70 }])
    assert.deepEqual([find(jan, 'tier', 'strategic')!.relationships, find(jan, 'tier', 'strategic')!.revenue], [1, {}])
    assert.equal(find(jan, 'tier', 'standard'), undefined)
    assert.deepEqual(find(jan, 'user', 'B')!.revenue, { USD: 70 })
    assert.deepEqual(find(jan, 'user', 'A')!.revenue, {})
    // The same weeks computed before the move was known are unchanged by it.
    assert.deepEqual(jan.filter((r) => r.scopeType === 'tier'), computeWeekKpis({ ...h, accountLines: [h.accountLines[0]!, { ...moved.accountLines[1]!, validTo: null }] }, '2026-01-12').filter((r) => r.scopeType === 'tier'))

    const feb = computeWeekKpis(moved, '2026-02-09')
    assert.equal(find(feb, 'tier', 'key'), undefined)
    assert.deepEqual([find(feb, 'tier', 'strategic')!.relationships, find(feb, 'tier', 'strategic')!.revenue], [2, { USD: 30 }])
    assert.deepEqual(find(feb, 'user', 'A')!.revenue, { USD: 30 })
    assert.deepEqual(find(feb, 'user', 'B')!.revenue, {})
  })

  test('a week is reproducible: later history does not change it; a new relationship counts from its creation', () => {
    const h = history()
    const before = computeWeekKpis(h, '2026-01-05')
    const later = { ...h, experiences: [...h.experiences, exp('e9', '2026-04-01', ['A'], ['s3'])], revenue: [...h.revenue, { accountId: 'acc1', bookedOn: '2026-04-01', amount: 5, currency: 'USD' }] }
    assert.deepEqual(computeWeekKpis(later, '2026-01-05'), before)
    const march = find(computeWeekKpis(h, '2026-03-02'), 'user', 'A')!
    assert.equal(march.relationships, 2)
    assert.equal(march.keyRelationships, 2)
    assert.equal(march.coldCount, 2) // r1 last met 6 January, r3 never
  })

  test('a week with no data reads zero activity and no trust average', () => {
    const empty: KpiHistory = { reportingLines: [], accounts: [], accountLines: [], stakeholders: [], relationships: [], experiences: [], revenue: [], opportunities: [] }
    const [org] = computeWeekKpis(empty, '2026-01-05')
    assert.deepEqual([org!.people, org!.relationships, org!.trustAvg, org!.revenue], [0, 0, null, {}])
  })
})

describe('money', () => {
  test('converts only with a stated rate for every currency', () => {
    assert.deepEqual(addMoney({ USD: 0.1 }, 'USD', 0.2), { USD: 0.3 })
    assert.deepEqual(convertMoney({ USD: 100, EUR: 50 }, { base: 'USD', rates: { EUR: 1.1 } }), { currency: 'USD', amount: 155 })
    assert.deepEqual(convertMoney({ USD: 100, GBP: 50 }, { base: 'USD', rates: { EUR: 1.1 } }), { currency: 'USD', amount: null, missingRates: ['GBP'] })
    assert.deepEqual(convertMoney({ USD: 100 }, null), { currency: 'USD', amount: 100 })
  })
})

describe('statistics', () => {
  test('Pearson, Spearman and Fisher intervals against hand-computed values', () => {
    const xs = [1, 2, 3, 4, 5]
    const ys = [2, 4, 5, 4, 5]
    assert.ok(Math.abs(pearson(xs, ys)! - 6 / Math.sqrt(60)) < 1e-12) // sxy 6, sxx 10, syy 6
    assert.deepEqual(ranks(ys), [1, 2.5, 4.5, 2.5, 4.5])
    assert.ok(Math.abs(spearman(xs, ys)! - 7 / Math.sqrt(90)) < 1e-12)
    const [lo, hi] = fisherInterval(6 / Math.sqrt(60), 5)!
    assert.ok(Math.abs(lo - -0.3402) < 1e-3 && Math.abs(hi - 0.9843) < 1e-3, `${lo} ${hi}`)
    assert.equal(pearson([1, 2, 3], [4, 4, 4]), null)
    assert.equal(fisherInterval(0.5, 3), null)
    assert.deepEqual(correlate([1, 2], [1, 2], 'pearson'), { method: 'pearson', r: null, n: 2, ci95: null })
  })
})

describe('ROI', () => {
  test('growth and retention by trust band, correlation and exclusions', () => {
    const rates = { base: 'USD', rates: { EUR: 2 } }
    const roi = computeRoi([
      { accountId: 'a', name: 'A', trust: 20, revenueBefore: { USD: 100 }, revenueAfter: { USD: 0 } },
      { accountId: 'b', name: 'B', trust: 50, revenueBefore: { USD: 100 }, revenueAfter: { USD: 110 } },
      { accountId: 'c', name: 'C', trust: 80, revenueBefore: { EUR: 50 }, revenueAfter: { USD: 150 } },
      { accountId: 'd', name: 'D', trust: 90, revenueBefore: { USD: 200 }, revenueAfter: { USD: 300 } },
      { accountId: 'e', name: 'E', trust: null, revenueBefore: { USD: 1 }, revenueAfter: { USD: 1 } },
      { accountId: 'f', name: 'F', trust: 60, revenueBefore: { JPY: 1 }, revenueAfter: {} },
      { accountId: 'g', name: 'G', trust: 75, revenueBefore: {}, revenueAfter: { USD: 10 } },
    ], rates, 'USD')
    assert.deepEqual(roi.excluded, { noTrust: 1, noRate: 1, noRevenueBefore: 1 })
    const high = roi.bands.find((b) => b.band === 'high')!
    assert.deepEqual([high.accounts, high.revenueBefore, high.revenueAfter, high.growth, high.retention, high.retainedOf], [3, 300, 460, 0.5333, 1, 2])
    assert.deepEqual(roi.bands.find((b) => b.band === 'low')!.retention, 0)
    // growth: a −1, b 0.1, c 0.5, d 0.5 against trust 20, 50, 80, 90: ranks agree except the tie
    const spear = roi.correlations.find((c) => c.method === 'spearman')!
    assert.equal(spear.n, 4)
    assert.equal(spear.r, Math.round(spearman([20, 50, 80, 90], [-1, 0.1, 0.5, 0.5])! * 1000) / 1000)
    assert.match(roi.interpretation[0]!, /4 accounts/)
    assert.match(roi.interpretation.join(' '), /not proof/)
  })
})
