import fc from 'fast-check'
import { DEPTHS, DIRECTIONS, EXPERIENCE_KINDS, INITIATORS, SOURCES, type TrustExperience } from '../src/domain/trust/model.ts'

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
