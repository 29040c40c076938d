import { createHash } from 'node:crypto'
import { isUtf8 } from 'node:buffer'
import { addressParser, decodeWords, type Mailbox } from 'postal-mime'

// The header facts of one message. We read only the header block (bodies are never parsed or
// stored): RFC 5322 unfolding and the choice of the few fields we need are done here, the hard
// parts (address lists with groups, quoting and comments; RFC 2047 encoded words in any
// charset) by postal-mime's own parsers.

export type MessageFacts = {
  messageId: string | null
  sentAt: Date
  /** The Date header as written, for reports. */
  dateHeader: string
  from: string
  fromName: string | null
  to: string[]
  cc: string[]
  subject: string | null
  /** Hash of the normalised subject ("Re: Re: Deal" → "deal"): threads and replies without storing it. */
  subjectKey: string | null
  inReplyTo: string | null
  references: string[]
  /** A reply: it says so (In-Reply-To, References) or its subject does ("Re:", "AW:", "SV:"…). */
  isReply: boolean
  /** The same message under another Message-ID (another folder, another mailbox) has the same hash. */
  contentHash: string
  threadKey: string
}

export class MalformedMessage extends Error {}

const WANTED = new Set(['message-id', 'date', 'from', 'to', 'cc', 'subject', 'in-reply-to', 'references'])

/** Bytes of a header block to text: UTF-8 when valid, else Latin-1 (old archives mix both; neither throws). */
export function headerText(bytes: Buffer): string {
  const text = isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1')
  // PostgreSQL text cannot hold NUL; broken archives have them.
  return text.includes('\0') ? text.replaceAll('\0', '') : text
}

/** Unfold the header block and keep the fields we read (first occurrence wins, as in most clients). */
export function readHeaderFields(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  let name: string | null = null
  let value = ''
  const flush = () => {
    if (name !== null && WANTED.has(name) && !fields.has(name)) fields.set(name, value.trim())
  }
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break
    if ((line[0] === ' ' || line[0] === '\t') && name !== null) {
      value += line
      continue
    }
    flush()
    const colon = line.indexOf(':')
    if (colon <= 0) {
      name = null
      continue
    }
    name = line.slice(0, colon).trim().toLowerCase()
    value = line.slice(colon + 1)
  }
  flush()
  return fields
}

/** An address as we compare it: lower case, plus-addressing folded (`Ann+deals@X.com` → `ann@x.com`). */
export function foldAddress(address: string): string {
  const lower = address.trim().toLowerCase()
  const at = lower.lastIndexOf('@')
  if (at <= 0) return lower
  const plus = lower.indexOf('+')
  return plus > 0 && plus < at ? lower.slice(0, plus) + lower.slice(at) : lower
}

export function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@')
  return at > 0 && at < address.length - 1 ? address.slice(at + 1) : null
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/

// The same To and Cc lists come back message after message (a team, a mailing list): parsing
// addresses is most of the header work, so the last few thousand lists are remembered.
const MAX_CACHED_LISTS = 5000
const listCache = new Map<string, Mailbox[]>()

function mailboxes(value: string | undefined): Mailbox[] {
  if (!value) return []
  const cached = listCache.get(value)
  if (cached) return cached
  const list = (addressParser(value, { flatten: true }) as Mailbox[]).filter((m) => m.address && ADDRESS.test(m.address.trim()))
  if (listCache.size >= MAX_CACHED_LISTS) listCache.clear()
  listCache.set(value, list)
  return list
}

function uniqueFolded(list: Mailbox[]): string[] {
  return [...new Set(list.map((m) => foldAddress(m.address)))]
}

/** Message-IDs without their angle brackets; `<a@b> <c@d>` → ['a@b', 'c@d']. */
export function messageIds(value: string | undefined): string[] {
  if (!value) return []
  const bracketed = value.match(/<[^<>\s]+>/g)
  if (bracketed) return bracketed.map((id) => id.slice(1, -1)).filter((id) => id.length <= 500)
  const bare = value.trim().split(/\s+/)[0]
  return bare && bare.length <= 500 ? [bare] : []
}

const REPLY_PREFIX = /^\s*((re|aw|sv|antw|fw|fwd|wg|tr|rv)(\[\d+\])?\s*:|\[[^\]]{1,40}\])\s*/i

/** The subject a thread shares: prefixes (Re:, Fwd:, AW:, [list]) removed, spaces collapsed, lower case. */
export function normaliseSubject(subject: string): { text: string; isReply: boolean } {
  let text = subject.replace(/\s+/g, ' ').trim()
  let isReply = false
  for (let match = REPLY_PREFIX.exec(text); match; match = REPLY_PREFIX.exec(text)) {
    if (/^\s*(re|aw|sv|antw)/i.test(match[0])) isReply = true
    text = text.slice(match[0].length)
  }
  return { text: text.toLowerCase(), isReply }
}

const hash = (text: string) => createHash('sha1').update(text).digest('base64url')

/** A date the way mail writes it; comments such as "(PDT)" are dropped when the first try fails. */
export function parseMailDate(value: string | undefined): Date | null {
  if (!value) return null
  let time = Date.parse(value)
  if (Number.isNaN(time)) time = Date.parse(value.replace(/\([^)]*\)/g, '').trim())
  return Number.isNaN(time) ? null : new Date(time)
}

/** Parse the header block of one message into its facts; throws MalformedMessage with the reason. */
export function parseHeaders(bytes: Buffer): MessageFacts {
  const fields = readHeaderFields(headerText(bytes))
  if (fields.size === 0) throw new MalformedMessage('no header fields')
  const fromList = mailboxes(fields.get('from'))
  const sender = fromList[0]
  if (!sender) throw new MalformedMessage(fields.has('from') ? `From is not an address: ${JSON.stringify(fields.get('from')!.slice(0, 80))}` : 'no From header')
  const sentAt = parseMailDate(fields.get('date'))
  if (!sentAt) throw new MalformedMessage(fields.has('date') ? `Date is not a date: ${JSON.stringify(fields.get('date')!.slice(0, 60))}` : 'no Date header')
  const from = foldAddress(sender.address)
  const to = uniqueFolded(mailboxes(fields.get('to')))
  const cc = uniqueFolded(mailboxes(fields.get('cc'))).filter((a) => !to.includes(a))
  const rawSubject = fields.get('subject')
  const subject = rawSubject === undefined ? null : decodeWords(rawSubject).replace(/\s+/g, ' ').trim()
  const normalised = subject ? normaliseSubject(subject) : null
  const inReplyTo = messageIds(fields.get('in-reply-to'))[0] ?? null
  const references = messageIds(fields.get('references')).slice(-50)
  const subjectKey = normalised?.text ? hash(normalised.text) : null
  const counterpart = to[0] ?? cc[0] ?? ''
  const pair = [from, counterpart].sort().join(' ')
  return {
    messageId: messageIds(fields.get('message-id'))[0] ?? null,
    sentAt,
    dateHeader: fields.get('date')!.slice(0, 80),
    from,
    fromName: sender.name ? decodeWords(sender.name).trim().slice(0, 200) || null : null,
    to,
    cc,
    subject,
    subjectKey,
    inReplyTo,
    references,
    isReply: inReplyTo !== null || references.length > 0 || (normalised?.isReply ?? false),
    contentHash: hash([sentAt.getTime(), from, [...to].sort().join(','), [...cc].sort().join(','), (subject ?? '').toLowerCase()].join('\n')),
    // A thread: the same normalised subject between the same two correspondents (sender and first
    // recipient, in either order). Archives such as Enron's carry no In-Reply-To to go by.
    threadKey: hash(`${normalised?.text ?? `(no subject) ${messageIds(fields.get('message-id'))[0] ?? sentAt.getTime()}`}\n${pair}`),
  }
}
