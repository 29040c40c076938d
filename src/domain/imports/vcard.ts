import { basename } from 'node:path'
import ICAL from 'ical.js'
import type { ContactRecord } from './contacts.ts'
import { importContactRecords } from './contacts.ts'
import type { ImportContext } from './importers.ts'
import { readLines, splitLines } from './lines.ts'
import { emptyReport, type ImportReport } from './report.ts'

// vCard 2.1, 3.0 and 4.0 through ical.js (see docs/decisions/0008). ical.js reads 3.0 and 4.0;
// vCard 2.1 (Outlook, old phones) writes parameters without names (`TEL;WORK;VOICE:`) and
// quoted-printable values with soft line breaks, which are rewritten into 3.0 form first.
// Each card is parsed on its own, so one broken card is reported and the others go on.

export type CardBlock = { index: number; line: number; text: string }

/** Bounds of one card's text (photos, logos, sounds and keys are dropped as they stream past). */
export const MAX_CARD_BYTES = 1024 * 1024

type OpenCard = { index: number; line: number; lines: string[]; bytes: number; isTooLarge: boolean }
export type CardPiece = CardBlock | { index: number; line: number; error: string }

const BEGIN_CARD = /^BEGIN:VCARD[\s\p{Cc}]*$/iu
const END_CARD = /^END:VCARD[\s\p{Cc}]*$/iu

/**
 * Cuts a vCard stream into cards, line by line (physical lines, as `readLines` gives them), so
 * memory holds one card at a time. Lines are unfolded to find where a card begins and ends: RFC
 * folding (a line starting with a space or tab continues the previous one) and vCard 2.1
 * quoted-printable soft breaks (a QUOTED-PRINTABLE value ending in "=" continues on the next
 * line). Binary properties (PHOTO, LOGO, SOUND, KEY) are dropped before they take memory.
 * A BEGIN:VCARD inside a card (a 2.1 AGENT) ends the card before it, as a whole-file split did.
 */
export class CardSplitter {
  private lineNo = 0
  private count = 0
  private card: OpenCard | null = null
  private logical: string[] = []
  private logicalLine = 0
  private isQuotedPrintable = false
  private isDropping = false
  private ready: CardPiece[] = []

  /** One physical line, without its line break. */
  push(line: string): CardPiece[] {
    this.lineNo += 1
    const last = this.logical[this.logical.length - 1]
    const isSoftBreak = this.isQuotedPrintable && last!.endsWith('=') && !BEGIN_CARD.test(line) && !END_CARD.test(line)
    const continues = this.logical.length > 0 && (/^[ \t]/.test(line) || isSoftBreak)
    if (continues) {
      if (!this.isDropping) this.logical.push(line)
      this.checkSize()
    } else {
      this.flushLogical()
      this.logical = [line]
      this.logicalLine = this.lineNo
      this.isQuotedPrintable = /QUOTED-PRINTABLE/i.test(line.split(':', 1)[0]!)
      this.isDropping = this.card !== null && BINARY.test(line)
      this.checkSize()
    }
    return this.takeReady()
  }

  /** The end of the stream: a card left open is reported. */
  end(): CardPiece[] {
    this.flushLogical()
    if (this.card) {
      this.ready.push({ index: this.card.index, line: this.card.line, error: 'the card has no END:VCARD' })
      this.card = null
    }
    return this.takeReady()
  }

  /** How many cards began. */
  get cards(): number {
    return this.count
  }

  private takeReady(): CardPiece[] {
    if (!this.ready.length) return this.ready
    const out = this.ready
    this.ready = []
    return out
  }

  private checkSize() {
    if (!this.card || this.card.isTooLarge || this.isDropping) return
    const pending = this.logical.reduce((n, l) => n + l.length + 2, 0)
    if (this.card.bytes + pending > MAX_CARD_BYTES) {
      this.card.isTooLarge = true
      this.card.lines = []
      this.logical = this.logical.slice(0, 1)
      this.isDropping = true
    }
  }

  private flushLogical() {
    if (!this.logical.length) return
    const physical = this.logical
    const isDropped = this.isDropping
    this.logical = []
    this.isDropping = false
    const text = physical.map((l, i) => (i && /^[ \t]/.test(l) ? l.slice(1) : l)).join('')
    if (BEGIN_CARD.test(text)) {
      if (this.card) this.close()
      this.card = { index: this.count++, line: this.logicalLine, lines: physical, bytes: text.length + 2, isTooLarge: false }
      return
    }
    const card = this.card
    if (!card) return
    if (!isDropped && !card.isTooLarge) {
      card.lines.push(...physical)
      card.bytes += physical.reduce((n, l) => n + l.length + 2, 0)
    }
    if (END_CARD.test(text)) this.close()
  }

  private close() {
    const card = this.card!
    this.card = null
    if (card.isTooLarge) this.ready.push({ index: card.index, line: card.line, error: `the card is larger than ${MAX_CARD_BYTES / 1024 / 1024} MB (photos aside)` })
    else this.ready.push({ index: card.index, line: card.line, text: card.lines.join('\r\n') })
  }
}

/** The BEGIN:VCARD … END:VCARD blocks of a text in memory, with their 1-based first line (tests). */
export function splitCards(source: string): CardPiece[] {
  const splitter = new CardSplitter()
  const pieces: CardPiece[] = []
  for (const line of splitLines(source)) pieces.push(...splitter.push(line))
  pieces.push(...splitter.end())
  return pieces
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

async function* cardsOf(path: string, onBytes: (n: number) => void): AsyncGenerator<ContactRecord | { where: string; error: string }> {
  const name = basename(path)
  const splitter = new CardSplitter()
  const read = (piece: CardPiece): ContactRecord | { where: string; error: string } => {
    const where = `${name}:${piece.line} (card ${piece.index + 1})`
    if ('error' in piece) return { where, error: piece.error }
    try {
      return readCard(piece.text, where)
    } catch (err) {
      return { where, error: `not a readable vCard: ${(err as Error).message.slice(0, 200)}` }
    }
  }
  for await (const lines of readLines(path, onBytes)) {
    for (const line of lines) for (const piece of splitter.push(line)) yield read(piece)
  }
  for (const piece of splitter.end()) yield read(piece)
  if (splitter.cards === 0) yield { where: name, error: 'no BEGIN:VCARD in the file' }
}

/** The importer of the dispatch table for one .vcf file. */
export async function importVcardFile(ctx: ImportContext, path: string): Promise<ImportReport> {
  return importContactRecords(ctx, cardsOf(path, (bytes) => ctx.onProgress?.({ records: 0, bytes })), emptyReport())
}
