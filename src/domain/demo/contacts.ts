import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'

/** One person of the Atomic CRM sample file (see data/README.md): the real part of the demo data. */
export type DemoContact = {
  firstName: string
  lastName: string
  company: string
  emails: string[]
  phones: string[]
  tags: string[]
}

type CsvRow = Record<string, string>

const CONTACTS_FILE = new URL('./data/atomic-crm-contacts.csv', import.meta.url)

let cached: DemoContact[] | undefined

/** The sample contacts in file order; titles and backgrounds are left out (faker filler). */
export function loadDemoContacts(): DemoContact[] {
  if (cached) return cached
  const rows = parse(readFileSync(CONTACTS_FILE, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as CsvRow[]
  cached = rows
    .filter((r) => r.first_name && r.last_name && r.company_name)
    .map((r) => ({
      firstName: r.first_name!,
      lastName: r.last_name!,
      company: r.company_name!,
      emails: [r.email_work, r.email_home, r.email_other].filter((e): e is string => Boolean(e)).map((e) => e.toLowerCase()),
      phones: [r.phone_work, r.phone_home, r.phone_other].filter((p): p is string => Boolean(p)),
      tags: (r.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    }))
  return cached
}

/** A company's web domain, made up from its name under the reserved .example TLD (RFC 2606). */
export function domainOf(company: string): string {
  const words = company
    .normalize('NFKD')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !['and', 'inc', 'llc'].includes(w))
  return `${words.join('-')}.example`
}

/** first.last as an email local part, ASCII only. */
export function localPartOf(firstName: string, lastName: string): string {
  const clean = (s: string) => s.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]/g, '')
  return `${clean(firstName)}.${clean(lastName)}`
}
