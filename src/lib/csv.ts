import { stringify } from 'csv-stringify/sync'

export type CsvColumn<T> = { header: string; value: (row: T) => string | number | boolean | null | undefined }

/** Rows to CSV text (RFC 4180 quoting by csv-stringify), with a header line. */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  return stringify([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r) ?? ''))])
}

/** "USD 10.5; EUR 3" for a per-currency map in one CSV cell. */
export function moneyCell(money: Record<string, number>): string {
  return Object.entries(money).sort(([a], [b]) => a.localeCompare(b)).map(([c, a]) => `${c} ${a}`).join('; ')
}
