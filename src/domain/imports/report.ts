// The summary every import ends with, whatever the format: what was created, matched to
// existing records, skipped as a duplicate, or failed (with where and why).

/** The user an import acts for, or null for the system (the CLI without --as: the all-zero id). */
export function actingUserId(actor: { userId: string }): string | null {
  return /^0{8}-(0{4}-){3}0{12}$/.test(actor.userId) ? null : actor.userId
}

/** How many failures are kept with their reason; the count goes on past it. */
export const MAX_REPORTED_FAILURES = 200

export type ImportFailure = {
  /** File and position: `inbox.mbox:1234 (message 17)`, `contacts.csv:42`, `calendar.ics (event 3)`. */
  where: string
  reason: string
}

export type ImportReport = {
  /** New records written (messages captured, stakeholders created, meetings logged). */
  created: number
  /** Records that matched existing ones (updated or linked). For e-mail: captured messages that became experiences. */
  matched: number
  /** Records met before (same id or the same content): nothing written. */
  skippedDuplicate: number
  /** Records that could not be imported; the first MAX_REPORTED_FAILURES are listed in `failures`. */
  failed: number
  failures: ImportFailure[]
  /** Further counts a format wants to show (experiences, threads, accounts created…). */
  details: Record<string, number>
  /** Contacts: records merged into another of the same import or an existing stakeholder, and why. */
  merges?: { where: string; into: string; reason: string }[]
}

export function emptyReport(): ImportReport {
  return { created: 0, matched: 0, skippedDuplicate: 0, failed: 0, failures: [], details: {} }
}

/** Count a failure; keep its reason while the list is under the cap. */
export function addFailure(report: ImportReport, where: string, reason: string): void {
  report.failed++
  if (report.failures.length < MAX_REPORTED_FAILURES) report.failures.push({ where, reason })
}

export function addDetail(report: ImportReport, key: string, n = 1): void {
  report.details[key] = (report.details[key] ?? 0) + n
}

/** Add `from` into `into` (several files of one import). */
export function mergeReport(into: ImportReport, from: ImportReport): ImportReport {
  into.created += from.created
  into.matched += from.matched
  into.skippedDuplicate += from.skippedDuplicate
  into.failed += from.failed
  for (const f of from.failures) if (into.failures.length < MAX_REPORTED_FAILURES) into.failures.push(f)
  for (const [k, v] of Object.entries(from.details)) addDetail(into, k, v)
  if (from.merges?.length) into.merges = [...(into.merges ?? []), ...from.merges].slice(0, MAX_REPORTED_FAILURES)
  return into
}

/** One line per count, then the failures: what the CLI prints at the end. */
export function formatReport(report: ImportReport, seconds: number): string {
  const n = (v: number) => v.toLocaleString('en-GB')
  const lines = [
    `Created ${n(report.created)}, matched ${n(report.matched)}, skipped as duplicate ${n(report.skippedDuplicate)}, failed ${n(report.failed)} in ${seconds.toFixed(1)} s`,
  ]
  const details = Object.entries(report.details)
  if (details.length) lines.push(`  ${details.map(([k, v]) => `${k}: ${n(v)}`).join(', ')}`)
  for (const m of report.merges ?? []) lines.push(`  merged ${m.where} into ${m.into}: ${m.reason}`)
  for (const f of report.failures) lines.push(`  failed ${f.where}: ${f.reason}`)
  if (report.failed > report.failures.length) lines.push(`  … and ${n(report.failed - report.failures.length)} more failures`)
  return lines.join('\n')
}
