import type { Db } from '../../db/connect.ts'
import { recordAudit } from '../audit/queries.ts'
import { domainOf, foldAddress } from '../email/headers.ts'
import { searchTextOf } from '../stakeholders/schema.ts'
import type { ImportContext } from './importers.ts'
import { addDetail, addFailure, type ImportReport } from './report.ts'

// Contacts from any source (vCard, CSV layouts, a user's mapping) into stakeholders and accounts.
// A contact whose address is known updates that stakeholder (missing fields filled, addresses
// and phones added); two contacts of one import with a shared address become one stakeholder,
// and the report says which. Accounts come from the company name, else a company domain.

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

export const CONTACT_BATCH = 200

type Known = { id: string; where: string; name: string; accountId: string | null; emails: string[]; phones: string[]; title: string | null }

/** In-memory index of an organisation's stakeholders and accounts for one import. */
export type ContactIndex = {
  byEmail: Map<string, Known>
  byNameAccount: Map<string, Known>
  accountByName: Map<string, string>
  accountByDomain: Map<string, string>
  merges: ContactMerge[]
}

const nameKey = (name: string, accountId: string | null) => `${name.trim().toLowerCase()}|${accountId ?? ''}`

export async function loadContactIndex(db: Db, orgId: string): Promise<ContactIndex> {
  const [stakeholders, accounts] = await Promise.all([
    db.selectFrom('stakeholders').select(['id', 'name', 'account_id', 'emails', 'phones', 'title']).where('org_id', '=', orgId).where('archived_at', 'is', null).execute(),
    db.selectFrom('accounts').select(['id', 'name', 'domains']).where('org_id', '=', orgId).where('archived_at', 'is', null).execute(),
  ])
  const index: ContactIndex = { byEmail: new Map(), byNameAccount: new Map(), accountByName: new Map(), accountByDomain: new Map(), merges: [] }
  for (const s of stakeholders) {
    const known: Known = { id: s.id, where: `stakeholder "${s.name}"`, name: s.name, accountId: s.account_id, emails: s.emails, phones: s.phones, title: s.title }
    for (const e of s.emails) index.byEmail.set(foldAddress(e), known)
    index.byNameAccount.set(nameKey(s.name, s.account_id), known)
  }
  for (const a of accounts) {
    index.accountByName.set(a.name.trim().toLowerCase(), a.id)
    for (const d of a.domains) index.accountByDomain.set(d.toLowerCase(), a.id)
  }
  return index
}

const clip = (value: string | null, max: number) => (value ? value.trim().slice(0, max) || null : null)

/** The account of a contact: by company name, else by a company (not free-mail) domain; created when new. */
async function resolveAccount(trx: Db, ctx: ImportContext, index: ContactIndex, company: string | null, emails: string[], report: ImportReport): Promise<string | null> {
  const domain = emails.map(domainOf).find((d): d is string => !!d && !FREE_MAIL.test(d)) ?? null
  const byName = company ? index.accountByName.get(company.toLowerCase()) : undefined
  if (byName) return byName
  if (!company && domain && index.accountByDomain.has(domain)) return index.accountByDomain.get(domain)!
  if (!company && !domain) return null
  const name = (company ?? domain)!.slice(0, 200)
  const domains = domain && !index.accountByDomain.has(domain) ? [domain] : []
  const row = await trx.insertInto('accounts').values({ org_id: ctx.orgId, name, domains }).returning(['id', 'name', 'domains', 'created_at']).executeTakeFirstOrThrow()
  index.accountByName.set(name.toLowerCase(), row.id)
  for (const d of domains) index.accountByDomain.set(d, row.id)
  await recordAudit(trx, ctx.actor, 'account.created', 'account', row.id, null, { id: row.id, name: row.name, domains: row.domains, source: 'contacts import' })
  addDetail(report, 'accountsCreated')
  return row.id
}

/** Write one batch of contacts in one transaction. */
export async function writeContacts(ctx: ImportContext, index: ContactIndex, records: ContactRecord[], report: ImportReport): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    for (const record of records) await writeContact(trx, ctx, index, record, report)
  })
  ctx.onProgress?.({ records: records.length, bytes: 0 })
}

async function writeContact(trx: Db, ctx: ImportContext, index: ContactIndex, record: ContactRecord, report: ImportReport) {
  const emails = [...new Set(record.emails.map((e) => e.trim().replace(/^mailto:/i, '')).filter((e) => ADDRESS.test(e)).map((e) => e.toLowerCase()))].slice(0, 20)
  const phones = [...new Set(record.phones.map((p) => p.trim()).filter((p) => PHONE.test(p)))].slice(0, 20)
  const name = clip(record.name, 200) ?? emails[0] ?? null
  const title = clip(record.title, 200)
  const company = clip(record.company, 200)
  if (!name) {
    // A row of an account without a person (Salesforce reports list accounts with no contact).
    if (company) {
      await resolveAccount(trx, ctx, index, company, [], report)
      addDetail(report, 'accountRows')
    } else addFailure(report, record.where, 'neither a name nor a valid e-mail address')
    return
  }
  const matches = [...new Set(emails.map((e) => index.byEmail.get(foldAddress(e))).filter((k): k is Known => !!k))]
  let known = matches[0]
  if (!known && emails.length === 0) {
    const accountId = company ? (index.accountByName.get(company.toLowerCase()) ?? null) : null
    known = index.byNameAccount.get(nameKey(name, accountId))
  }
  if (matches.length > 1) index.merges.push({ where: record.where, into: known!.where, reason: `its addresses belong to ${matches.length} stakeholders; merged into the first (see suggested merges)` })

  if (!known) {
    const accountId = await resolveAccount(trx, ctx, index, company, emails, report)
    const row = await trx.insertInto('stakeholders').values({ org_id: ctx.orgId, name, emails, phones, title, account_id: accountId, search_text: searchTextOf({ name, emails, title }) })
      .returning(['id', 'name', 'emails', 'phones', 'title', 'account_id']).executeTakeFirstOrThrow()
    const created: Known = { id: row.id, where: record.where, name, accountId, emails, phones, title }
    for (const e of emails) index.byEmail.set(foldAddress(e), created)
    index.byNameAccount.set(nameKey(name, accountId), created)
    await recordAudit(trx, ctx.actor, 'stakeholder.created', 'stakeholder', row.id, null, { ...row, source: 'contacts import' })
    report.created++
    return
  }

  // Known: add what is new, fill what is empty; never overwrite what someone typed.
  const before = { emails: known.emails, phones: known.phones, title: known.title, accountId: known.accountId }
  const after = {
    emails: [...new Set([...known.emails, ...emails])].slice(0, 20),
    phones: [...new Set([...known.phones, ...phones])].slice(0, 20),
    title: known.title ?? title,
    accountId: known.accountId ?? (company || emails.length ? await resolveAccount(trx, ctx, index, company, emails, report) : null),
  }
  const changed = after.emails.length !== before.emails.length || after.phones.length !== before.phones.length || after.title !== before.title || after.accountId !== before.accountId
  const isFromThisImport = !known.where.startsWith('stakeholder "')
  if (isFromThisImport || changed) {
    index.merges.push({ where: record.where, into: known.where, reason: emails.length ? `same e-mail address (${emails.find((e) => index.byEmail.get(foldAddress(e)) === known) ?? emails[0]})` : 'same name at the same account' })
    addDetail(report, isFromThisImport ? 'mergedInImport' : 'mergedIntoExisting')
  }
  if (!changed) {
    report.skippedDuplicate++
    return
  }
  await trx.updateTable('stakeholders')
    .set({ emails: after.emails, phones: after.phones, title: after.title, account_id: after.accountId, search_text: searchTextOf({ name: known.name, emails: after.emails, title: after.title }), updated_at: new Date() })
    .where('org_id', '=', ctx.orgId).where('id', '=', known.id).execute()
  await recordAudit(trx, ctx.actor, 'stakeholder.updated', 'stakeholder', known.id, before, { ...after, source: 'contacts import' })
  Object.assign(known, after)
  for (const e of emails) index.byEmail.set(foldAddress(e), known)
  report.matched++
}

/** Feed records in batches of CONTACT_BATCH, one transaction each; put the merges in the report. */
export async function importContactRecords(ctx: ImportContext, records: AsyncIterable<ContactRecord | { where: string; error: string }>, report: ImportReport): Promise<ImportReport> {
  const index = await loadContactIndex(ctx.db, ctx.orgId)
  let batch: ContactRecord[] = []
  for await (const record of records) {
    if ('error' in record) {
      addFailure(report, record.where, record.error)
      continue
    }
    batch.push(record)
    if (batch.length >= CONTACT_BATCH) {
      await writeContacts(ctx, index, batch, report)
      batch = []
    }
  }
  if (batch.length) await writeContacts(ctx, index, batch, report)
  report.merges = [...(report.merges ?? []), ...index.merges].slice(0, 200)
  return report
}
