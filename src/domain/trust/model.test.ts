import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { experienceDraftArb } from '../../../test/trust-arbitraries.ts'
import {
  DAY_MS, SOURCES,
  canonicalOrder, computeAggregateScore, computeExactTrustScore, computeState, computeTrustScore, computeTrustTrend,
  isMeaningfulExperience, isNegativeExperience,
  type TrustExperience,
} from './model.ts'

const AS_OF = Date.UTC(2025, 5, 30, 12)
const RUNS = { numRuns: Number(process.env.TRUST_RUNS ?? 200) }
const HISTORY_DAYS = 720

type Draft = Omit<TrustExperience, 'id'>

const draftArb = (fromDays = HISTORY_DAYS, toDays = 0): fc.Arbitrary<Draft> =>
  experienceDraftArb(fc.integer({ min: AS_OF - fromDays * DAY_MS, max: AS_OF - toDays * DAY_MS }))

const withIds = (prefix: string, drafts: readonly Draft[]): TrustExperience[] =>
  drafts.map((d, i) => ({ id: `${prefix}${i}`, ...d }))

/** Random histories of up to 25 experiences over the two years before AS_OF (by default). */
const historyArb = (fromDays = HISTORY_DAYS, toDays = 0, maxLength = 25) =>
  fc.array(draftArb(fromDays, toDays), { maxLength }).map((d) => withIds('h', d))
const cadenceArb = fc.integer({ min: 1, max: 365 })
const valenceSizeArb = fc.constantFrom(1, 2)
const nonNegativeValenceArb = fc.constantFrom(null, 0, 1, 2)

const exp = (id: string, occurredAt: number, over: Partial<TrustExperience> = {}): TrustExperience => ({
  id, occurredAt, kind: 'meeting', valence: 1, direction: 'mutual', initiator: 'us', depth: 'meaningful',
  source: 'manual', ...over,
})
const exact = (h: readonly TrustExperience[], cadenceDays: number, at = AS_OF) =>
  computeExactTrustScore(h, { cadenceDays }, at)

describe('canonical order', () => {
  test('is the stable (time, id) order, for short histories (insertion sort) and long ones (typed-array sort)', () => {
    // Few instants and few ids: same-time experiences and repeated ids (one experience, several users) are common.
    const itemArb = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 5 }))
      .map(([t, k]): TrustExperience => ({ ...exp(`e${k}`, AS_OF - t * DAY_MS) }))
    fc.assert(fc.property(fc.array(itemArb, { maxLength: 80 }), (items) => {
      const order = canonicalOrder(items)
      const expected = items.map((_, i) => i).sort((x, y) => items[x]!.occurredAt - items[y]!.occurredAt
        || (items[x]!.id < items[y]!.id ? -1 : items[x]!.id > items[y]!.id ? 1 : 0) || x - y)
      assert.deepEqual(order === null ? items.map((_, i) => i) : [...order], expected)
    }), { numRuns: 500 })
  })
})

describe('T1 culmination: the score depends on the whole history', () => {
  test('an earlier rated experience moves the score in its direction, not only the last event', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, draftArb(60, 1), valenceSizeArb, fc.boolean(),
      (history, cadence, draft, size, isPositive) => {
        const last = exp('last', AS_OF, { kind: 'call', valence: 1 })
        const earlier = { ...draft, id: 'earlier', valence: isPositive ? size : -size }
        const base = exact([...history, last], cadence)
        const withEarlier = exact([...history, earlier, last], cadence)
        if (isPositive) {
          assert.ok(withEarlier >= base)
          if (withEarlier > 0 && base < 99.9) assert.ok(withEarlier > base, `${withEarlier} > ${base}`)
        } else {
          assert.ok(withEarlier <= base)
          if (base > 0) assert.ok(withEarlier < base, `${withEarlier} < ${base}`)
        }
      }), RUNS)
  })

  test('two relationships with the same last event but different pasts score differently', () => {
    const last = exp('last', AS_OF)
    const good = [...Array.from({ length: 6 }, (_, k) => exp(`g${k}`, AS_OF - (k + 1) * 20 * DAY_MS)), last]
    const bad = [exp('b0', AS_OF - 40 * DAY_MS, { kind: 'complaint', valence: -2 }), last]
    assert.ok(exact(good, 30) > exact([last], 30))
    assert.ok(exact([last], 30) > exact(bad, 30))
  })
})

describe('T2 bad is stronger than good', () => {
  test('a -v experience lowers the score more than the same +v experience raises it', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, draftArb(0, 0), valenceSizeArb, (history, cadence, draft, size) => {
      const base = exact(history, cadence)
      const up = exact([...history, { ...draft, id: 'x', valence: size }], cadence) - base
      const down = base - exact([...history, { ...draft, id: 'x', valence: -size }], cadence)
      assert.ok(up >= 0)
      // Near the floor there is little left to lose: the property holds whenever the drop is not clipped.
      if (base - down > 0 && up > 0) assert.ok(down > up, `down ${down} > up ${up}`)
    }), RUNS)
  })

  test('after N quiet days the negative still weighs more than the positive', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, draftArb(0, 0), valenceSizeArb, fc.integer({ min: 1, max: 400 }),
      (history, cadence, draft, size, days) => {
        // A neutral meaningful touch at the same moment holds the indifference clock equal in all three.
        const anchored = [...history, exp('anchor', AS_OF, { valence: 0 })]
        const later = AS_OF + days * DAY_MS
        const base = exact(anchored, cadence, later)
        const up = exact([...anchored, { ...draft, id: 'x', valence: size }], cadence, later) - base
        const down = base - exact([...anchored, { ...draft, id: 'x', valence: -size }], cadence, later)
        if (base - down > 0 && up > 0) assert.ok(down > up, `down ${down} > up ${up}`)
      }), RUNS)
  })

  test('a negative starts 2.5 times as heavy as the same positive and fades more slowly', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, draftArb(0, 0), fc.integer({ min: 1, max: 700 }), (history, cadence, d, days) => {
      // Both in one history, so their impacts share the same score scale and their ratio is exact.
      const pair = [...history, { ...d, id: 'plus', valence: 1 }, { ...d, id: 'minus', valence: -1 }]
      const ratio = (at: number) => {
        const { contributions } = computeTrustScore(pair, { cadenceDays: cadence }, at)
        const impact = (id: string) => contributions.find((c) => c.experienceId === id)!.impact
        return -impact('minus') / impact('plus')
      }
      assert.ok(Math.abs(ratio(AS_OF) - 2.5) < 1e-9, `${ratio(AS_OF)}`)
      assert.ok(ratio(AS_OF + days * DAY_MS) > ratio(AS_OF))
    }), RUNS)
  })
})

describe('T3 repair', () => {
  const strongGive = (id: string, at: number) =>
    exp(id, at, { kind: 'help', valence: 2, direction: 'we_gave', depth: 'meaningful' })

  test('each rated positive after a negative raises the score again', () => {
    fc.assert(fc.property(historyArb(HISTORY_DAYS, 30), cadenceArb, draftArb(29, 20), draftArb(19, 0), valenceSizeArb,
      (history, cadence, incident, recovery, size) => {
        const withIncident = [...history, { ...incident, id: 'n', valence: -size }]
        const repaired = [...withIncident, { ...recovery, id: 'p', valence: size }]
        assert.ok(exact(repaired, cadence) >= exact(withIncident, cadence))
      }), RUNS)
  })

  test('enough positives bring the score back above its pre-incident level', () => {
    fc.assert(fc.property(historyArb(HISTORY_DAYS, 1), cadenceArb, draftArb(0, 0), valenceSizeArb,
      (history, cadence, incident, size) => {
        const preIncident = exact(history, cadence)
        fc.pre(preIncident < 99.9)
        const mended = [...history, { ...incident, id: 'n', valence: -size }]
        let recovered = false
        for (let day = 1; day <= 120 && !recovered; day++) {
          mended.push(strongGive(`p${day}`, AS_OF + day * DAY_MS))
          recovered = exact(mended, cadence, AS_OF + day * DAY_MS) > preIncident
        }
        assert.ok(recovered)
      }), RUNS)
  })

  test('repair is modest: an incident plus its repair never beats the repair alone', () => {
    fc.assert(fc.property(historyArb(HISTORY_DAYS, 1), cadenceArb, draftArb(0, 0), valenceSizeArb,
      fc.array(fc.integer({ min: 1, max: 89 }), { minLength: 1, maxLength: 20 }),
      (history, cadence, incident, size, days) => {
        const repairs = days.map((d, k) => strongGive(`p${k}`, AS_OF + d * DAY_MS))
        const at = AS_OF + 90 * DAY_MS
        const withIncident = exact([...history, { ...incident, id: 'n', valence: -size }, ...repairs], cadence, at)
        assert.ok(withIncident <= exact([...history, ...repairs], cadence, at))
      }), RUNS)
  })

  test('repair forgives part of the incident, never more than half of it', () => {
    fc.assert(fc.property(cadenceArb, fc.array(fc.integer({ min: 1, max: 89 }), { maxLength: 12 }), (cadence, days) => {
      // The reference incident is too old to be repaired, so the ratio of impacts isolates the repair.
      const reference = exp('ref', AS_OF - 400 * DAY_MS, { kind: 'complaint', valence: -2 })
      const incident = exp('n', AS_OF - 90 * DAY_MS, { kind: 'service_failure', valence: -2 })
      const repairs = days.map((d, k) => strongGive(`p${k}`, AS_OF - (90 - d) * DAY_MS))
      const share = (history: TrustExperience[]) => {
        const { contributions } = computeTrustScore(history, { cadenceDays: cadence }, AS_OF)
        const impact = (id: string) => contributions.find((c) => c.experienceId === id)!.impact
        return impact('n') / impact('ref')
      }
      const unrepaired = share([reference, incident])
      const repaired = share([reference, incident, ...repairs])
      assert.ok(repaired <= unrepaired)
      if (repairs.length > 0) assert.ok(repaired < unrepaired)
      assert.ok(repaired > 0.5 * unrepaired - 1e-9)
    }), RUNS)
  })
})

describe('T4 indifference', () => {
  test('with no new experiences the score never rises', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 400 }),
      (history, cadence, gap, more) => {
        const t0 = AS_OF + gap * DAY_MS
        const s0 = exact(history, cadence, t0)
        const s1 = exact(history, cadence, t0 + more * DAY_MS)
        assert.ok(s1 <= s0, `${s1} <= ${s0}`)
        if (s0 > 0.01 && s0 < 99.9) assert.ok(s1 < s0)
      }), RUNS)
  })

  const nonNegativeHistoryArb = historyArb().map((h) =>
    h.filter((e) => !(e.valence !== null && e.valence < 0) && !['service_failure', 'escalation', 'complaint'].includes(e.kind)))

  test('a short cadence decays faster than a long one', () => {
    fc.assert(fc.property(nonNegativeHistoryArb, cadenceArb, cadenceArb, fc.integer({ min: 1, max: 300 }),
      (history, c1, c2, days) => {
        const [short, long] = c1 <= c2 ? [c1, c2] : [c2, c1]
        const later = AS_OF + days * DAY_MS
        assert.ok(exact(history, short) <= exact(history, long) + 1e-9)
        const shortKept = exact(history, short, later) / exact(history, short)
        const longKept = exact(history, long, later) / exact(history, long)
        if (exact(history, short) > 0.01) assert.ok(shortKept <= longKept + 1e-9, `${shortKept} <= ${longKept}`)
      }), RUNS)
  })

  test('beyond the cadence since the last meaningful experience it is cold', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, (history, cadence) => {
      const result = computeTrustScore(history, { cadenceDays: cadence }, AS_OF)
      const meaningful = history.filter(isMeaningfulExperience).map((e) => e.occurredAt)
      const last = meaningful.length > 0 ? Math.max(...meaningful) : null
      assert.equal(result.lastMeaningfulAt, last)
      assert.equal(result.isCold, last === null || AS_OF - last > cadence * DAY_MS)
      assert.equal(result.isCold, result.daysSinceMeaningful === null || result.daysSinceMeaningful > cadence)
      if (result.isCold) assert.equal(result.state, 'cold')
    }), RUNS)
  })

  test('one-way outbound mail alone never stops a relationship going cold', () => {
    const pitches = Array.from({ length: 60 }, (_, k) =>
      exp(`m${k}`, AS_OF - k * 3 * DAY_MS, { kind: 'email', valence: null, depth: 'routine', source: 'email' }))
    const result = computeTrustScore(pitches, { cadenceDays: 30 }, AS_OF)
    assert.equal(result.isCold, true)
    assert.ok(result.score < 20)
  })
})

/** Checks that replacing `from` by `to` (same time, same valence) never lowers the score. */
function assertSwapRaises(history: TrustExperience[], cadence: number, from: TrustExperience, to: TrustExperience) {
  const before = exact([...history, from], cadence)
  const after = exact([...history, to], cadence)
  assert.ok(after >= before, `${after} >= ${before}`)
  if (after > 0 && before < 99.9) assert.ok(after > before, `${after} > ${before}`)
}

const routineArb = fc.record({
  occurredAt: fc.integer({ min: AS_OF - 60 * DAY_MS, max: AS_OF }),
  kind: fc.constantFrom('email', 'message', 'call', 'meeting') as fc.Arbitrary<TrustExperience['kind']>,
  // Rated: an unrated give lands in another kind's weekly cap, which a busy week may already fill.
  valence: fc.constantFrom(0, 1, 2),
  source: fc.constantFrom(...SOURCES),
}).map((r): TrustExperience => ({ ...r, id: 'x', direction: 'we_asked', initiator: 'us', depth: 'routine' }))

describe('T5 giving counts', () => {
  test('a give (help, insight, introduction, invitation) beats a routine sales contact of the same valence', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, routineArb,
      fc.constantFrom('help', 'insight', 'introduction', 'invitation') as fc.Arbitrary<TrustExperience['kind']>,
      (history, cadence, routine, kind) => {
        assertSwapRaises(history, cadence, routine, { ...routine, kind, direction: 'we_gave' })
      }), RUNS)
  })
})

describe('T6 two-way', () => {
  test('the same experience initiated by the stakeholder counts more than one we initiated', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, draftArb(60, 0), nonNegativeValenceArb, (history, cadence, d, valence) => {
      const ours = { ...d, id: 'x', valence, initiator: 'us' as const }
      fc.pre(!isNegativeExperience(ours))
      assertSwapRaises(history, cadence, ours, { ...ours, initiator: 'them' })
    }), RUNS)
  })

  test('captured inbound mail counts more than one-way outbound mail', () => {
    const mail = (k: number, initiator: 'us' | 'them') =>
      exp(`m${k}`, AS_OF - k * 5 * DAY_MS, { kind: 'email', valence: null, depth: 'routine', initiator, source: 'email' })
    const outbound = Array.from({ length: 12 }, (_, k) => mail(k, 'us'))
    const twoWay = Array.from({ length: 12 }, (_, k) => mail(k, k % 2 === 0 ? 'us' : 'them'))
    assert.ok(exact(twoWay, 30) > exact(outbound, 30))
  })
})

describe('T7 depth', () => {
  test('a personal or meaningful experience outweighs a routine one of the same valence', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, draftArb(60, 0), nonNegativeValenceArb,
      fc.constantFrom('meaningful', 'personal') as fc.Arbitrary<TrustExperience['depth']>,
      (history, cadence, d, valence, depth) => {
        const routine = { ...d, id: 'x', valence, depth: 'routine' as const }
        fc.pre(!isNegativeExperience(routine))
        assertSwapRaises(history, cadence, routine, { ...routine, depth })
      }), RUNS)
  })
})

describe('T8 volume saturates', () => {
  const mails = (count: number, from: number, d: Draft) =>
    Array.from({ length: count }, (_, k): TrustExperience =>
      ({ ...d, id: `m${count}-${k}`, kind: 'email', valence: null, occurredAt: from + Math.floor((k * 30 * DAY_MS) / count) }))

  test('1000 captured emails in a month give less than 3x the gain of 10', () => {
    // Cadence >= 7 days: 10 mails in a month keep in touch as well as 1000 do, so only volume differs.
    fc.assert(fc.property(historyArb(HISTORY_DAYS, 31), fc.integer({ min: 7, max: 365 }), draftArb(), (history, cadence, d) => {
      const from = AS_OF - 30 * DAY_MS
      const base = exact(history, cadence)
      // At the floor part of any gain only cancels old negatives; elsewhere the score is concave.
      fc.pre(base > 0)
      const gain10 = exact([...history, ...mails(10, from, d)], cadence) - base
      const gain1000 = exact([...history, ...mails(1000, from, d)], cadence) - base
      assert.ok(gain1000 >= gain10)
      assert.ok(gain1000 <= 3 * gain10 + 1e-9, `${gain1000} <= 3 × ${gain10}`)
    }), { numRuns: Math.ceil(RUNS.numRuns / 3) })
  })

  test('captured metadata weighs less than the same experience rated and logged', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, draftArb(60, 0), fc.constantFrom(0, 1, 2), (history, cadence, d, valence) => {
      const captured = { ...d, id: 'x', valence: null }
      fc.pre(!['service_failure', 'escalation', 'complaint'].includes(d.kind))
      assertSwapRaises(history, cadence, captured, { ...captured, valence })
    }), RUNS)
  })

  test('1000 captured emails weigh less than 4 (let alone 1000) rated meaningful positive experiences', () => {
    const from = AS_OF - 30 * DAY_MS
    const d: Draft = { occurredAt: from, kind: 'email', valence: null, direction: 'mutual', initiator: 'them', depth: 'routine', source: 'email' }
    const oneRated = exact([exp('r', AS_OF - 15 * DAY_MS)], 30)
    const thousand = exact(mails(1000, from, d), 30)
    assert.ok(thousand < oneRated * 1000)
    assert.ok(thousand < 4 * oneRated, `${thousand} < 4 × ${oneRated}`)
  })
})

describe('T9 explainable', () => {
  test('contributions list every counted experience and their impacts add up to the score', () => {
    fc.assert(fc.property(historyArb(HISTORY_DAYS, -60), cadenceArb, (history, cadence) => {
      const result = computeTrustScore(history, { cadenceDays: cadence }, AS_OF)
      const counted = history.filter((e) => e.occurredAt <= AS_OF).map((e) => e.id).sort()
      assert.deepEqual(result.contributions.map((c) => c.experienceId).sort(), counted)
      const sum = result.contributions.reduce((s, c) => s + c.impact, 0)
      // Identity: score = max(0, Σ impact), up to the score's rounding to 1 decimal.
      assert.ok(Math.abs(Math.max(0, sum) - result.score) <= 0.05 + 1e-9, `${sum} vs ${result.score}`)
      const weights = result.contributions.reduce((s, c) => s + c.weight, 0)
      if (result.contributions.length > 0) assert.ok(Math.abs(weights - 1) < 1e-9)
      for (let i = 1; i < result.contributions.length; i++) {
        assert.ok(Math.abs(result.contributions[i - 1]!.impact) >= Math.abs(result.contributions[i]!.impact))
      }
      for (const c of result.contributions) assert.ok(c.weight >= 0 && c.weight <= 1)
    }), RUNS)
  })

  test('a positive experience has a positive impact and a negative one a negative impact', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, (history, cadence) => {
      const result = computeTrustScore(history, { cadenceDays: cadence }, AS_OF)
      const byId = new Map(history.map((e) => [e.id, e]))
      for (const c of result.contributions) {
        const e = byId.get(c.experienceId)!
        const negative = e.valence === null ? ['service_failure', 'escalation', 'complaint'].includes(e.kind) : e.valence < 0
        assert.ok(negative ? c.impact <= 0 : c.impact >= 0)
      }
    }), RUNS)
  })
})

describe('T10 reproducible', () => {
  test('same input, same output; input order does not matter', () => {
    fc.assert(fc.property(historyArb(), cadenceArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (history, cadence, seed) => {
      const shuffled = fc.sample(fc.shuffledSubarray(history, { minLength: history.length }), { numRuns: 1, seed })[0]!
      const once = computeTrustScore(history, { cadenceDays: cadence }, AS_OF)
      assert.deepEqual(computeTrustScore(history, { cadenceDays: cadence }, AS_OF), once)
      assert.deepEqual(computeTrustScore(shuffled, { cadenceDays: cadence }, AS_OF), once)
    }), RUNS)
  })

  test('experiences after asOf are ignored, so any past date is reproducible', () => {
    fc.assert(fc.property(historyArb(), historyArb(-1, -400), cadenceArb, (past, future, cadence) => {
      const later = future.map((e) => ({ ...e, id: `f${e.id}` }))
      assert.deepEqual(computeTrustScore([...past, ...later], { cadenceDays: cadence }, AS_OF),
        computeTrustScore(past, { cadenceDays: cadence }, AS_OF))
    }), RUNS)
  })

  test('the trend equals the as-of score at every point', () => {
    fc.assert(fc.property(historyArb(HISTORY_DAYS, -90), cadenceArb,
      fc.array(fc.integer({ min: AS_OF - 800 * DAY_MS, max: AS_OF + 100 * DAY_MS }), { maxLength: 12 }),
      (history, cadence, points) => {
        const trend = computeTrustTrend(history, { cadenceDays: cadence }, points)
        assert.deepEqual(trend.map((p) => p.at), points)
        for (const p of trend) assert.equal(p.score, computeTrustScore(history, { cadenceDays: cadence }, p.at).score)
      }), { numRuns: Math.ceil(RUNS.numRuns / 2) })
  })
})

describe('the bulk form (no explanation)', () => {
  test('gives the same score and state, and scoreBefore is the score 28 days earlier', () => {
    fc.assert(fc.property(historyArb(HISTORY_DAYS, -30), cadenceArb, (history, cadence) => {
      const full = computeTrustScore(history, { cadenceDays: cadence }, AS_OF)
      const bulk = computeTrustScore(history, { cadenceDays: cadence }, AS_OF, { explain: false })
      assert.deepEqual({ ...bulk, contributions: full.contributions }, full)
      assert.deepEqual(bulk.contributions, [])
      assert.equal(bulk.scoreBefore, computeTrustScore(history, { cadenceDays: cadence }, AS_OF - 28 * DAY_MS).score)
    }), RUNS)
  })
})

describe('computeTrustScore edge cases', () => {
  test('an empty history scores 0 and is cold', () => {
    assert.deepEqual(computeTrustScore([], { cadenceDays: 30 }, AS_OF), {
      score: 0, scoreBefore: 0, state: 'cold', isCold: true, lastMeaningfulAt: null, daysSinceMeaningful: null, contributions: [],
    })
  })

  test('scores stay within 0..100 with one decimal', () => {
    fc.assert(fc.property(historyArb(HISTORY_DAYS, 0, 60), cadenceArb, (history, cadence) => {
      const { score } = computeTrustScore(history, { cadenceDays: cadence }, AS_OF)
      assert.ok(score >= 0 && score <= 100)
      assert.equal(Math.round(score * 10) / 10, score)
    }), RUNS)
  })

  test('state compares the score with the score 28 days earlier', () => {
    const warming = [exp('a', AS_OF - 2 * DAY_MS, { kind: 'help', valence: 2, direction: 'we_gave' })]
    assert.equal(computeTrustScore(warming, { cadenceDays: 30 }, AS_OF).state, 'warming')
    const cooling = [...Array.from({ length: 5 }, (_, k) => exp(`c${k}`, AS_OF - (60 + k) * DAY_MS, { valence: 2 })),
      exp('d', AS_OF - 5 * DAY_MS, { kind: 'call', valence: 0 })]
    assert.equal(computeTrustScore(cooling, { cadenceDays: 30 }, AS_OF).state, 'cooling')
  })
})

describe('computeAggregateScore', () => {
  const table: [string, { score: number; weight: number }[], number][] = [
    ['no parts', [], 0],
    ['one part', [{ score: 42.3, weight: 1 }], 42.3],
    ['equal weights', [{ score: 20, weight: 1 }, { score: 60, weight: 1 }], 40],
    ['influence × importance', [{ score: 80, weight: 9 }, { score: 20, weight: 1 }], 74],
    ['zero and negative weights ignored', [{ score: 80, weight: 0 }, { score: 30, weight: -2 }, { score: 50, weight: 2 }], 50],
    ['all weights zero', [{ score: 80, weight: 0 }], 0],
    ['scores clamped', [{ score: 150, weight: 1 }, { score: -50, weight: 1 }], 50],
    ['non-finite ignored', [{ score: Number.NaN, weight: 1 }, { score: 10, weight: Number.POSITIVE_INFINITY }, { score: 70, weight: 1 }], 70],
  ]
  for (const [name, parts, expected] of table) {
    test(name, () => assert.equal(computeAggregateScore(parts), expected))
  }

  test('lies between the lowest and highest score and ignores a common weight scale', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ score: fc.double({ min: 0, max: 100, noNaN: true }), weight: fc.double({ min: 0.01, max: 100, noNaN: true }) }), { minLength: 1, maxLength: 10 }),
      fc.double({ min: 0.1, max: 10, noNaN: true }),
      (parts, k) => {
        const result = computeAggregateScore(parts)
        const scores = parts.map((p) => p.score)
        assert.ok(result >= Math.floor(Math.min(...scores) * 10) / 10 && result <= Math.ceil(Math.max(...scores) * 10) / 10)
        assert.ok(Math.abs(computeAggregateScore(parts.map((p) => ({ ...p, weight: p.weight * k }))) - result) <= 0.1)
      }), RUNS)
  })
})

describe('computeState', () => {
  const table: [number, number, boolean, string][] = [
    [50, 50, true, 'cold'],
    [90, 10, true, 'cold'],
    [53, 50, false, 'warming'],
    [80, 20, false, 'warming'],
    [52.9, 50, false, 'steady'],
    [47.1, 50, false, 'steady'],
    [50, 50, false, 'steady'],
    [47, 50, false, 'cooling'],
    [0, 40, false, 'cooling'],
    [30.3, 27.3, false, 'warming'],
  ]
  for (const [now, before, isCold, expected] of table) {
    test(`${now} vs ${before}${isCold ? ', cold' : ''} → ${expected}`, () => assert.equal(computeState(now, before, isCold), expected))
  }
})
