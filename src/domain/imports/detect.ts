import { open, readdir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'

// Which importer a file or folder goes to: by extension first, then by its first bytes (mail
// archives often have no extension: Enron's `enron.lay-k.inbox`, maildir's `1234.host:2,S`).

export const IMPORT_FORMATS = ['mbox', 'maildir', 'eml', 'ics', 'vcf', 'csv', 'jsonl'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

const BY_EXTENSION: Record<string, ImportFormat> = {
  '.mbox': 'mbox', '.mbx': 'mbox', '.eml': 'eml', '.msg822': 'eml',
  '.ics': 'ics', '.ical': 'ics', '.ifb': 'ics', '.vcf': 'vcf', '.vcard': 'vcf', '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl',
}

/** Header names that start an RFC 5322 message (any of them on the first line). */
const MAIL_HEADER = /^(return-path|received|message-id|date|from|to|subject|delivered-to|x-[\w-]+|mime-version|reply-to|sender|cc):/i

/** The format of a file's first bytes, or null when nothing is recognised. */
export function sniffFormat(head: string): ImportFormat | null {
  const text = head.replace(/^\uFEFF/, '').trimStart()
  if (/^From \S/.test(text)) return 'mbox'
  if (/^BEGIN:VCALENDAR/i.test(text)) return 'ics'
  if (/^BEGIN:VCARD/i.test(text)) return 'vcf'
  if (/^\{"type":"[a-z]+","data":/.test(text)) return 'jsonl'
  if (MAIL_HEADER.test(text)) return 'eml'
  const firstLine = text.split(/\r?\n/, 1)[0] ?? ''
  if (/^[^,;\t]+([,;\t][^,;\t]*)+$/.test(firstLine)) return 'csv'
  return null
}

async function readHead(path: string, bytes = 4096): Promise<string> {
  const file = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await file.read(buffer, 0, bytes, 0)
    return buffer.subarray(0, bytesRead).toString('latin1')
  } finally {
    await file.close()
  }
}

/** A maildir folder holds `cur` and `new` (and usually `tmp`). */
export async function isMaildir(path: string): Promise<boolean> {
  const names = new Set(await readdir(path))
  return names.has('cur') && names.has('new')
}

/**
 * The format of one file, or of a folder when it is a maildir; null for a plain folder (its
 * files are detected one by one) or an unrecognised file. A file whose content says something
 * else than its extension (a `.txt` that is a message) follows its content.
 */
export async function detectFormat(path: string): Promise<ImportFormat | null> {
  const info = await stat(path)
  if (info.isDirectory()) return (await isMaildir(path)) ? 'maildir' : null
  const byExtension = BY_EXTENSION[extname(path).toLowerCase()]
  const sniffed = sniffFormat(await readHead(path))
  // An .eml file may start with an mbox envelope line: it is still one message.
  if (byExtension === 'eml' && sniffed === 'mbox') return 'eml'
  return byExtension && (sniffed === null || byExtension === 'csv') ? byExtension : (sniffed ?? byExtension ?? null)
}

/** Every file under a folder, sorted, hidden files skipped (bounded memory: names only). */
export async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
}
