import type { Command } from 'commander'
import { findStakeholders, getConnections } from '../domain/connections/service.ts'
import { listOrganisations } from '../domain/orgs/queries.ts'
import { AppError } from '../lib/errors.ts'
import { findOrganisation, systemActor, withDatabase } from './data.ts'

/** `tend who-knows <name or email>`: who of our people should make the call or the introduction. */
export function registerWhoKnows(program: Command) {
  program
    .command('who-knows')
    .description('Which of our people know a stakeholder best (strength, last contact, experiences)')
    .argument('<who>', 'an e-mail address or part of a name')
    .option('--org <slug>', 'organisation (may be left out when there is only one)')
    .action(async (who: string, opts: { org?: string }) => {
      await withDatabase(async (db) => {
        const orgs = opts.org ? [await findOrganisation(db, opts.org)] : await listOrganisations(db)
        if (orgs.length !== 1) throw new AppError('invalid_request', `Say which organisation with --org <slug> (there are ${orgs.length})`)
        const actor = systemActor(orgs[0]!.id)
        const found = await findStakeholders(db, actor.orgId, who)
        if (found.length === 0) throw new AppError('not_found', `No stakeholder matches "${who}"`)
        for (const s of found) {
          const { people } = await getConnections(db, actor, s.id)
          console.log(`${s.name}: ${people.length ? `${people.length} of our people know them` : 'nobody of ours knows them yet'}`)
          for (const p of people) {
            const last = p.lastContactAt ? `last contact ${p.lastContactAt.slice(0, 10)}` : 'no contact yet'
            console.log(`  ${p.strength.toFixed(0).padStart(3)}  ${p.state.padEnd(8)} ${p.name} <${p.email}>  ${p.experienceCount} experiences, ${last}${p.relationshipId ? '' : ' (no relationship yet)'}`)
          }
        }
      })
    })
}
