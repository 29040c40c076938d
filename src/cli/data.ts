import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { loadConfig } from '../config.ts'
import type { Db } from '../db/connect.ts'
import { recordAudit } from '../domain/audit/queries.ts'
import { ROLES, type Actor, type Role } from '../domain/auth/roles.ts'
import { MIN_PASSWORD_LENGTH } from '../domain/auth/secrets.ts'
import { createApiToken } from '../domain/auth/service.ts'
import { createDemoOrganisation, DEMO_PASSWORD } from '../domain/demo/seed.ts'
import { findOrganisationBySlug, insertOrganisation, listOrganisations } from '../domain/orgs/queries.ts'
import { findUserByEmail, findUserForLogin } from '../domain/users/queries.ts'
import { createUser, listUsers } from '../domain/users/service.ts'
import { AppError, fromDatabaseError } from '../lib/errors.ts'
import { TABLE_TYPES } from '../domain/imports/export-tables.ts'
import { exportLabel, exportOrganisation, exportOrganisationCsv } from './export.ts'
import { openDatabase } from './serve.ts'

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/
// Audit entries of CLI work carry no user (actor_id null): the operator at the console is nobody in the organisation.
const NO_USER = '00000000-0000-0000-0000-000000000000'

/** An admin actor for work done from the command line, recorded in the audit log as the system. */
export function systemActor(orgId: string): Actor {
  return { orgId, userId: NO_USER, role: 'admin', name: 'tend CLI', via: 'system' }
}

/**
 * Open the database, run the command, close the database. Mistakes (an unknown organisation,
 * a taken email) print one line and exit 1; a locked data folder or bad configuration reach
 * main.ts, which exits 2.
 */
function reportError(err: unknown): boolean {
  const appError = err instanceof AppError ? err : fromDatabaseError(err)
  if (!appError) return false
  const details = appError.errors.map((e) => `\n  ${e.parameter ?? e.pointer ?? ''}: ${e.detail}`).join('')
  console.error(`tend: ${appError.message}${details}`)
  process.exitCode = 1
  return true
}

/** Check the options before opening the database, which takes seconds on PGlite; false when they are wrong. */
function checkInput(check: () => void): boolean {
  try {
    check()
    return true
  } catch (err) {
    if (!reportError(err)) throw err
    return false
  }
}

const fail = (message: string): never => {
  throw new AppError('invalid_request', message)
}

export async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
  const handle = await openDatabase(loadConfig())
  try {
    await work(handle.db)
  } catch (err) {
    if (!reportError(err)) throw err
  } finally {
    await handle.close()
  }
}

export async function findOrganisation(db: Db, slug: string) {
  const org = await findOrganisationBySlug(db, slug)
  if (!org) throw new AppError('not_found', `No organisation with the slug "${slug}" (see: tend org list)`)
  return org
}

function checkSlug(slug: string) {
  if (!SLUG_PATTERN.test(slug)) fail(`"${slug}" is not a valid slug: use lower-case letters, digits and dashes`)
}

const count = (n: number) => n.toLocaleString('en-GB')

function registerDemo(program: Command) {
  program
    .command('demo')
    .description('Create a demo organisation: three teams, 55 accounts, 500 stakeholders and two years of experiences')
    .option('--slug <slug>', 'slug of the new organisation', 'demo')
    .option('--seed <n>', 'seed of the generator: the same seed gives the same data', (v) => parseSeed(v), 1)
    .action(async (opts: { slug: string; seed: number }) => {
      if (!checkInput(() => checkSlug(opts.slug))) return
      await withDatabase(async (db) => {
        console.error(`Creating demo organisation "${opts.slug}" (seed ${opts.seed})…`)
        const started = Date.now()
        const demo = await createDemoOrganisation(db, { slug: opts.slug, seed: opts.seed })
        const c = demo.counts
        console.log(`Created ${demo.name} (slug ${demo.slug}) in ${((Date.now() - started) / 1000).toFixed(1)} s:`)
        console.log(`  ${c.users} users, ${c.accounts} accounts, ${count(c.stakeholders)} stakeholders, ${c.relationships} relationships, ${count(c.experiences)} experiences`)
        console.log(`Sign in as ${demo.email} / ${DEMO_PASSWORD}  (every demo user has this password; see: tend user list --org ${demo.slug})`)
      })
    })
}

function parseSeed(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > 0xffffffff) throw new InvalidArgumentError('must be a whole number from 0 to 4294967295')
  return n
}

function registerOrgs(program: Command) {
  const org = program.command('org').description('Organisations (tenants): org create, org list')
  org
    .command('create')
    .description('Create an organisation; then add its first admin with: tend user create --role admin')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--slug <slug>', 'short unique name: lower-case letters, digits and dashes')
    .action(async (opts: { name: string; slug: string }) => {
      const name = opts.name.trim()
      const isValid = checkInput(() => {
        checkSlug(opts.slug)
        if (name.length < 1 || name.length > 200) throw new AppError('invalid_request', '--name must have 1 to 200 characters')
      })
      if (!isValid) return
      await withDatabase(async (db) => {
        const created = await db.transaction().execute(async (trx) => {
          if (await findOrganisationBySlug(trx, opts.slug)) throw new AppError('conflict', `An organisation with the slug "${opts.slug}" already exists`)
          const row = await insertOrganisation(trx, { name, slug: opts.slug })
          await recordAudit(trx, systemActor(row.id), 'organisation.created', 'organisation', row.id, null, { name: row.name, slug: row.slug })
          return row
        })
        console.log(`Created organisation ${created.name} (slug ${created.slug}, id ${created.id}).`)
        console.log(`Next: tend user create --org ${created.slug} --role admin --email <email> --name <name>`)
      })
    })
  org
    .command('list')
    .description('List organisations')
    .action(async () => {
      await withDatabase(async (db) => {
        const orgs = await listOrganisations(db)
        if (orgs.length === 0) console.log('No organisations yet. Create one with: tend org create --name <name> --slug <slug>')
        for (const o of orgs) console.log(`${o.slug.padEnd(20)} ${o.name}`)
      })
    })
}

function registerUsers(program: Command) {
  const user = program.command('user').description('Users of an organisation: user create, user list')
  user
    .command('create')
    .description('Create a user; without --password a strong one is generated and printed once')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--email <email>', 'sign-in email (unique across organisations)')
    .requiredOption('--name <name>', 'full name')
    .addOption(new Option('--role <role>', 'what they may do').choices(ROLES).makeOptionMandatory())
    .option('--manager <email>', 'email of the user they report to')
    .option('--password <password>', `at least ${MIN_PASSWORD_LENGTH} characters (visible in shell history: prefer the generated one)`)
    .action(async (opts: { org: string; email: string; name: string; role: Role; manager?: string; password?: string }) => {
      const email = opts.email.trim()
      const isValid = checkInput(() => {
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new AppError('invalid_request', `"${email}" is not an email address`)
        if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) throw new AppError('invalid_request', `--password must have at least ${MIN_PASSWORD_LENGTH} characters`)
      })
      if (!isValid) return
      await withDatabase(async (db) => {
        const org = await findOrganisation(db, opts.org)
        if (await findUserForLogin(db, email)) throw new AppError('conflict', `A user with the email ${email} already exists`)
        const manager = opts.manager ? await findUserByEmail(db, org.id, opts.manager) : undefined
        if (opts.manager && !manager) throw new AppError('not_found', `No user with the email ${opts.manager} in ${org.slug}`)
        const password = opts.password ?? randomBytes(18).toString('base64url')
        const created = await createUser(db, systemActor(org.id), { email, name: opts.name.trim(), role: opts.role, managerId: manager?.id ?? null, password })
        console.log(`Created ${created.role} ${created.name} <${created.email}> in ${org.slug}.`)
        if (!opts.password) console.log(`Password: ${password}\n(shown once: pass it on safely; they can change it after signing in)`)
      })
    })
  user
    .command('list')
    .description('List the users of an organisation')
    .requiredOption('--org <slug>', 'organisation')
    .option('--all', 'include archived users')
    .action(async (opts: { org: string; all?: boolean }) => {
      await withDatabase(async (db) => {
        const org = await findOrganisation(db, opts.org)
        const users = await listUsers(db, systemActor(org.id), { includeArchived: opts.all })
        const emailOf = new Map(users.map((u) => [u.id, u.email]))
        const width = Math.max(5, ...users.map((u) => u.email.length))
        console.log(`${'EMAIL'.padEnd(width)}  ${'ROLE'.padEnd(8)}  ${'NAME'.padEnd(24)}  REPORTS TO`)
        for (const u of users) {
          const manager = u.managerId ? (emailOf.get(u.managerId) ?? u.managerId) : ''
          console.log(`${u.email.padEnd(width)}  ${u.role.padEnd(8)}  ${u.name.padEnd(24)}  ${manager}${u.archivedAt ? '  (archived)' : ''}`)
        }
        console.error(`${users.length} users in ${org.name}`)
      })
    })
}

function registerTokens(program: Command) {
  program
    .command('token')
    .description('API tokens for scripts: token create')
    .command('create')
    .description('Create an API token for a user and print it (only the token goes to stdout, for scripts)')
    .requiredOption('--email <email>', 'the user the token acts as')
    .option('--name <name>', 'a label to recognise the token by', 'cli')
    .action(async (opts: { email: string; name: string }) => {
      const name = opts.name.trim()
      if (!checkInput(() => name.length >= 1 && name.length <= 100 ? undefined : fail('--name must have 1 to 100 characters'))) return
      await withDatabase(async (db) => {
        const user = await findUserForLogin(db, opts.email)
        if (!user || user.archived_at) throw new AppError('not_found', `No active user with the email ${opts.email}`)
        // The token acts as the user; `via: 'system'` records in the audit log that the CLI made it, not they.
        const { token, apiToken } = await createApiToken(db, { orgId: user.org_id, userId: user.id, role: user.role as Role, name: user.name, via: 'system' }, name)
        console.error(`API token "${apiToken.name}" for ${user.name} <${user.email}> (${user.role}). It is shown once; send it as: Authorization: Bearer <token>`)
        console.log(token)
      })
    })
}

/** "55 accounts, 6 moments, …": the core entities always, other tables when they had rows. */
const summary = (counts: Record<string, number>) =>
  Object.entries(counts).filter(([type, n]) => n > 0 || !TABLE_TYPES.includes(type)).map(([type, n]) => `${count(n)} ${exportLabel(type, n)}`).join(', ')

function registerExport(program: Command) {
  program
    .command('export')
    .description('Export all data of an organisation as JSON lines, {"type":"account","data":{…}} per record, re-importable with `tend import` (into any organisation)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--out <file>', 'write to this file (with a progress bar) instead of stdout')
    .option('--csv <folder>', 'write one CSV file per entity (accounts, stakeholders, relationships, experiences, moments, plan activities, revenue, opportunities, survey responses, escalations, referrals) into this folder instead')
    .action(async (opts: { org: string; out?: string; csv?: string }) => {
      await withDatabase(async (db) => {
        const org = await findOrganisation(db, opts.org)
        const started = Date.now()
        if (opts.csv) {
          await mkdir(opts.csv, { recursive: true })
          const counts = await exportOrganisationCsv(db, org, opts.csv)
          console.error(`Exported ${summary(counts)} of ${org.slug} to ${opts.csv} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
          return
        }
        const counts = await exportOrganisation(db, org, opts.out)
        const total = Object.values(counts).reduce((a, b) => a + b, 0)
        console.error(`Exported ${count(total)} records of ${org.slug}${opts.out ? ` to ${opts.out}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary(counts)}`)
      })
    })
}

/** `tend demo`, `tend org …`, `tend user …`, `tend token create`, `tend export`. */
export function registerDataCommands(program: Command) {
  registerDemo(program)
  registerOrgs(program)
  registerUsers(program)
  registerTokens(program)
  registerExport(program)
}
