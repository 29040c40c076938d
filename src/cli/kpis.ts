import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import type { Actor } from '../domain/auth/roles.ts'
import { rebuildSnapshots } from '../domain/kpis/history.ts'
import { IMPORT_FORMATS, importOutcomes, type ImportFormat } from '../domain/outcomes/import.ts'
import { listOrganisations } from '../domain/orgs/queries.ts'
import { openDatabase } from './serve.ts'

export function registerKpiCommands(program: Command) {
  program
    .command('kpis')
    .description('Relationship KPIs')
    .command('snapshot')
    .description('Rebuild the weekly KPI snapshots from history (each week as of its end; reproducible)')
    .option('--org <slug>', 'only this organisation')
    .option('--since <date>', 'first week to rebuild (YYYY-MM-DD; default: the first week with any history)')
    .action(async (opts: { org?: string; since?: string }) => {
      if (opts.since && !/^\d{4}-\d{2}-\d{2}$/.test(opts.since)) throw new Error('--since must be a date YYYY-MM-DD')
      const handle = await openDatabase(loadConfig())
      try {
        const orgs = (await listOrganisations(handle.db)).filter((o) => !opts.org || o.slug === opts.org)
        if (opts.org && orgs.length === 0) throw new Error(`No organisation with slug ${opts.org}`)
        for (const org of orgs) {
          const started = Date.now()
          const result = await rebuildSnapshots(handle.db, org.id, { since: opts.since, onProgress: (p) => { if (p.done % 50 === 0 || p.done === p.total) process.stderr.write(`\r${org.slug}: week ${p.weekStart} (${p.done}/${p.total})`) } })
          process.stderr.write('\n')
          console.log(`${org.slug}: ${result.weeks} weeks, ${result.rows} snapshot rows in ${((Date.now() - started) / 1000).toFixed(1)} s`)
        }
      } finally {
        await handle.close()
      }
    })

  program
    .command('outcomes')
    .description('Business outcomes (revenue, opportunities)')
    .command('import')
    .description('Import revenue and opportunities from CSV; companies are matched to accounts by name (created when missing); idempotent')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--format <format>', `one of ${IMPORT_FORMATS.join(', ')}`)
    .requiredOption('--file <path>', 'the CSV file')
    .option('--currency <code>', 'currency of the amounts in the file', 'USD')
    .action(async (opts: { org: string; format: string; file: string; currency: string }) => {
      if (!(IMPORT_FORMATS as readonly string[]).includes(opts.format)) throw new Error(`--format must be one of ${IMPORT_FORMATS.join(', ')}`)
      if (!/^[A-Z]{3}$/.test(opts.currency)) throw new Error('--currency must be an ISO 4217 code such as USD')
      const csv = await readFile(opts.file, 'utf8')
      const handle = await openDatabase(loadConfig())
      try {
        const org = (await listOrganisations(handle.db)).find((o) => o.slug === opts.org)
        if (!org) throw new Error(`No organisation with slug ${opts.org}`)
        const actor: Actor = { orgId: org.id, userId: org.id, role: 'admin', name: 'tend outcomes import', via: 'system' }
        const report = await importOutcomes(handle.db, actor, { format: opts.format as ImportFormat, csv, currency: opts.currency })
        console.log(`${report.rows} rows: ${report.revenueAdded} revenue entries and ${report.opportunitiesAdded} opportunities added, ${report.alreadyImported} already imported; ${report.accountsMatched} accounts matched, ${report.accountsCreated.length} created; ${report.errors.length} rows skipped`)
        if (report.datedOnImport) console.log(`${report.datedOnImport} leads carry no date in the file and are dated on their first import`)
        for (const e of report.errors.slice(0, 20)) console.log(`  row ${e.row}: ${e.message}`)
        if (report.errors.length > 20) console.log(`  …and ${report.errors.length - 20} more`)
      } finally {
        await handle.close()
      }
    })
}
