import { Type } from 'typebox'
import { AppError } from './errors.ts'

export const DEFAULT_PAGE_SIZE = 50
export const MAX_PAGE_SIZE = 500

export const PageQuerySchema = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'Opaque cursor from a previous page\'s nextCursor' })),
}

/** A page of results; nextCursor is null on the last page. */
export function PageSchema<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) })
}

export type Cursor = { v: string | number | null; id: string }

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.v, cursor.id])).toString('base64url')
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && ['string', 'number'].includes(typeof parsed[0])) {
      return { v: parsed[0] as string | number, id: parsed[1] }
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid_request', 'The cursor is not valid', [{ parameter: 'cursor', detail: 'is not a cursor this API issued' }])
}

/** Turn limit+1 fetched rows into a page, with the cursor built from the last row kept. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, cursorOf: (row: R) => Cursor): { items: T[]; nextCursor: string | null } {
  const hasMore = rows.length > limit
  const kept = hasMore ? rows.slice(0, limit) : rows
  const last = kept[kept.length - 1]
  return { items: kept.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(cursorOf(last)) : null }
}
