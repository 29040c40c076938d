import { once } from 'node:events'
import { open } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import { join } from 'node:path'
import { Presets, SingleBar } from 'cli-progress'
import { stringify } from 'csv-stringify/sync'
import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { OrganisationRow } from '../db/schema.ts'
import { listAccounts } from '../domain/accounts/service.ts'
import { listAuditRows } from '../domain/audit/queries.ts'
import type { Actor } from '../domain/auth/roles.ts'
import { listExperiences } from '../domain/experiences/service.ts'
import { countTableRows, readTableRows, TABLE_SPECS, TABLE_TYPES } from '../domain/imports/export-tables.ts'
import { listRelationships } from '../domain/relationships/service.ts'
import { listStakeholders } from '../domain/stakeholders/service.ts'
import { listUsers } from '../domain/users/service.ts'

/**
 * The record types of an export, in the order the import needs: the API-shaped records, then every
 * other table the organisation owns as stored (export-tables.ts), then the audit log.
 */
const API_TYPES = ['organisation', 'user', 'account', 'stakeholder', 'relationship', 'experience'] as const
export const EXPORT_TYPES: readonly string[] = [...API_TYPES, ...TABLE_TYPES, 'audit']
type ApiType = (typeof API_TYPES)[number] | 'audit'
export type ExportCounts = Record<string, number>

const PAGE_SIZE = 500
const TABLES = {
  user: 'users', account: 'accounts', stakeholder: 'stakeholders', relationship: 'relationships', experience: 'experiences', audit: 'audit_log',
} as const

/** The export reads as an admin of the organisation, so private notes and archived records are included. */
function exportActor(orgId: string): Actor {
  return { orgId, userId: '00000000-0000-0000-0000-000000000000', role: 'admin', name: 'tend export', via: 'system' }
}

/**
 * Each type's records, a page at a time, in the same camelCase shapes as the API (users without
 * password hashes, experiences with their participants). Keyset pages keep memory flat and stay
 * correct if someone writes meanwhile.
 */
async function* readPages(db: Db, org: OrganisationRow, type: string): AsyncGenerator<unknown[]> {
  const spec = TABLE_SPECS.find((s) => s.table === type)
  if (spec) return yield* readTableRows(db, org.id, spec, PAGE_SIZE)
  yield* readApiPages(db, org, type as ApiType)
}

async function* readApiPages(db: Db, org: OrganisationRow, type: ApiType): AsyncGenerator<unknown[]> {
  const actor = exportActor(org.id)
  const paged = async function* (load: (cursor: string | undefined) => Promise<{ items: unknown[]; nextCursor: string | null }>) {
    let cursor: string | undefined
    do {
      const page = await load(cursor)
      yield page.items
      cursor = page.nextCursor ?? undefined
    } while (cursor)
  }
  switch (type) {
    case 'organisation':
      yield [{ id: org.id, name: org.name, slug: org.slug, settings: org.settings, createdAt: org.created_at.toISOString() }]
      return
    case 'user': {
      // The API's user plus what else is stored for them (never the password hash).
      const optOut = new Set((await db.selectFrom('users').select('id').where('org_id', '=', org.id).where('digest_opt_out', '=', true).execute()).map((u) => u.id))
      yield (await listUsers(db, actor, { includeArchived: true })).map((u) => ({ ...u, digestOptOut: optOut.has(u.id) }))
      return
    }
    case 'account':
      yield* paged((c) => listAccounts(db, actor, { includeArchived: true, sort: 'createdAt', limit: PAGE_SIZE, cursor: c }))
      return
    case 'stakeholder':
      yield* paged((c) => listStakeholders(db, actor, { includeArchived: true, sort: 'createdAt', limit: PAGE_SIZE, cursor: c }))
      return
    case 'relationship':
      yield* paged((c) => listRelationships(db, actor, { includeArchived: true, limit: PAGE_SIZE, cursor: c }))
      return
    case 'experience':
      yield* paged((c) => listExperiences(db, actor, { includeArchived: true, sort: 'occurredAt', limit: PAGE_SIZE, cursor: c }))
      return
    case 'audit': {
      // Newest first, paged by id, like GET /api/v1/audit.
      let beforeId: number | undefined
      for (;;) {
        const rows = await listAuditRows(db, org.id, { beforeId, limit: PAGE_SIZE })
        yield rows.map((r) => ({ id: Number(r.id), actorId: r.actor_id, action: r.action, entityType: r.entity_type, entityId: r.entity_id, before: r.before, after: r.after, at: r.at.toISOString() }))
        if (rows.length < PAGE_SIZE) return
        beforeId = Number(rows[rows.length - 1]!.id)
      }
    }
  }
}

async function countRecords(db: Db, orgId: string): Promise<number> {
  let total = 1
  for (const table of Object.values(TABLES)) {
    const row = await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()
    total += Number(row.n)
  }
  for (const table of TABLE_TYPES) total += await countTableRows(db, orgId, table)
  return total
}

/** A destination that respects back-pressure and reports write errors (a full disk, a closed pipe). */
async function openDestination(file: string | undefined) {
  const handle = file ? await open(file, 'w') : undefined
  const stream: Writable = handle ? handle.createWriteStream() : process.stdout
  let failure: Error | undefined
  stream.on('error', (err) => (failure = err))
  return {
    write: async (text: string) => {
      if (failure) throw failure
      if (!stream.write(text)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done)
            stream.off('error', done)
            resolve()
          }
          stream.on('drain', done)
          stream.on('error', done)
        })
      }
      if (failure) throw failure
    },
    close: async () => {
      if (!handle) return
      stream.end()
      await once(stream, 'close')
      if (failure) throw failure
    },
  }
}

/**
 * Write every record of an organisation as JSON lines, `{"type":…,"data":{…}}`, to a file or to
 * stdout. A progress bar goes to stderr when writing to a file (stdout then stays clean).
 */
export async function exportOrganisation(db: Db, org: OrganisationRow, file: string | undefined): Promise<ExportCounts> {
  const out = await openDestination(file)
  const bar = file ? new SingleBar({ format: 'Exporting {type} [{bar}] {percentage}% | {value}/{total} records | ETA {eta}s', hideCursor: true, stream: process.stderr }, Presets.shades_classic) : undefined
  bar?.start(await countRecords(db, org.id), 0, { type: 'organisation' })
  const counts = Object.fromEntries(EXPORT_TYPES.map((t) => [t, 0])) as ExportCounts
  try {
    for (const type of EXPORT_TYPES) {
      for await (const items of readPages(db, org, type)) {
        if (items.length === 0) continue
        await out.write(items.map((data) => JSON.stringify({ type, data })).join('\n') + '\n')
        counts[type] = (counts[type] ?? 0) + items.length
        bar?.increment(items.length, { type })
      }
    }
  } finally {
    bar?.stop()
    await out.close()
  }
  return counts
}

/**
 * How a summary names `n` records of a type: API-shaped types are singular words ("account"),
 * table types are plural table names ("plan_activities").
 */
export function exportLabel(type: string, n: number): string {
  if (type === 'audit') return n === 1 ? 'audit entry' : 'audit entries'
  if (TABLE_TYPES.includes(type)) return type.replace(/_/g, ' ')
  return n === 1 ? type : `${type}s`
}

/** The CSV files: the API-shaped entities, then tables as stored (column names in camelCase). */
export const CSV_TYPES = ['account', 'stakeholder', 'relationship', 'experience', 'moments', 'plan_activities', 'revenue_entries', 'opportunities', 'survey_responses', 'escalations', 'referrals'] as const
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** A cell: lists joined with "; ", objects as JSON, null as empty. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * One CSV file per entity in `folder`: accounts.csv, stakeholders.csv, relationships.csv,
 * experiences.csv with the API's field names as the header, then moments.csv,
 * plan_activities.csv, revenue_entries.csv, opportunities.csv, survey_responses.csv,
 * escalations.csv and referrals.csv with the stored columns (camelCase; ids, not names). A file
 * has its header only if it has rows. For spreadsheets; the JSON-lines export is the one to
 * re-import.
 */
export async function exportOrganisationCsv(db: Db, org: OrganisationRow, folder: string): Promise<Record<(typeof CSV_TYPES)[number], number>> {
  const counts = Object.fromEntries(CSV_TYPES.map((t) => [t, 0])) as Record<(typeof CSV_TYPES)[number], number>
  for (const type of CSV_TYPES) {
    const isTable = TABLE_TYPES.includes(type)
    const out = await openDestination(join(folder, isTable ? `${type}.csv` : `${type}s.csv`))
    let header: string[] | null = null
    let isFirst = true
    try {
      // A page at a time, each written before the next is read: memory stays flat, whatever the size.
      for await (const items of readPages(db, org, type)) {
        const records: string[][] = []
        for (const item of items as Record<string, unknown>[]) {
          if (!header) {
            header = Object.keys(item)
            records.push(isTable ? header.map(camel) : header)
          }
          records.push(header.map((k) => cell(item[k])))
          counts[type]++
        }
        if (!records.length) continue
        await out.write(stringify(records, { bom: isFirst }))
        isFirst = false
      }
    } finally {
      await out.close()
    }
  }
  return counts
}
