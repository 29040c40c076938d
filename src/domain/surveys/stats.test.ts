import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { suppressNested, suppressPartition } from './anonymity.ts'
import { answerValence, computeEsat, computeNps, computeSatisfaction, needsFollowUp, npsCategory, periodStart, satisfactionCategory, wilsonInterval } from './stats.ts'

const near = (actual: number | undefined, expected: number, tolerance = 0.01) => assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`)

// Every expected value below was worked out by hand (z = 1.96 rounded; tolerance 0.01 points
// covers the rounding of z): the arithmetic is written next to it.
describe('NPS', () => {
  test('no answers: no score and no interval', () => {
    assert.deepEqual(computeNps([]), { n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, mean: null, ci: null, basis: 'none' })
  })

  test('bucket boundaries: 6 is a detractor, 7 and 8 passives, 9 a promoter', () => {
    assert.deepEqual([0, 6, 7, 8, 9, 10].map(npsCategory), ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter'])
    const s = computeNps([6, 7, 8, 9])
    assert.deepEqual([s.n, s.promoters, s.passives, s.detractors, s.nps, s.mean], [4, 1, 2, 1, 0, 7.5])
    // n' = 7, p' = d' = 1.75/7 = 0.25, centre 0, var = 0.5, se = sqrt(0.5/7) = 0.26726, 1.96·se = 52.38 points
    near(s.ci?.low, -52.38)
    near(s.ci?.high, 52.38)
  })

  test('all passives: NPS 0 with an interval that does not collapse to a point', () => {
    const s = computeNps([7, 8, 7, 8])
    assert.deepEqual([s.nps, s.promoters, s.passives, s.detractors, s.basis], [0, 0, 4, 0, 'sample'])
    // n' = 7, p' = d' = 0.75/7 = 0.10714, var = 0.21429, se = sqrt(0.21429/7) = 0.17496 → ±34.29
    near(s.ci?.low, -34.29)
    near(s.ci?.high, 34.29)
    assert.equal(s.ci?.method, 'adjusted_wald')
  })

  test('a single promoter: NPS 100, a very wide interval, flagged as one answer', () => {
    const s = computeNps([10])
    assert.deepEqual([s.n, s.nps, s.basis], [1, 100, 'single_answer'])
    // n' = 4, p' = 1.75/4 = 0.4375, d' = 0.75/4 = 0.1875, centre 0.25, var = 0.625 − 0.0625 = 0.5625,
    // se = sqrt(0.5625/4) = 0.375, 1.96·0.375 = 0.735 → [25 − 73.50, 25 + 73.50]
    near(s.ci?.low, -48.50)
    near(s.ci?.high, 98.50)
    const d = computeNps([0])
    assert.deepEqual([d.nps, d.detractors], [-100, 1])
    near(d.ci?.low, -98.50)
    near(d.ci?.high, 48.50)
  })

  test('a mixed sample of ten', () => {
    const s = computeNps([10, 10, 9, 9, 9, 8, 7, 6, 3, 0])
    // 5 promoters, 2 passives, 3 detractors: (5 − 3)/10 = 20
    assert.deepEqual([s.promoters, s.passives, s.detractors, s.nps, s.mean], [5, 2, 3, 20, 7.1])
    // n' = 13, p' = 5.75/13 = 0.44231, d' = 3.75/13 = 0.28846, centre 0.15385,
    // var = 0.73077 − 0.02367 = 0.70710, se = sqrt(0.70710/13) = 0.23322, 1.96·se = 0.45711
    near(s.ci?.low, -30.33)
    near(s.ci?.high, 61.10)
  })
})

describe('CSAT and ESAT', () => {
  test('no answers', () => {
    assert.deepEqual(computeSatisfaction([]), { n: 0, satisfied: 0, neutral: 0, dissatisfied: 0, score: null, mean: null, ci: null, basis: 'none' })
    assert.deepEqual(computeEsat([]), computeSatisfaction([]))
  })

  test('3 is neutral, 4 and 5 satisfied, 1 and 2 dissatisfied', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(satisfactionCategory), ['dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'satisfied'])
    const s = computeSatisfaction([5, 4, 3, 2, 1])
    assert.deepEqual([s.satisfied, s.neutral, s.dissatisfied, s.score, s.mean], [2, 1, 2, 40, 3])
    // Wilson, p = 0.4, n = 5, z² = 3.8416: denom = 1.76832, centre = (0.4 + 0.38416)/1.76832 = 0.44345,
    // half = 1.96·sqrt(0.048 + 0.038416)/1.76832 = 0.32583 → [11.76, 76.93]
    near(s.ci?.low, 11.76)
    near(s.ci?.high, 76.93)
  })

  test('a single answer', () => {
    const s = computeSatisfaction([5])
    assert.deepEqual([s.score, s.basis], [100, 'single_answer'])
    // centre = (1 + 1.9208)/4.8416 = 0.60327, half = 1.96·sqrt(0.9604)/4.8416 = 0.39673 → [20.65, 100]
    near(s.ci?.low, 20.65)
    near(s.ci?.high, 100)
    near(wilsonInterval(0, 1)?.high, 79.35)
  })

  test('ESAT is hidden below five answers and shown from five', () => {
    const four = computeEsat([5, 4, 4, 2])
    assert.equal('suppressed' in four && four.suppressed, true)
    assert.equal(four.n, null)
    const five = computeEsat([5, 4, 4, 2, 5])
    assert.ok(!('suppressed' in five))
    assert.deepEqual([five.n, five.score], [5, 80])
    // p = 0.8: centre = (0.8 + 0.38416)/1.76832 = 0.66966, half = 1.96·sqrt(0.032 + 0.038416)/1.76832 = 0.29412
    near(five.ci?.low, 37.55)
    near(five.ci?.high, 96.38)
  })
})

describe('ESAT secondary suppression', () => {
  test('a partition hides enough groups that no small remainder can be subtracted', () => {
    // 5 + 1: the 1 is hidden, and 6 − 5 would reveal it, so the 5 is hidden too.
    assert.deepEqual(suppressPartition([5, 1], 5), [true, true])
    // 6 + 5 + 2: the 2 alone is hidden; hiding the 5 as well makes the hidden total 7 ≥ 5.
    assert.deepEqual(suppressPartition([6, 5, 2], 5), [false, true, true])
    assert.deepEqual(suppressPartition([5, 5], 5), [false, false])
    assert.deepEqual(suppressPartition([3], 5), [true])
    assert.deepEqual(suppressPartition([0, 7], 5), [false, false])
  })

  test('nested teams: a team is hidden when it differs from a containing team or the whole by 1–4', () => {
    const big = new Set(['a', 'b', 'c', 'd', 'e', 'f'])
    const sub = new Set(['a', 'b', 'c', 'd', 'e'])
    const other = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'])
    // whole = 11: big (6) differs from the whole by 5 (shown); sub (5) differs from big by 1 (hidden).
    assert.deepEqual(suppressNested([big, sub], 11, 5), [false, true])
    // whole = 7: big differs from the whole by 1 (hidden).
    assert.deepEqual(suppressNested([big], 7, 5), [true])
    assert.deepEqual(suppressNested([other, big], 11, 5), [false, false])
  })
})

describe('answers as experiences and follow-ups', () => {
  test('valence from the score: detractors negative', () => {
    assert.deepEqual([0, 4, 5, 6, 7, 8, 9, 10].map((s) => answerValence('nps', s)), [-2, -2, -1, -1, 0, 0, 1, 2])
    assert.deepEqual([1, 2, 3, 4, 5].map((s) => answerValence('csat', s)), [-2, -1, 0, 1, 2])
  })

  test('NPS 0–6 and CSAT 1–2 open a follow-up', () => {
    assert.deepEqual([6, 7].map((s) => needsFollowUp('nps', s)), [true, false])
    assert.deepEqual([2, 3].map((s) => needsFollowUp('csat', s)), [true, false])
    assert.equal(needsFollowUp('esat', 1), false)
    assert.equal(needsFollowUp('nps', null), false)
  })

  test('periods start on the first day (weeks on Monday, UTC)', () => {
    const d = new Date('2026-11-22T23:30:00Z') // a Sunday
    assert.deepEqual((['week', 'month', 'quarter', 'year'] as const).map((p) => periodStart(d, p)), ['2026-11-16', '2026-11-01', '2026-10-01', '2026-01-01'])
  })
})

describe('properties', () => {
  const npsScores = fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 200 })

  test('NPS stays in −100…100, counts add up, the interval is ordered and in range, order does not matter', () => {
    fc.assert(fc.property(npsScores, (scores) => {
      const s = computeNps(scores)
      assert.equal(s.promoters + s.passives + s.detractors, scores.length)
      if (scores.length === 0) return
      assert.ok(s.nps! >= -100 && s.nps! <= 100)
      assert.ok(s.ci!.low <= s.ci!.high && s.ci!.low >= -100 && s.ci!.high <= 100)
      assert.deepEqual(computeNps([...scores].reverse()), s)
    }))
  })

  test('one more promoter never lowers NPS; one more detractor never raises it', () => {
    fc.assert(fc.property(npsScores, (scores) => {
      const nps = computeNps(scores).nps ?? 0
      assert.ok(computeNps([...scores, 10]).nps! >= nps - 1e-9)
      assert.ok(computeNps([...scores, 0]).nps! <= nps + 1e-9)
    }))
  })

  test('the Wilson interval holds the observed share and narrows as n grows at the same share', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), (n, k) => {
      const successes = k % (n + 1)
      const ci = wilsonInterval(successes, n)!
      const share = (100 * successes) / n
      assert.ok(ci.low <= share + 1e-9 && share <= ci.high + 1e-9)
      const wider = wilsonInterval(successes * 2, n * 2)!
      assert.ok(wider.high - wider.low <= ci.high - ci.low + 1e-9)
    }))
  })
})
