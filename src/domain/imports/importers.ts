import { stat } from 'node:fs/promises'
import type { Db } from '../../db/connect.ts'
import { AppError } from '../../lib/errors.ts'
import type { Actor } from '../auth/roles.ts'
import { importMailFiles, importMailPath, type MailFile } from '../email/importer.ts'
import { importCalendarFile } from './calendar-import.ts'
import { importCsvFile } from './csv-contacts.ts'
import { detectFormat, listFiles, type ImportFormat } from './detect.ts'
import { importExportFile } from './jsonl.ts'
import type { ImportOptions } from './options.ts'
import { importVcardFile } from './vcard.ts'
import { addFailure, emptyReport, mergeReport, type ImportReport } from './report.ts'

/** Progress as increments: records read and bytes consumed since the last call. */
export type ImportProgress = { records: number; bytes: number }

export type ImportContext = {
  db: Db
  orgId: string
  /** Who imports: the audit log's actor; `via: 'system'` from the CLI without --as. */
  actor: Actor
  onProgress?: (delta: ImportProgress) => void
  /** Format options: the calendar window, a CSV column mapping. */
  options?: ImportOptions
}

/** Every format has one importer with this signature: stream `path`, write in transactions, report. */
export type Importer = (ctx: ImportContext, path: string) => Promise<ImportReport>

/** The dispatch table: one importer per format. */
export const IMPORTERS: Record<ImportFormat, Importer> = {
  mbox: importMailPath,
  maildir: importMailPath,
  eml: importMailPath,
  ics: importCalendarFile,
  vcf: importVcardFile,
  csv: importCsvFile,
  jsonl: importExportFile,
}

const MAIL_FORMATS = new Set<ImportFormat>(['mbox', 'maildir', 'eml'])

/**
 * Import a file or a folder. A maildir is one mail source; any other folder is walked and each
 * file detected: its mail files share one pipeline (batches span files), other files go to their
 * importer one by one. Unrecognised files are reported as failures; the rest goes on.
 */
export async function importPath(ctx: ImportContext, path: string, format?: ImportFormat): Promise<ImportReport> {
  const detected = format ?? (await detectFormat(path))
  if (detected) return IMPORTERS[detected](ctx, path)
  if (!(await stat(path)).isDirectory()) {
    throw new AppError('unsupported_format', `Cannot tell the format of ${path}: expected an mbox, maildir, .eml, .ics, .vcf or .csv`, [{ parameter: 'path', detail: 'is not a recognised format' }])
  }
  const report = emptyReport()
  const mailFiles: MailFile[] = []
  for (const file of await listFiles(path)) {
    const fileFormat = await detectFormat(file)
    if (fileFormat === null) addFailure(report, file, 'not a recognised format (mbox, .eml, .ics, .vcf, .csv)')
    else if (MAIL_FORMATS.has(fileFormat)) mailFiles.push({ path: file, format: fileFormat })
    else {
      try {
        mergeReport(report, await IMPORTERS[fileFormat](ctx, file))
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        // The placeholder of a format not implemented yet, or a file its importer rejects as a whole.
        addFailure(report, file, err.message)
      }
    }
  }
  if (mailFiles.length) mergeReport(report, await importMailFiles(ctx, mailFiles))
  return report
}

/** Total size in bytes of what `importPath` will read: the progress bar's 100 %. */
export async function sizeOf(path: string): Promise<number> {
  const info = await stat(path)
  if (!info.isDirectory()) return info.size
  let total = 0
  for (const file of await listFiles(path)) total += (await stat(file)).size
  return total
}
