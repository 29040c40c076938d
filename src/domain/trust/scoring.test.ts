import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { encodeEntries, experienceDraftArb } from '../../../test/trust-arbitraries.ts'
import { HISTORY_ENTRY_BYTES, parseHistory } from './scoring.ts'

// parseHistory turns the bytes the database builds (tend_trust_entry, migration 0014) into a stakeholder's history: the
// recompute and the refresh both score what it returns, so its order and grouping must not
// depend on the order in which the database happened to aggregate the entries.

const USERS = ['6f1c0d1e-0000-4000-8000-000000000001', '6f1c0d1e-0000-4000-8000-000000000002', '6f1c0d1e-0000-4000-8000-000000000003']
const T0 = Date.parse('2026-01-01T00:00:00.000Z')

// Few distinct instants, so that same-time experiences (ordered by id) are common.
const experienceArb = fc.tuple(experienceDraftArb(fc.integer({ min: 0, max: 6 }).map((k) => T0 + k * 3_600_000)), fc.subarray(USERS))
  .map(([draft, users]) => ({ ...draft, users }))
const historyArb = fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 12 }).chain((ids) =>
  fc.tuple(fc.constant(ids), fc.array(experienceArb, { minLength: ids.length, maxLength: ids.length })))

describe('trust: parseHistory', () => {
  test('gives the experiences in (time, id) order, each once with all its users, whatever the order of the entries', () => {
    fc.assert(fc.property(historyArb, fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), ([ids, drafts], noise) => {
      const experiences = drafts.map((d, i) => ({ ...d, id: ids[i]! }))
      const entries = encodeEntries(experiences)
      const shuffled = entries.map((entry) => ({ entry, key: noise.next().value })).sort((a, b) => a.key - b.key).map((x) => x.entry)
      const history = parseHistory('s', Buffer.concat(shuffled))
      const expected = [...experiences].sort((a, b) => a.occurredAt - b.occurredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      assert.deepEqual(history.experiences.map((e) => e.id), expected.map((e) => e.id))
      assert.deepEqual(history.users.map((u) => [...u].sort()), expected.map((e) => [...e.users].sort()))
      for (const [i, e] of history.experiences.entries()) {
        const { users: _, ...fields } = expected[i]!
        assert.deepEqual(e, fields)
      }
    }), { numRuns: 300 })
  })
})

test('trust: parseHistory refuses bytes that are not whole entries', () => {
  assert.throws(() => parseHistory('s', new Uint8Array(HISTORY_ENTRY_BYTES + 1)), /not a whole number of entries/)
})
