import { createHash } from 'node:crypto'

// Ids of a re-imported export. Into the organisation it was exported from, records keep their
// ids; into any other, each record gets the UUIDv5 of its old id in the namespace of the target
// organisation: another organisation on the same server never collides, and importing the same
// file twice gives the same ids, so the second run finds everything there.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SYSTEM_ID = '00000000-0000-0000-0000-000000000000'

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value)

/** RFC 4122 name-based UUID, version 5 (SHA-1). */
export function uuidv5(name: string, namespace: string): string {
  if (!isUuid(namespace)) throw new Error(`not a UUID namespace: ${namespace}`)
  const bytes = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x50
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export type IdMapping = {
  /** The id a record of the file gets in the target organisation. */
  record: (old: string) => string
  /** Whether ids are rewritten (the target is not the exported organisation). */
  rewrites: boolean
}

export function idMapping(exportedOrgId: string | null, targetOrgId: string): IdMapping {
  const rewrites = exportedOrgId !== targetOrgId
  return { rewrites, record: rewrites ? (old) => uuidv5(old.toLowerCase(), targetOrgId) : (old) => old }
}

/**
 * A JSON value with every string that is a UUID (values and object keys: audit before/after,
 * survey answers keyed by question id) passed through `map`; the system actor's all-zero id stays.
 */
export function rewriteUuids(value: unknown, map: (id: string) => string): unknown {
  const one = (s: string) => (isUuid(s) && s !== SYSTEM_ID ? map(s) : s)
  if (typeof value === 'string') return one(value)
  if (Array.isArray(value)) return value.map((v) => rewriteUuids(v, map))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [one(k), rewriteUuids(v, map)]))
  return value
}

/** How the references of one import are rewritten: records by `record`, users through the e-mail match. */
export type Mapper = IdMapping & {
  orgId: string
  /** Old user id → the user's id in the target organisation (created, or matched by e-mail). */
  users: Map<string, string>
  /** The importing user, who takes over required user references to users that could not be imported (null: the system). */
  actingUserId: string | null
}

/** An optional user reference: the user in the target organisation, or null. */
export const userRef = (m: Mapper, old: unknown): string | null => (typeof old === 'string' ? (m.users.get(old) ?? null) : null)

/** A required user reference: the user, else the importing user, else undefined (the record cannot be imported). */
export const requiredUserRef = (m: Mapper, old: unknown): string | undefined => userRef(m, old) ?? m.actingUserId ?? undefined

/** A record reference (null stays null). */
export const recordRef = (m: Mapper, old: unknown): string | null => (typeof old === 'string' ? m.record(old) : null)

/** Any id inside JSON: a user's if it is one, else a record's. */
export const anyRef = (m: Mapper) => (old: string): string => m.users.get(old) ?? m.record(old)
