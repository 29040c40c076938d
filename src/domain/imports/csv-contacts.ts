import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { parse } from 'csv-parse'
import { AppError } from '../../lib/errors.ts'
import { importContactRecords, type ContactRecord } from './contacts.ts'
import type { ImportContext } from './importers.ts'
import { addDetail, emptyReport, type ImportReport } from './report.ts'

// Contact CSV exports, recognised by their header row (see ../shared/data/crm/FORMATS.md), or
// read with the column mapping a user gives. csv-parse streams the rows; memory stays flat.

export const CONTACT_FIELDS = ['name', 'firstName', 'middleName', 'lastName', 'email', 'phone', 'title', 'account', 'ignore'] as const
export type ContactField = (typeof CONTACT_FIELDS)[number]

type Layout = { name: string; requires: string[]; columns: Record<string, ContactField> }

/** Known export layouts, most specific first; a header matches when it has every `requires` column. */
export const LAYOUTS: Layout[] = [
  {
    name: 'salesforce',
    requires: ['Contact: Email'],
    columns: { 'Account: Account Name': 'account', 'Contact: First Name': 'firstName', 'Contact: Last Name': 'lastName', 'Contact: Title': 'title', 'Contact: Phone': 'phone', 'Contact: Mobile': 'phone', 'Contact: Email': 'email', 'Contact: Full Name': 'name' },
  },
  {
    name: 'hubspot',
    requires: ['Record ID', 'First Name', 'Email'],
    columns: { 'First Name': 'firstName', 'Last Name': 'lastName', Email: 'email', 'Phone Number': 'phone', 'Mobile Phone Number': 'phone', 'Associated Company': 'account', 'Company Name': 'account', 'Job Title': 'title' },
  },
  {
    name: 'google-legacy',
    requires: ['Given Name', 'E-mail 1 - Value'],
    columns: { Name: 'name', 'Given Name': 'firstName', 'Additional Name': 'middleName', 'Family Name': 'lastName', 'Organization 1 - Name': 'account', 'Organization 1 - Title': 'title' },
  },
  {
    name: 'google',
    requires: ['First Name', 'E-mail 1 - Value'],
    columns: { 'First Name': 'firstName', 'Middle Name': 'middleName', 'Last Name': 'lastName', 'Organization Name': 'account', 'Organization Title': 'title' },
  },
  {
    name: 'outlook',
    requires: ['First Name', 'Last Name', 'E-mail Address'],
    // Outlook's "Title" is the courtesy title (Mr., Dr.): the job is "Job Title".
    columns: { 'First Name': 'firstName', 'Middle Name': 'middleName', 'Last Name': 'lastName', Title: 'ignore', Company: 'account', 'Job Title': 'title', 'E-mail Address': 'email', 'E-mail 2 Address': 'email', 'E-mail 3 Address': 'email', 'Business Phone': 'phone', 'Business Phone 2': 'phone', 'Mobile Phone': 'phone', 'Home Phone': 'phone', 'Primary Phone': 'phone' },
  },
  {
    name: 'linkedin',
    requires: ['First Name', 'Last Name', 'Connected On'],
    columns: { 'First Name': 'firstName', 'Last Name': 'lastName', 'Email Address': 'email', Company: 'account', Position: 'title' },
  },
]

// Any other CSV: columns recognised by common names (first_name, E-mail, Company, Job Title…).
const SYNONYMS: [RegExp, ContactField][] = [
  [/^(full[ _-]?)?name$|^display[ _-]?name$|^contact[ _-]?name$/, 'name'],
  [/^(first|given)[ _-]?name$|^firstname$|^prenom$/, 'firstName'],
  [/^(middle|additional)[ _-]?name$/, 'middleName'],
  [/^(last|family|sur)[ _-]?name$|^lastname$|^surname$/, 'lastName'],
  [/e-?mail|^mail$/, 'email'],
  [/phone|mobile|^tel|^cell/, 'phone'],
  [/^(job[ _-]?)?title$|^position$|^role$|^organi[sz]ation[ _-]?title$/, 'title'],
  [/^(company|business|organi[sz]ation|account|employer)([ _-]?name)?$/, 'account'],
]

/** Which field each column feeds: a user mapping first, else the layout, else common names. */
export function mapColumns(header: string[], userMap?: Record<string, string>): { layout: string; fields: (ContactField | null)[] } {
  const clean = header.map((h) => h.replace(/^\uFEFF/, '').trim())
  if (userMap) {
    const lower = new Map(Object.entries(userMap).map(([k, v]) => [k.trim().toLowerCase(), v]))
    const errors = [...lower.entries()].filter(([, v]) => !CONTACT_FIELDS.includes(v as ContactField)).map(([k, v]) => ({ parameter: 'columns', detail: `${k}=${v}: the field must be one of ${CONTACT_FIELDS.join(', ')}` }))
    const missing = [...lower.keys()].filter((k) => !clean.some((h) => h.toLowerCase() === k)).map((k) => ({ parameter: 'columns', detail: `no column "${k}" in the header (${clean.join(', ')})` }))
    if (errors.length || missing.length) throw new AppError('unprocessable', 'The column mapping does not fit the file', [...errors, ...missing])
    return { layout: 'mapping', fields: clean.map((h) => (lower.get(h.toLowerCase()) as ContactField | undefined) ?? null) }
  }
  const layout = LAYOUTS.find((l) => l.requires.every((r) => clean.includes(r)))
  const fields = clean.map((h) => {
    const fromLayout = layout?.columns[h]
    if (fromLayout) return fromLayout
    if (/^E-mail \d+ - Value$/.test(h)) return 'email'
    if (/^Phone \d+ - Value$/.test(h)) return 'phone'
    if (layout) return null
    const key = h.toLowerCase()
    return SYNONYMS.find(([pattern]) => pattern.test(key))?.[1] ?? null
  })
  return { layout: layout?.name ?? 'generic', fields }
}

/** A row into a contact record; multi-valued Google cells use ` ::: `. */
export function rowToContact(row: string[], fields: (ContactField | null)[], where: string): ContactRecord {
  const record: ContactRecord = { where, name: null, emails: [], phones: [], title: null, company: null }
  const parts: Record<'firstName' | 'middleName' | 'lastName', string | null> = { firstName: null, middleName: null, lastName: null }
  fields.forEach((field, i) => {
    const value = row[i]?.trim()
    if (!field || !value || field === 'ignore') return
    if (field === 'email') record.emails.push(...value.split(/\s*(?::::|;|,)\s*/).filter(Boolean))
    else if (field === 'phone') record.phones.push(...value.split(/\s*:::\s*/).filter(Boolean))
    else if (field === 'name') record.name ??= value
    else if (field === 'title') record.title ??= value
    else if (field === 'account') record.company ??= value
    else parts[field] ??= value
  })
  record.name ??= [parts.firstName, parts.middleName, parts.lastName].filter(Boolean).join(' ') || null
  return record
}

/** Encoding from a byte-order mark, delimiter from the first line: comma, semicolon or tab. */
async function sniff(path: string): Promise<{ encoding: BufferEncoding; delimiter: string }> {
  const file = await open(path, 'r')
  try {
    const head = Buffer.alloc(8192)
    const { bytesRead } = await file.read(head, 0, head.length, 0)
    const bytes = head.subarray(0, bytesRead)
    const encoding: BufferEncoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf16le' : 'utf8'
    const firstLine = bytes.toString(encoding).replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
    const count = (c: string) => firstLine.split(c).length - 1
    const delimiter = [',', ';', '\t'].sort((a, b) => count(b) - count(a))[0]!
    return { encoding, delimiter }
  } finally {
    await file.close()
  }
}

const HEADER_SEARCH_ROWS = 10

async function* rowsOf(path: string, userMap: Record<string, string> | undefined, report: ImportReport): AsyncGenerator<ContactRecord | { where: string; error: string }> {
  const name = basename(path)
  const { encoding, delimiter } = await sniff(path)
  const parser = createReadStream(path).pipe(parse({ bom: true, encoding, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }))
  let fields: (ContactField | null)[] | null = null
  let seen = 0
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    seen++
    const where = `${name}:${info.lines}`
    if (!fields) {
      // LinkedIn exports open with "Notes:" lines: the header is the first row that maps a name or an address.
      const mapped = mapColumns(record, userMap)
      if (userMap || mapped.fields.some((f) => f === 'email' || f === 'name' || f === 'firstName' || f === 'lastName')) {
        fields = mapped.fields
        addDetail(report, `layout:${mapped.layout}`)
        continue
      }
      if (seen >= HEADER_SEARCH_ROWS) {
        yield { where: name, error: `no header row with a name or e-mail column in the first ${HEADER_SEARCH_ROWS} rows (give a column mapping)` }
        return
      }
      continue
    }
    yield rowToContact(record, fields, where)
  }
  if (!fields) yield { where: name, error: 'no header row with a name or e-mail column (give a column mapping)' }
}

/** The importer of the dispatch table for one .csv file; `ctx.options.columns` is the user's mapping. */
export async function importCsvFile(ctx: ImportContext, path: string): Promise<ImportReport> {
  const report = emptyReport()
  return importContactRecords(ctx, rowsOf(path, ctx.options?.columns, report), report)
}
