// Import business outcomes from CSV: the Maven "CRM + Sales + Opportunities" pipeline
// (sales_pipeline.csv) and the AWS "SaaS-Sales" transactions. Companies are matched onto
// accounts by name (case-insensitive), creating accounts that do not exist yet. Every row is
// reported; re-importing the same file changes nothing (rows are keyed by source + id).
import { parse } from 'csv-parse/sync'
import type { Db } from '../../db/connect.ts'
import { AppError } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'

export const IMPORT_FORMATS = ['maven-pipeline', 'saas-sales'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

type RevenueRecord = { kind: 'revenue'; row: number; company: string; externalId: string; bookedOn: string; amount: number; description: string | null }
type OpportunityRecord = { kind: 'opportunity'; row: number; company: string; externalId: string; oppKind: 'lead' | 'opportunity'; title: string; stage: string; status: 'open' | 'won' | 'lost'; value: number | null; openedOn: string | null; closedOn: string | null; ownerName: string | null }
export type OutcomeRecord = RevenueRecord | OpportunityRecord
export type RowIssue = { row: number; message: string }
export type ParsedOutcomes = { records: OutcomeRecord[]; errors: RowIssue[] }

/** M/D/YYYY (both samples' format) → YYYY-MM-DD, or null when not a real date. */
export function parseUsDate(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim())
  if (!m) return null
  const [, month, day, year] = m.map(Number) as [number, number, number, number]
  const d = new Date(Date.UTC(year, month - 1, day))
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null
  return d.toISOString().slice(0, 10)
}

function parseAmount(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null
  const n = Number(text.trim())
  return Number.isFinite(n) ? n : NaN
}

function readCsv(text: string): Record<string, string>[] {
  try {
    return parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as Record<string, string>[]
  } catch (err) {
    throw new AppError('invalid_request', `The file is not valid CSV: ${(err as Error).message}`, [{ pointer: '#/csv', detail: (err as Error).message }])
  }
}

function requireColumns(rows: Record<string, string>[], columns: string[]) {
  const missing = rows.length ? columns.filter((c) => !(c in rows[0]!)) : []
  if (missing.length) throw new AppError('invalid_request', `Missing column(s): ${missing.join(', ')}`, [{ pointer: '#/csv', detail: `missing ${missing.join(', ')}` }])
}

const STATUS: Record<string, 'open' | 'won' | 'lost'> = { won: 'won', lost: 'lost', engaging: 'open', prospecting: 'open' }

/** sales_pipeline.csv: each row an opportunity (a lead while Prospecting); a Won deal also books its close value as revenue on its close date. */
export function parseMavenPipeline(text: string): ParsedOutcomes {
  const rows = readCsv(text)
  requireColumns(rows, ['opportunity_id', 'sales_agent', 'product', 'account', 'deal_stage', 'engage_date', 'close_date', 'close_value'])
  const records: OutcomeRecord[] = []
  const errors: RowIssue[] = []
  rows.forEach((r, i) => {
    const row = i + 2 // 1-based, after the header line
    const stage = r.deal_stage ?? ''
    const status = STATUS[stage.toLowerCase()]
    const value = parseAmount(r.close_value)
    const openedOn = r.engage_date ? parseUsDate(r.engage_date) : null
    const closedOn = r.close_date ? parseUsDate(r.close_date) : null
    const problem = !r.opportunity_id ? 'no opportunity_id'
      : !r.account ? 'no account named: cannot attach it to an account'
      : !status ? `unknown deal_stage "${stage}"`
      : Number.isNaN(value) ? `close_value "${r.close_value}" is not a number`
      : r.engage_date && !openedOn ? `engage_date "${r.engage_date}" is not a date (M/D/YYYY)`
      : r.close_date && !closedOn ? `close_date "${r.close_date}" is not a date (M/D/YYYY)`
      : status === 'won' && (!closedOn || value === null) ? 'a Won deal needs a close_date and a close_value'
      : null
    if (problem) return void errors.push({ row, message: problem })
    records.push({
      kind: 'opportunity', row, company: r.account!, externalId: r.opportunity_id!, oppKind: stage === 'Prospecting' ? 'lead' : 'opportunity',
      title: r.product || 'Opportunity', stage, status: status!, value, openedOn, closedOn, ownerName: r.sales_agent || null,
    })
    if (status === 'won') records.push({ kind: 'revenue', row, company: r.account!, externalId: r.opportunity_id!, bookedOn: closedOn!, amount: value!, description: `Won: ${r.product}` })
  })
  return { records, errors }
}

/** SaaS-Sales.csv: each row one order line, booked as revenue on its order date. */
export function parseSaasSales(text: string): ParsedOutcomes {
  const rows = readCsv(text)
  requireColumns(rows, ['Row ID', 'Order ID', 'Order Date', 'Customer', 'Product', 'Sales'])
  const records: OutcomeRecord[] = []
  const errors: RowIssue[] = []
  rows.forEach((r, i) => {
    const row = i + 2
    const bookedOn = parseUsDate(r['Order Date'] ?? '')
    const amount = parseAmount(r.Sales)
    const problem = !r['Row ID'] ? 'no Row ID' : !r.Customer ? 'no Customer' : !bookedOn ? `Order Date "${r['Order Date']}" is not a date (M/D/YYYY)` : amount === null || Number.isNaN(amount) ? `Sales "${r.Sales}" is not a number` : null
    if (problem) return void errors.push({ row, message: problem })
    records.push({ kind: 'revenue', row, company: r.Customer!, externalId: r['Row ID']!, bookedOn: bookedOn!, amount: amount!, description: `${r.Product} (${r['Order ID']})` })
  })
  return { records, errors }
}

export type ImportReport = {
  format: ImportFormat
  currency: string
  rows: number
  revenueAdded: number
  opportunitiesAdded: number
  alreadyImported: number
  accountsMatched: number
  accountsCreated: string[]
  datedOnImport: number
  errors: RowIssue[]
}

const normalName = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase()

/** Import one file, in one transaction; `today` dates leads that carry no date of their own. */
export async function importOutcomes(db: Db, actor: Actor, input: { format: ImportFormat; csv: string; currency: string }, today = new Date()): Promise<ImportReport> {
  const parsed = input.format === 'maven-pipeline' ? parseMavenPipeline(input.csv) : parseSaasSales(input.csv)
  const rows = new Set([...parsed.records.map((r) => r.row), ...parsed.errors.map((e) => e.row)]).size
  const todayIso = today.toISOString().slice(0, 10)
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('accounts').select(['id', 'name']).where('org_id', '=', actor.orgId).execute()
    const byName = new Map(existing.map((a) => [normalName(a.name), a.id]))
    const names = [...new Map(parsed.records.map((r) => [normalName(r.company), r.company.trim()])).entries()]
    const created: string[] = []
    for (const [key, name] of names) {
      if (byName.has(key)) continue
      const row = await trx.insertInto('accounts').values({ org_id: actor.orgId, name, notes: `Created by the ${input.format} import` }).returning(['id', 'name', 'tier']).executeTakeFirstOrThrow()
      await recordAudit(trx, actor, 'account.created', 'account', row.id, null, { ...row, via: `${input.format} import` })
      byName.set(key, row.id)
      created.push(name)
    }
    const accountOf = (company: string) => byName.get(normalName(company))!
    const revenue = parsed.records.filter((r): r is RevenueRecord => r.kind === 'revenue')
    const opps = parsed.records.filter((r): r is OpportunityRecord => r.kind === 'opportunity')
    let revenueAdded = 0
    let opportunitiesAdded = 0
    for (let i = 0; i < revenue.length; i += 500) {
      const added = await trx.insertInto('revenue_entries')
        .values(revenue.slice(i, i + 500).map((r) => ({ org_id: actor.orgId, account_id: accountOf(r.company), booked_on: r.bookedOn, amount: r.amount, currency: input.currency, source: input.format, external_id: r.externalId, description: r.description })))
        .onConflict((oc) => oc.columns(['org_id', 'source', 'external_id']).doNothing())
        .returning('id')
        .execute()
      revenueAdded += added.length
    }
    for (let i = 0; i < opps.length; i += 500) {
      const added = await trx.insertInto('opportunities')
        .values(opps.slice(i, i + 500).map((r) => ({
          org_id: actor.orgId, account_id: accountOf(r.company), kind: r.oppKind, title: r.title, stage: r.stage, status: r.status, value: r.value, currency: input.currency,
          opened_on: r.openedOn ?? r.closedOn ?? todayIso, closed_on: r.closedOn, owner_name: r.ownerName, source: input.format, external_id: r.externalId,
        })))
        .onConflict((oc) => oc.columns(['org_id', 'source', 'external_id']).doNothing())
        .returning('id')
        .execute()
      opportunitiesAdded += added.length
    }
    const report: ImportReport = {
      format: input.format,
      currency: input.currency,
      rows,
      revenueAdded,
      opportunitiesAdded,
      alreadyImported: revenue.length + opps.length - revenueAdded - opportunitiesAdded,
      accountsMatched: names.length - created.length,
      accountsCreated: created,
      datedOnImport: opps.filter((o) => !o.openedOn && !o.closedOn).length,
      errors: parsed.errors,
    }
    await recordAudit(trx, actor, 'outcomes.imported', 'organisation', actor.orgId, null, { ...report, errors: report.errors.length, accountsCreated: created.length })
    return report
  })
}
