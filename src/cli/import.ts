import { access } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Presets, SingleBar } from 'cli-progress'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { ConfigError } from '../config.ts'
import { DataDirLockedError, type Db } from '../db/connect.ts'
import type { Actor, Role } from '../domain/auth/roles.ts'
import { acceptSuggestions, getSuggestions } from '../domain/email/service.ts'
import { IMPORT_FORMATS, type ImportFormat } from '../domain/imports/detect.ts'
import { importPath, sizeOf } from '../domain/imports/importers.ts'
import { parseColumnMap } from '../domain/imports/options.ts'
import { formatReport } from '../domain/imports/report.ts'
import { listOrganisations } from '../domain/orgs/queries.ts'
import { findUserByEmail } from '../domain/users/queries.ts'
import { AppError } from '../lib/errors.ts'
import { findOrganisation, systemActor, withDatabase } from './data.ts'

/** `tend import` exits 0 when every record was imported, 2 when some failed (the summary lists them), 1 when the import could not run or stopped. */
export const EXIT_RECORDS_FAILED = 2
export const EXIT_FATAL = 1

type ImportOptions = { org?: string; as?: string; format?: ImportFormat; progress: boolean; since?: Date; until?: Date; tz?: string; map?: Record<string, string> }

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

async function resolveOrg(db: Db, slug: string | undefined) {
  if (slug) return findOrganisation(db, slug)
  const orgs = await listOrganisations(db)
  if (orgs.length !== 1) throw new AppError('invalid_request', `Say which organisation with --org <slug> (there are ${orgs.length})`)
  return orgs[0]!
}

const isoDate = (value: string) => {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('must be a date such as 2024-01-31')
  return date
}

const columnMap = (value: string) => {
  try {
    return parseColumnMap(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

const positive = (value: string) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number from 1')
  return n
}

function registerSuggestions(program: Command) {
  program
    .command('suggestions')
    .description('Frequent correspondents in captured mail who are not stakeholders yet, by domain; --accept makes stakeholders of them')
    .option('--org <slug>', 'organisation (may be left out when there is only one)')
    .option('--min-messages <n>', 'at least this many messages shared with our people', positive, 3)
    .option('--limit <n>', 'at most this many people', positive, 300)
    .option('--accept <domain...>', 'make stakeholders of every suggested person of these domains (accounts created by domain)')
    .action(async (opts: { org?: string; minMessages: number; limit: number; accept?: string[] }) => {
      await withDatabase(async (db) => {
        const org = await resolveOrg(db, opts.org)
        const actor = systemActor(org.id)
        const { domains } = await getSuggestions(db, actor, { minMessages: opts.minMessages, limit: opts.limit })
        if (opts.accept) {
          const wanted = new Set(opts.accept.map((d) => d.toLowerCase()))
          const people = domains.filter((d) => wanted.has(d.domain)).flatMap((d) => d.people.map((p) => ({ address: p.address, ...(p.name ? { name: p.name } : {}) })))
          if (people.length === 0) throw new AppError('not_found', `No suggested people at ${opts.accept.join(', ')} (see: tend suggestions)`)
          const result = await acceptSuggestions(db, actor, { people })
          console.log(`Created ${result.stakeholdersCreated} stakeholders and ${result.accountsCreated} accounts; ${result.experiencesCreated} captured messages became experiences.`)
          return
        }
        if (domains.length === 0) console.log('No suggestions: import mail first (tend import <mbox or maildir>), or lower --min-messages.')
        for (const d of domains) {
          console.log(`${d.domain}  ${d.messages} messages${d.accountName ? `  (account: ${d.accountName})` : ''}`)
          for (const p of d.people) console.log(`  ${String(p.messages).padStart(6)}  ${p.address}${p.name ? `  ${p.name}` : ''}  last ${p.lastAt.slice(0, 10)}`)
        }
      })
    })
}

export function registerImport(program: Command) {
  registerSuggestions(program)
  program
    .command('import')
    .description('Import mail (mbox, maildir, .eml), calendars (.ics), contacts (.vcf, .csv) or a tend export (.jsonl) from a file or a folder; ends with a summary. Exit code 0: all imported; 2: some records failed (listed); 1: the import could not run')
    .argument('<path>', 'a file or a folder (a maildir, or a folder of files of any of these formats)')
    .option('--org <slug>', 'organisation (may be left out when there is only one)')
    .option('--as <email>', 'the user doing the import (recorded in the audit log); default: the system')
    .addOption(new Option('--format <format>', 'skip detection').choices(IMPORT_FORMATS))
    .option('--no-progress', 'no progress bar')
    .option('--since <date>', 'calendars: record meetings from this date (default: two years back)', isoDate)
    .option('--until <date>', 'calendars: up to this date (default: now)', isoDate)
    .option('--tz <zone>', 'calendars: IANA time zone of floating times (default UTC)')
    .option('--map <mapping>', 'CSV: which column is which field, e.g. "Email=email,Company=account,Full Name=name"', columnMap)
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
        const org = await resolveOrg(db, opts.org)
        let actor: Actor = systemActor(org.id)
        if (opts.as) {
          const user = await findUserByEmail(db, org.id, opts.as)
          if (!user || user.archived_at) throw new AppError('not_found', `No active user with the email ${opts.as} in ${org.slug}`)
          actor = { orgId: org.id, userId: user.id, role: user.role as Role, name: user.name, via: 'system' }
        }
        const bar = progressBar(await sizeOf(target), opts.progress)
        const started = Date.now()
        try {
          const options = { since: opts.since, until: opts.until, timeZone: opts.tz, columns: opts.map }
          const report = await importPath({ db, orgId: org.id, actor, onProgress: bar.update, options }, target, opts.format)
          bar.stop()
          console.log(formatReport(report, (Date.now() - started) / 1000))
          // Some records could not be imported (listed above): the rest was, but say so to scripts.
          if (report.failed > 0) process.exitCode = EXIT_RECORDS_FAILED
        } catch (err) {
          bar.stop()
          if (err instanceof AppError) throw err
          // Anything else stops the import (the database went away, a bug): batches already
          // written are whole, and running the same import again completes it.
          console.error(`tend: the import stopped: ${(err as Error).message}\n  Every batch written so far is complete; run the same import again to finish it.`)
          process.exitCode = EXIT_FATAL
        }
      }).catch((err: unknown) => {
        // The database could not be opened (a locked data folder, bad configuration).
        if (!(err instanceof ConfigError || err instanceof DataDirLockedError)) throw err
        console.error(`tend: ${err.message}`)
        process.exitCode = EXIT_FATAL
      })
    })
}
