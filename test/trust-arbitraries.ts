import fc from 'fast-check'
import { DEPTHS, DIRECTIONS, EXPERIENCE_KINDS, INITIATORS, SOURCES, type TrustExperience } from '../src/domain/trust/model.ts'
import { HISTORY_ENTRY_BYTES } from '../src/domain/trust/scoring.ts'

/** A random experience without its id, at a time drawn from `occurredAt`, for property-based tests of the trust model. */
export const experienceDraftArb = (occurredAt: fc.Arbitrary<number>): fc.Arbitrary<Omit<TrustExperience, 'id'>> =>
  fc.record({
    occurredAt,
    kind: fc.constantFrom(...EXPERIENCE_KINDS),
    valence: fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 2 })),
    direction: fc.constantFrom(...DIRECTIONS),
    initiator: fc.constantFrom(...INITIATORS),
    depth: fc.constantFrom(...DEPTHS),
    source: fc.constantFrom(...SOURCES),
  })

/**
 * One entry per (experience, user), one with no user when it has none, in the layout
 * tend_trust_entry writes (migration 0014; trust.test.ts checks the function against this).
 */
export function encodeEntries(experiences: (TrustExperience & { users: string[] })[]): Buffer[] {
  const code = (list: readonly string[], w: string) => list.indexOf(w) + 1
  return experiences.flatMap((e) => (e.users.length ? e.users : [null]).map((u) => {
    const b = Buffer.alloc(HISTORY_ENTRY_BYTES)
    b.write(e.id.replaceAll('-', ''), 0, 'hex')
    b.writeBigInt64BE(BigInt(e.occurredAt), 16)
    b.writeInt32BE((e.valence === null ? 0 : e.valence + 3) | code(EXPERIENCE_KINDS, e.kind) << 3 | code(DIRECTIONS, e.direction) << 8
      | code(INITIATORS, e.initiator) << 11 | code(DEPTHS, e.depth) << 13 | code(SOURCES, e.source) << 15, 24)
    if (u !== null) b.write(u.replaceAll('-', ''), 28, 'hex')
    return b
  }))
}
