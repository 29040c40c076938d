import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { domainOf, foldAddress } from '../email/headers.ts'
import { searchTextOf } from '../stakeholders/schema.ts'
import type { ImportContext } from './importers.ts'
import { actingUserId, addDetail, addFailure, MAX_REPORTED_FAILURES, type ImportReport } from './report.ts'

// Contacts from any source (vCard, CSV layouts, a user's mapping) into stakeholders and accounts.
// A contact whose address is known updates that stakeholder (missing fields filled, addresses
// and phones added); two contacts of one import with a shared address become one stakeholder,
// and the report says which. Accounts come from the company name, else a company domain.
//
// Written in batches of CONTACT_BATCH records, one transaction each: the stakeholders and
// accounts a batch may match are looked up in three indexed queries (by folded address, by
// name, by company name or domain), the batch is resolved in memory, then written with one
// multi-row statement per kind (accounts, new stakeholders, updated stakeholders, audit
// entries — still one audit entry per record written). Nothing of the organisation is loaded
// whole: memory holds one batch, whatever the size of the organisation or of the file.

/** One contact as a parser reads it; `where` locates it for the report (`file.csv:12`, `file.vcf (card 3)`). */
export type ContactRecord = {
  where: string
  name: string | null
  emails: string[]
  phones: string[]
  title: string | null
  company: string | null
}

/** What was merged, for the report: this record went into the stakeholder first seen at `into`. */
export type ContactMerge = { where: string; into: string; reason: string }

// Providers whose domain says nothing about the person's company.
const FREE_MAIL = /^(gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|aol|icloud|me|mac|gmx|web|mail|protonmail|proton|yandex|zoho|caramail|free|orange|laposte|t-online|qq|163|126)\.[a-z.]+$/

const ADDRESS = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/
const PHONE = /^[0-9+()./ x-]{3,40}$/

export const CONTACT_BATCH = 500
/** Stakeholders created by one import whose creating record is remembered for the merge report. */
const REMEMBERED_CREATIONS = 100_000

type Known = {
  id: string
  /** The record that created it in this import, or `stakeholder "Name"`. */
  where: string
  isFromThisImport: boolean
  name: string
  accountId: string | null
  emails: string[]
  phones: string[]
  title: string | null
}

/** What lasts across the batches of one import. */
type ImportState = {
  /** The database's clock when the import began: stakeholders created since came from it (or from someone at the same time). */
  startedAt: Date
  createdWhere: Map<string, string>
  merges: ContactMerge[]
}

type Contact = { record: ContactRecord; name: string | null; emails: string[]; phones: string[]; title: string | null; company: string | null; domain: string | null }

const nameKey = (name: string, accountId: string | null) => `${name.trim().toLowerCase()}|${accountId ?? ''}`
const clip = (value: string | null, max: number) => (value ? value.trim().slice(0, max) || null : null)

function normalise(record: ContactRecord): Contact {
  const emails = [...new Set(record.emails.map((e) => e.trim().replace(/^mailto:/i, '')).filter((e) => ADDRESS.test(e)).map((e) => e.toLowerCase()))].slice(0, 20)
  const phones = [...new Set(record.phones.map((p) => p.trim()).filter((p) => PHONE.test(p)))].slice(0, 20)
  const domain = emails.map(domainOf).find((d): d is string => !!d && !FREE_MAIL.test(d)) ?? null
  return { record, name: clip(record.name, 200) ?? emails[0] ?? null, emails, phones, title: clip(record.title, 200), company: clip(record.company, 200), domain }
}

type AuditEntry = { action: string; entity_type: string; entity_id: string; before: unknown; after: unknown }

/** One batch: what it may match, looked up once; what it changes, written once per kind. */
class Batch {
  byEmail = new Map<string, Known>()
  byNameAccount = new Map<string, Known>()
  accountByName = new Map<string, string>()
  accountByDomain = new Map<string, string>()
  newAccounts: { id: string; name: string; domains: string[] }[] = []
  newStakeholders: Known[] = []
  updated = new Map<string, Known>()
  audits: AuditEntry[] = []

  constructor(
    private readonly state: ImportState,
    private readonly report: ImportReport,
  ) {}

  async load(trx: Db, orgId: string, contacts: Contact[]) {
    const folded = [...new Set(contacts.flatMap((c) => c.emails.map(foldAddress)))]
    const names = [...new Set(contacts.filter((c) => c.name && c.emails.length === 0).map((c) => c.name!.toLowerCase()))]
    const companies = [...new Set(contacts.map((c) => c.company?.toLowerCase()).filter((c): c is string => !!c))]
    const domains = [...new Set(contacts.map((c) => c.domain).filter((d): d is string => !!d))]
    type Row = { id: string; name: string; account_id: string | null; emails: string[]; phones: string[]; title: string | null; created_at: Date }
    // One GIN probe per address (`@>` one key): an overlap with the whole list (`&&`) compares
    // every address of the batch with every row of a sequential scan.
    const byEmail = folded.length
      ? (await sql<Row>`SELECT DISTINCT s.id, s.name, s.account_id, s.emails, s.phones, s.title, s.created_at
          FROM unnest(${sql.val(folded)}::text[]) AS k (key) JOIN stakeholders s ON s.email_keys @> ARRAY[k.key]
          WHERE s.org_id = ${orgId}::uuid AND s.archived_at IS NULL`.execute(trx)).rows
      : []
    const byName = names.length
      ? (await sql<Row>`SELECT s.id, s.name, s.account_id, s.emails, s.phones, s.title, s.created_at
          FROM unnest(${sql.val(names)}::text[]) AS n (name) JOIN stakeholders s ON s.org_id = ${orgId}::uuid AND lower(s.name) = n.name
          WHERE s.archived_at IS NULL`.execute(trx)).rows
      : []
    const accounts = companies.length || domains.length
      ? (await sql<{ id: string; name: string; domains: string[]; created_at: Date }>`
          SELECT a.id, a.name, a.domains, a.created_at FROM unnest(${sql.val(companies)}::text[]) AS n (name)
          JOIN accounts a ON a.org_id = ${orgId}::uuid AND lower(a.name) = n.name
          WHERE a.archived_at IS NULL
          UNION
          SELECT a.id, a.name, a.domains, a.created_at FROM unnest(${sql.val(domains)}::text[]) AS d (domain) JOIN accounts a ON a.domains @> ARRAY[d.domain]
          WHERE a.org_id = ${orgId}::uuid AND a.archived_at IS NULL`.execute(trx)).rows
      : []
    // The oldest record first: it is the one a shared address or name points to.
    const oldestFirst = (a: { created_at: Date; id: string }, b: { created_at: Date; id: string }) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1)
    byEmail.sort(oldestFirst)
    byName.sort(oldestFirst)
    accounts.sort(oldestFirst)
    const known = new Map<string, Known>()
    for (const s of [...byEmail, ...byName]) {
      if (known.has(s.id)) continue
      const remembered = this.state.createdWhere.get(s.id)
      const isFromThisImport = remembered !== undefined || s.created_at >= this.state.startedAt
      const k: Known = { id: s.id, where: remembered ?? `stakeholder "${s.name}"${isFromThisImport ? ' (created by this import)' : ''}`, isFromThisImport, name: s.name, accountId: s.account_id, emails: s.emails, phones: s.phones, title: s.title }
      known.set(s.id, k)
      for (const e of s.emails) if (!this.byEmail.has(foldAddress(e))) this.byEmail.set(foldAddress(e), k)
      if (!this.byNameAccount.has(nameKey(s.name, s.account_id))) this.byNameAccount.set(nameKey(s.name, s.account_id), k)
    }
    for (const a of accounts) {
      if (!this.accountByName.has(a.name.trim().toLowerCase())) this.accountByName.set(a.name.trim().toLowerCase(), a.id)
      for (const d of a.domains) if (!this.accountByDomain.has(d.toLowerCase())) this.accountByDomain.set(d.toLowerCase(), a.id)
    }
  }

  /** The account of a contact: by company name, else by a company (not free-mail) domain; created when new. */
  private account(company: string | null, domain: string | null): string | null {
    const byName = company ? this.accountByName.get(company.toLowerCase()) : undefined
    if (byName) return byName
    if (!company && domain && this.accountByDomain.has(domain)) return this.accountByDomain.get(domain)!
    if (!company && !domain) return null
    const name = (company ?? domain)!.slice(0, 200)
    const domains = domain && !this.accountByDomain.has(domain) ? [domain] : []
    const id = randomUUID()
    this.newAccounts.push({ id, name, domains })
    this.accountByName.set(name.toLowerCase(), id)
    for (const d of domains) this.accountByDomain.set(d, id)
    this.audits.push({ action: 'account.created', entity_type: 'account', entity_id: id, before: null, after: { id, name, domains, source: 'contacts import' } })
    addDetail(this.report, 'accountsCreated')
    return id
  }

  resolve(c: Contact) {
    const { record, name, emails, phones, title, company, domain } = c
    const report = this.report
    if (!name) {
      // A row of an account without a person (Salesforce reports list accounts with no contact).
      if (company) {
        this.account(company, null)
        addDetail(report, 'accountRows')
      } else addFailure(report, record.where, 'neither a name nor a valid e-mail address')
      return
    }
    const matches = [...new Set(emails.map((e) => this.byEmail.get(foldAddress(e))).filter((k): k is Known => !!k))]
    let known = matches[0]
    if (!known && emails.length === 0) {
      const accountId = company ? (this.accountByName.get(company.toLowerCase()) ?? null) : null
      known = this.byNameAccount.get(nameKey(name, accountId))
    }
    if (matches.length > 1) this.state.merges.push({ where: record.where, into: known!.where, reason: `its addresses belong to ${matches.length} stakeholders; merged into the first (see suggested merges)` })

    if (!known) {
      const accountId = this.account(company, domain)
      const created: Known = { id: randomUUID(), where: record.where, isFromThisImport: true, name, accountId, emails, phones, title }
      this.newStakeholders.push(created)
      for (const e of emails) this.byEmail.set(foldAddress(e), created)
      this.byNameAccount.set(nameKey(name, accountId), created)
      this.audits.push({ action: 'stakeholder.created', entity_type: 'stakeholder', entity_id: created.id, before: null, after: { id: created.id, name, emails, phones, title, account_id: accountId, source: 'contacts import' } })
      if (this.state.createdWhere.size < REMEMBERED_CREATIONS) this.state.createdWhere.set(created.id, record.where)
      report.created++
      return
    }

    // Known: add what is new, fill what is empty; never overwrite what someone typed.
    const before = { emails: known.emails, phones: known.phones, title: known.title, accountId: known.accountId }
    const after = {
      emails: [...new Set([...known.emails, ...emails])].slice(0, 20),
      phones: [...new Set([...known.phones, ...phones])].slice(0, 20),
      title: known.title ?? title,
      accountId: known.accountId ?? (company || emails.length ? this.account(company, domain) : null),
    }
    const changed = after.emails.length !== before.emails.length || after.phones.length !== before.phones.length || after.title !== before.title || after.accountId !== before.accountId
    if (known.isFromThisImport || changed) {
      this.state.merges.push({ where: record.where, into: known.where, reason: emails.length ? `same e-mail address (${emails.find((e) => this.byEmail.get(foldAddress(e)) === known) ?? emails[0]})` : 'same name at the same account' })
      addDetail(report, known.isFromThisImport ? 'mergedInImport' : 'mergedIntoExisting')
    }
    if (!changed) {
      report.skippedDuplicate++
      return
    }
    this.audits.push({ action: 'stakeholder.updated', entity_type: 'stakeholder', entity_id: known.id, before, after: { ...after, source: 'contacts import' } })
    Object.assign(known, after)
    for (const e of emails) this.byEmail.set(foldAddress(e), known)
    if (!this.newStakeholders.includes(known)) this.updated.set(known.id, known)
    report.matched++
  }

  async write(trx: Db, ctx: ImportContext) {
    const orgId = ctx.orgId
    if (this.newAccounts.length) {
      await trx.insertInto('accounts').values(this.newAccounts.map((a) => ({ id: a.id, org_id: orgId, name: a.name, domains: a.domains }))).execute()
    }
    if (this.newStakeholders.length) {
      await trx.insertInto('stakeholders').values(this.newStakeholders.map((s) => ({
        id: s.id, org_id: orgId, name: s.name, emails: s.emails, phones: s.phones, title: s.title, account_id: s.accountId, search_text: searchTextOf(s),
      }))).execute()
    }
    if (this.updated.size) {
      const rows = [...this.updated.values()].map((s) => ({ id: s.id, emails: s.emails, phones: s.phones, title: s.title, account_id: s.accountId, search_text: searchTextOf(s) }))
      await sql`UPDATE stakeholders AS s
        SET emails = ARRAY(SELECT t.e FROM jsonb_array_elements_text(v.emails) WITH ORDINALITY AS t (e, n) ORDER BY t.n),
          phones = ARRAY(SELECT t.p FROM jsonb_array_elements_text(v.phones) WITH ORDINALITY AS t (p, n) ORDER BY t.n),
          title = v.title, account_id = v.account_id, search_text = v.search_text, updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v (id uuid, emails jsonb, phones jsonb, title text, account_id uuid, search_text text)
        WHERE s.org_id = ${orgId}::uuid AND s.id = v.id`.execute(trx)
    }
    if (this.audits.length) {
      const actorId = actingUserId(ctx.actor)
      await trx.insertInto('audit_log').values(this.audits.map((a) => ({
        org_id: orgId, actor_id: actorId, action: a.action, entity_type: a.entity_type, entity_id: a.entity_id,
        before: a.before === null ? null : JSON.stringify(a.before), after: JSON.stringify(a.after),
      }))).execute()
    }
  }
}

/** Write one batch of contacts in one transaction. */
async function writeContacts(ctx: ImportContext, state: ImportState, records: ContactRecord[], report: ImportReport): Promise<void> {
  // Counts are kept aside and added once the transaction has committed: a batch that fails
  // leaves neither rows nor counts behind.
  const counts: ImportReport = { created: 0, matched: 0, skippedDuplicate: 0, failed: 0, failures: [], details: {} }
  const merges: ContactMerge[] = []
  await ctx.db.transaction().execute(async (trx) => {
    const contacts = records.map(normalise)
    const batch = new Batch({ ...state, merges }, counts)
    await batch.load(trx, ctx.orgId, contacts)
    for (const c of contacts) batch.resolve(c)
    await batch.write(trx, ctx)
  })
  report.created += counts.created
  report.matched += counts.matched
  report.skippedDuplicate += counts.skippedDuplicate
  for (const f of counts.failures) addFailure(report, f.where, f.reason)
  for (const [k, v] of Object.entries(counts.details)) addDetail(report, k, v)
  for (const m of merges) if (state.merges.length < MAX_REPORTED_FAILURES) state.merges.push(m)
  ctx.onProgress?.({ records: records.length, bytes: 0 })
}

/**
 * The batch lookups are only fast with an index probe per address, which the planner picks only
 * when it has statistics on the tables: without them (a new database, an embedded one with no
 * autovacuum) it walks the organisation's rows once per address of the batch (1.8 s a batch at
 * 10,000 stakeholders instead of 7 ms). Before each batch, a table that was never analysed, or
 * has grown to more than twice the pages it had when it last was, is analysed (ANALYZE samples
 * at most 30,000 rows: a few runs in a whole import, none in most).
 */
async function freshenStatistics(db: Db) {
  const { rows } = await sql<{ name: string; reltuples: number; relpages: number; pages: number }>`
    SELECT c.relname AS name, c.reltuples::float8 AS reltuples, c.relpages::int AS relpages,
      (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
    FROM pg_class c WHERE c.oid IN ('stakeholders'::regclass, 'accounts'::regclass)`.execute(db)
  const stale = rows.filter((r) => Number(r.reltuples) < 0 || Number(r.pages) > 2 * Number(r.relpages) + 8).map((r) => r.name)
  if (stale.includes('stakeholders')) await sql`ANALYZE stakeholders`.execute(db)
  if (stale.includes('accounts')) await sql`ANALYZE accounts`.execute(db)
}

/** Feed records in batches of CONTACT_BATCH, one transaction each; put the merges in the report. */
export async function importContactRecords(ctx: ImportContext, records: AsyncIterable<ContactRecord | { where: string; error: string }>, report: ImportReport): Promise<ImportReport> {
  const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(ctx.db)
  const state: ImportState = { startedAt: rows[0]!.now, createdWhere: new Map(), merges: [] }
  let batch: ContactRecord[] = []
  const write = async () => {
    await freshenStatistics(ctx.db)
    await writeContacts(ctx, state, batch, report)
    batch = []
  }
  for await (const record of records) {
    if ('error' in record) {
      addFailure(report, record.where, record.error)
      continue
    }
    batch.push(record)
    if (batch.length >= CONTACT_BATCH) await write()
  }
  if (batch.length) await write()
  report.merges = [...(report.merges ?? []), ...state.merges].slice(0, MAX_REPORTED_FAILURES)
  return report
}
