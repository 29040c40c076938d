import type { ImportContext } from '../imports/importers.ts'
import { emptyReport, type ImportReport } from '../imports/report.ts'

export async function importMailFiles(_ctx: ImportContext, _files: string[]): Promise<ImportReport> {
  return emptyReport()
}

export async function importMailPath(ctx: ImportContext, path: string): Promise<ImportReport> {
  return importMailFiles(ctx, [path])
}
