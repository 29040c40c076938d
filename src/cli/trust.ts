import { Presets, SingleBar } from 'cli-progress'
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { listOrganisations } from '../domain/orgs/queries.ts'
import { recomputeOrganisation } from '../domain/trust/refresh.ts'
import { openDatabase } from './serve.ts'

export function registerTrustCommands(program: Command) {
  const trust = program.command('trust').description('Trust scores')
  trust
    .command('recompute')
    .description('Rebuild every trust score from the full history (the same numbers as the incremental path)')
    .option('--org <slug>', 'only this organisation')
    .action(async (opts: { org?: string }) => {
      const handle = await openDatabase(loadConfig())
      try {
        const orgs = (await listOrganisations(handle.db)).filter((o) => !opts.org || o.slug === opts.org)
        if (opts.org && orgs.length === 0) throw new Error(`No organisation with slug ${opts.org}`)
        const now = new Date()
        for (const org of orgs) {
          const bar = new SingleBar({ format: `${org.slug} {phase} [{bar}] {value}/{total} | {rate}/s | ETA {eta}s`, hideCursor: true, stream: process.stderr }, Presets.shades_classic)
          const started = Date.now()
          let phase = ''
          const counts = await recomputeOrganisation(handle.db, org.id, now, { onProgress: (p) => {
            if (p.phase !== phase) {
              if (phase) bar.stop()
              phase = p.phase
              bar.start(p.total, 0, { phase, rate: 0 })
            }
            bar.update(p.done, { phase, rate: Math.round(p.done / Math.max(0.001, (Date.now() - started) / 1000)) })
          } })
          if (phase) bar.stop()
          console.log(`${org.slug}: ${counts.relationships} relationships, ${counts.stakeholders} stakeholders, ${counts.accounts} accounts rescored in ${((Date.now() - started) / 1000).toFixed(1)} s`)
        }
      } finally {
        await handle.close()
      }
    })
}
