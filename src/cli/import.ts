import { access } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Presets, SingleBar } from 'cli-progress'
import { Option, type Command } from 'commander'
import type { Actor, Role } from '../domain/auth/roles.ts'
import { IMPORT_FORMATS, type ImportFormat } from '../domain/imports/detect.ts'
import { importPath, sizeOf } from '../domain/imports/importers.ts'
import { formatReport } from '../domain/imports/report.ts'
import { listOrganisations } from '../domain/orgs/queries.ts'
import { findUserByEmail } from '../domain/users/queries.ts'
import { AppError } from '../lib/errors.ts'
import { findOrganisation, systemActor, withDatabase } from './data.ts'

type ImportOptions = { org?: string; as?: string; format?: ImportFormat; progress: boolean }

/** A progress bar on a terminal (records, rate, ETA from bytes); nothing when piped. */
function progressBar(totalBytes: number, enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} }
  const bar = new SingleBar(
    { format: 'importing [{bar}] {percentage}% | {records} records | {rate}/s | ETA {eta_formatted}', hideCursor: true, stream: process.stderr, etaBuffer: 50 },
    Presets.shades_classic,
  )
  const started = Date.now()
  let records = 0
  let bytes = 0
  bar.start(Math.max(1, totalBytes), 0, { records: 0, rate: 0 })
  return {
    update(delta: { records: number; bytes: number }) {
      records += delta.records
      bytes += delta.bytes
      bar.update(Math.min(bytes, totalBytes), { records: records.toLocaleString('en-GB'), rate: Math.round(records / Math.max(0.001, (Date.now() - started) / 1000)) })
    },
    stop: () => bar.stop(),
  }
}

export function registerImport(program: Command) {
  program
    .command('import')
    .description('Import mail (mbox, maildir, .eml), calendars (.ics), contacts (.vcf, .csv) from a file or a folder; ends with a summary')
    .argument('<path>', 'a file or a folder (a maildir, or a folder of files of any of these formats)')
    .option('--org <slug>', 'organisation (may be left out when there is only one)')
    .option('--as <email>', 'the user doing the import (recorded in the audit log); default: the system')
    .addOption(new Option('--format <format>', 'skip detection').choices(IMPORT_FORMATS))
    .option('--no-progress', 'no progress bar')
    .action(async (path: string, opts: ImportOptions) => {
      const target = resolve(path)
      try {
        await access(target)
      } catch {
        console.error(`tend: ${path} does not exist or cannot be read`)
        process.exitCode = 1
        return
      }
      await withDatabase(async (db) => {
        let org
        if (opts.org) org = await findOrganisation(db, opts.org)
        else {
          const orgs = await listOrganisations(db)
          if (orgs.length !== 1) throw new AppError('invalid_request', `Say which organisation with --org <slug> (there are ${orgs.length})`)
          org = orgs[0]!
        }
        let actor: Actor = systemActor(org.id)
        if (opts.as) {
          const user = await findUserByEmail(db, org.id, opts.as)
          if (!user || user.archived_at) throw new AppError('not_found', `No active user with the email ${opts.as} in ${org.slug}`)
          actor = { orgId: org.id, userId: user.id, role: user.role as Role, name: user.name, via: 'system' }
        }
        const bar = progressBar(await sizeOf(target), opts.progress)
        const started = Date.now()
        try {
          const report = await importPath({ db, orgId: org.id, actor, onProgress: bar.update }, target, opts.format)
          bar.stop()
          console.log(formatReport(report, (Date.now() - started) / 1000))
        } finally {
          bar.stop()
        }
      })
    })
}
