import { Type, type TSchema, type TUnsafe } from 'typebox'

/**
 * A string enumeration emitted as JSON Schema `enum` (one clear error per field),
 * rather than a union of literals (one error per branch with allErrors).
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

/** A value or null, emitted as JSON Schema `anyOf` of the type and null. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()])
}

export const Uuid = Type.String({ format: 'uuid' })
export const IsoDateTime = Type.String({ format: 'date-time' })
