import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import ICAL from 'ical.js'
import type { ContactRecord } from './contacts.ts'
import { importContactRecords } from './contacts.ts'
import type { ImportContext } from './importers.ts'
import { emptyReport, type ImportReport } from './report.ts'

// vCard 2.1, 3.0 and 4.0 through ical.js (see docs/decisions/0008). ical.js reads 3.0 and 4.0;
// vCard 2.1 (Outlook, old phones) writes parameters without names (`TEL;WORK;VOICE:`) and
// quoted-printable values with soft line breaks, which are rewritten into 3.0 form first.
// Each card is parsed on its own, so one broken card is reported and the others go on.

export type CardBlock = { index: number; line: number; text: string }

/** The BEGIN:VCARD … END:VCARD blocks of a file, with their 1-based first line. */
export function splitCards(source: string): { cards: CardBlock[]; unterminated: CardBlock | null } {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/)
  const cards: CardBlock[] = []
  let current: { line: number; lines: string[] } | null = null
  lines.forEach((line, i) => {
    if (/^BEGIN:VCARD\s*$/i.test(line)) {
      if (current) cards.push({ index: cards.length, line: current.line, text: current.lines.join('\r\n') })
      current = { line: i + 1, lines: [line] }
    } else if (current) {
      current.lines.push(line)
      if (/^END:VCARD\s*$/i.test(line)) {
        cards.push({ index: cards.length, line: current.line, text: current.lines.join('\r\n') })
        current = null
      }
    }
  })
  const open = current as { line: number; lines: string[] } | null
  return { cards, unterminated: open ? { index: cards.length, line: open.line, text: open.lines.join('\r\n') } : null }
}

const ENCODINGS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT'])
const BINARY = /^(?:[\w-]+\.)?(PHOTO|LOGO|SOUND|KEY)[;:]/i

function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = []
  for (let i = 0; i < value.length; i++) {
    const hex = value[i] === '=' ? value.slice(i + 1, i + 3) : ''
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else bytes.push(...Buffer.from(value[i]!, 'utf8'))
  }
  const decode = (label: string) => new TextDecoder(label).decode(Uint8Array.from(bytes))
  try {
    return decode(charset)
  } catch {
    return decode('utf-8')
  }
}

/** Rewrite a 2.1 card into something ical.js reads: named parameters, decoded values, no binaries. */
export function modernizeCard(text: string): string {
  // Unfold: RFC folding (leading space) and quoted-printable soft breaks (trailing '=').
  const physical = text.split(/\r\n/)
  const logical: string[] = []
  for (const line of physical) {
    const last = logical.length - 1
    if (last >= 0 && /^[ \t]/.test(line)) logical[last] += line.slice(1)
    else if (last >= 0 && /QUOTED-PRINTABLE/i.test(logical[last]!.split(':', 1)[0]!) && logical[last]!.endsWith('=')) logical[last] = logical[last]!.slice(0, -1) + line
    else logical.push(line)
  }
  const out: string[] = []
  for (const line of logical) {
    if (BINARY.test(line)) continue
    const colon = line.indexOf(':')
    if (colon < 0) {
      if (line.trim()) out.push(line)
      continue
    }
    const [name, ...params] = line.slice(0, colon).split(';')
    let value = line.slice(colon + 1)
    let charset = 'utf-8'
    let isQuotedPrintable = false
    const kept: string[] = []
    for (const param of params) {
      if (!param) continue
      const eq = param.indexOf('=')
      const key = eq < 0 ? (ENCODINGS.has(param.toUpperCase()) ? 'ENCODING' : 'TYPE') : param.slice(0, eq).toUpperCase()
      const val = eq < 0 ? param : param.slice(eq + 1)
      if (key === 'ENCODING' && val.toUpperCase() === 'QUOTED-PRINTABLE') isQuotedPrintable = true
      else if (key === 'CHARSET') charset = val
      else if (key !== 'ENCODING') kept.push(`${key}=${val}`)
    }
    if (isQuotedPrintable) value = decodeQuotedPrintable(value, charset).replace(/\r?\n/g, '\\n')
    out.push(`${[name, ...kept].join(';')}:${value}`)
  }
  return out.join('\r\n')
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : Array.isArray(v) ? str(v.find((x) => typeof x === 'string' && x.trim())) : null)

/** One card into a contact record. */
export function readCard(text: string, where: string): ContactRecord {
  const jcard = ICAL.parse(modernizeCard(text)) as unknown
  const card = new ICAL.Component((Array.isArray(jcard) && typeof jcard[0] === 'string' ? jcard : (jcard as unknown[])[0]) as never)
  if (card.name !== 'vcard') throw new Error('not a vCard')
  let name = str(card.getFirstPropertyValue('fn'))
  if (!name) {
    const n = card.getFirstPropertyValue('n')
    const parts = Array.isArray(n) ? n.map((p) => (Array.isArray(p) ? p.join(' ') : String(p ?? ''))) : typeof n === 'string' ? n.split(';') : []
    name = [parts[3], parts[1], parts[2], parts[0], parts[4]].filter((p) => p && p.trim()).join(' ').trim() || null
  }
  const values = (prop: string) => card.getAllProperties(prop).flatMap((p) => p.getValues()).map(str).filter((v): v is string => !!v)
  return {
    where,
    name,
    emails: values('email'),
    phones: values('tel').map((t) => t.replace(/^tel:/i, '')),
    title: str(card.getFirstPropertyValue('title')),
    company: str(card.getFirstPropertyValue('org')),
  }
}

async function* cardsOf(path: string): AsyncGenerator<ContactRecord | { where: string; error: string }> {
  const name = basename(path)
  const source = (await readFile(path)).toString('utf8')
  const { cards, unterminated } = splitCards(source)
  if (cards.length === 0 && !unterminated) {
    yield { where: name, error: 'no BEGIN:VCARD in the file' }
    return
  }
  for (const card of cards) {
    const where = `${name}:${card.line} (card ${card.index + 1})`
    try {
      yield readCard(card.text, where)
    } catch (err) {
      yield { where, error: `not a readable vCard: ${(err as Error).message.slice(0, 200)}` }
    }
  }
  if (unterminated) yield { where: `${name}:${unterminated.line} (card ${unterminated.index + 1})`, error: 'the card has no END:VCARD' }
}

/** The importer of the dispatch table for one .vcf file. */
export async function importVcardFile(ctx: ImportContext, path: string): Promise<ImportReport> {
  return importContactRecords(ctx, cardsOf(path), emptyReport())
}
