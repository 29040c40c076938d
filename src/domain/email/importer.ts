import { basename } from 'node:path'
import { sql } from 'kysely'
import { EARLIEST_EXPERIENCE, FUTURE_TOLERANCE_MS } from '../experiences/schema.ts'
import type { ImportFormat } from '../imports/detect.ts'
import { detectFormat } from '../imports/detect.ts'
import type { ImportContext } from '../imports/importers.ts'
import { addDetail, addFailure, emptyReport, type ImportReport } from '../imports/report.ts'
import { loadDirectory } from './directory.ts'
import { MalformedMessage, parseHeaders, type MessageFacts } from './headers.ts'
import { readMaildir, readMbox, readSingle, type RawMessage } from './split.ts'
import { writeBatch } from './write.ts'

/** Messages per transaction: big enough for multi-row statements to pay, small enough to lose little when killed. */
export const BATCH_SIZE = 2000

export type MailFile = { path: string; format: ImportFormat }

function source(file: MailFile, onBytes: (n: number) => void): AsyncGenerator<RawMessage> {
  if (file.format === 'maildir') return readMaildir(file.path, onBytes)
  if (file.format === 'eml') return readSingle(file.path, basename(file.path), onBytes)
  return readMbox(file.path, onBytes)
}

/**
 * Import mail files (mbox, .eml, maildir folders) through one pipeline: stream the header
 * blocks, parse, check dates, and write in batches of BATCH_SIZE, one transaction each. A
 * malformed message is reported with its place and the rest goes on; running it again skips
 * every message already stored.
 */
export async function importMailFiles(ctx: ImportContext, files: MailFile[], now = Date.now()): Promise<ImportReport> {
  const report = emptyReport()
  const directory = await loadDirectory(ctx.db, ctx.orgId)
  const earliest = Date.parse(EARLIEST_EXPERIENCE)
  const latest = now + FUTURE_TOLERANCE_MS
  let batch: MessageFacts[] = []
  let progress = { records: 0, bytes: 0 }
  const flushProgress = () => {
    ctx.onProgress?.(progress)
    progress = { records: 0, bytes: 0 }
  }
  // One batch is written while the next is read and parsed: the database works on its own
  // core (a server) while this process parses. Batches still commit one after the other.
  let writing: Promise<void> = Promise.resolve()
  const flush = async () => {
    const toWrite = batch
    batch = []
    await writing
    writing = writeBatch(ctx.db, ctx.actor, directory, toWrite).then(({ inserted, experiences }) => {
      report.created += inserted
      report.skippedDuplicate += toWrite.length - inserted
      report.matched += experiences
      addDetail(report, 'experiences', experiences)
      flushProgress()
    })
    // A failed batch surfaces at the next `await writing`; until then it is not "unhandled".
    writing.catch(() => {})
  }
  for (const file of files) {
    for await (const raw of source(file, (n) => (progress.bytes += n))) {
      progress.records++
      if (progress.records >= 500) flushProgress()
      let facts: MessageFacts
      try {
        facts = parseHeaders(raw.header)
      } catch (err) {
        if (!(err instanceof MalformedMessage)) throw err
        addFailure(report, raw.where, raw.header.length === 0 ? 'empty message (no header)' : err.message)
        continue
      }
      const time = facts.sentAt.getTime()
      if (time < earliest || time > latest) {
        addFailure(report, raw.where, `date "${facts.dateHeader}" is outside ${EARLIEST_EXPERIENCE.slice(0, 4)}..today: skipped`)
        continue
      }
      if (raw.isTruncated) addDetail(report, 'truncatedHeaders')
      batch.push(facts)
      if (batch.length >= BATCH_SIZE) await flush()
    }
  }
  if (batch.length) await flush()
  await writing
  flushProgress()
  // Fresh statistics after a bulk load: without them the planner scans instead of using the
  // subject and thread indexes (responsiveness 1.3 s → 0.05 s on the Enron import).
  if (report.created >= BATCH_SIZE) await sql`ANALYZE email_messages, experiences, experience_stakeholders, experience_users`.execute(ctx.db)
  report.details.experiences ??= 0
  return report
}

/** The importer of the dispatch table: one mbox, .eml or maildir. */
export async function importMailPath(ctx: ImportContext, path: string): Promise<ImportReport> {
  const format = await detectFormat(path)
  return importMailFiles(ctx, [{ path, format: format === 'maildir' || format === 'eml' ? format : 'mbox' }])
}
