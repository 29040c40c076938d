// Options an import may be given (CLI flags, API job fields); each importer reads what it needs.

export type ImportOptions = {
  /** Calendars: occurrences from this instant on are recorded (default: two years back). */
  since?: Date | undefined
  /** Calendars: up to this instant (default: now; a meeting still ahead is not an experience yet). */
  until?: Date | undefined
  /** Calendars: the zone of floating times and unknown TZIDs (default UTC). */
  timeZone?: string | undefined
  /** CSV: the user's column mapping, `{ "E-mail": "email", "Company": "account" }`; overrides header recognition. */
  columns?: Record<string, string> | undefined
}

export const DEFAULT_LOOKBACK_DAYS = 730

/** Parse the CLI form of a column mapping: `Email=email,Company=account`. */
export function parseColumnMap(text: string): Record<string, string> {
  const map: Record<string, string> = {}
  for (const part of text.split(',')) {
    const eq = part.lastIndexOf('=')
    if (eq <= 0 || eq === part.length - 1) throw new Error(`"${part}" is not Column=field`)
    map[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  return map
}
