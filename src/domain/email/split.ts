import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'

// Raw messages out of mail archives, header block only: a message's body is skipped as it
// streams past, so memory stays flat whatever the attachments weigh. An mbox is split on lines
// that start with "From " (body lines that did were escaped as ">From " by the writer).

export type RawMessage = {
  /** Where it is, for reports: `file:line` for an mbox (the line of its "From " separator), the file otherwise. */
  where: string
  /** The header block as bytes (up to the first empty line), at most MAX_HEADER_BYTES. */
  header: Buffer
  /** The header block was longer than MAX_HEADER_BYTES (or never ended): parsed as far as read. */
  isTruncated: boolean
}

export const MAX_HEADER_BYTES = 256 * 1024
const CHUNK_BYTES = 1024 * 1024
const NEWLINE = 0x0a

/** Is this line (from `start`, ending with \n at `end`) empty: "\n" or "\r\n"? */
function isBlank(buf: Buffer, start: number, end: number): boolean {
  return end === start || (end === start + 1 && buf[start] === 0x0d)
}

function startsWithFrom(buf: Buffer, start: number): boolean {
  return buf[start] === 0x46 && buf[start + 1] === 0x72 && buf[start + 2] === 0x6f && buf[start + 3] === 0x6d && buf[start + 4] === 0x20
}

/** Collects the header lines of the current message, within the byte cap. */
class HeaderCollector {
  parts: Buffer[] = []
  size = 0
  isTruncated = false
  add(line: Buffer) {
    if (this.size + line.length > MAX_HEADER_BYTES) {
      this.isTruncated = true
      return
    }
    // Copy: the chunk the line points into is reused by the stream.
    this.parts.push(Buffer.from(line))
    this.size += line.length
  }
  take(): { header: Buffer; isTruncated: boolean } {
    const result = { header: Buffer.concat(this.parts, this.size), isTruncated: this.isTruncated }
    this.parts = []
    this.size = 0
    this.isTruncated = false
    return result
  }
}

/**
 * The messages of an mbox file, one at a time. `onBytes` is told how many bytes each chunk had
 * (the progress bar). Text before the first "From " line is reported as a failure by the caller
 * through a message with an empty header.
 */
export async function* readMbox(path: string, onBytes: (n: number) => void = () => {}, isSingle = false): AsyncGenerator<RawMessage> {
  const name = basename(path)
  const collector = new HeaderCollector()
  let lineNo = 0
  let messageLine = 0
  let state: 'before' | 'header' | 'body' = 'before'
  let carry: Buffer | null = null
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    onBytes(chunk.length)
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk
    carry = null
    let pos = 0
    for (;;) {
      const nl = buf.indexOf(NEWLINE, pos)
      if (nl < 0) {
        if (pos < buf.length) carry = Buffer.from(buf.subarray(pos))
        // A line with no end in sight (a broken attachment): keep its start, enough to tell a "From " line.
        if (carry && carry.length > CHUNK_BYTES) {
          if (state === 'header') collector.isTruncated = true
          carry = Buffer.from(carry.subarray(0, 5))
        }
        break
      }
      lineNo++
      if (startsWithFrom(buf, pos)) {
        if (state !== 'before') yield { where: `${name}:${messageLine}`, ...collector.take() }
        state = 'header'
        messageLine = lineNo
      } else if (state === 'header') {
        if (isBlank(buf, pos, nl)) {
          state = 'body'
          // One message per file: the rest is its body, not worth reading.
          if (isSingle) {
            yield { where: `${name}:${messageLine}`, ...collector.take() }
            return
          }
        } else collector.add(buf.subarray(pos, nl + 1))
      } else if (state === 'before' && !isBlank(buf, pos, nl)) {
        // Not an mbox after all (no "From " separator first): read it as one message.
        state = 'header'
        messageLine = lineNo
        collector.add(buf.subarray(pos, nl + 1))
      }
      pos = nl + 1
    }
  }
  if (carry && state === 'header' && !startsWithFrom(carry, 0)) collector.add(carry)
  if (state !== 'before') yield { where: `${name}:${messageLine}`, ...collector.take() }
}

/** One message per file (.eml, a maildir entry): an mbox "From " envelope line first is skipped. */
export async function* readSingle(path: string, where: string, onBytes: (n: number) => void = () => {}): AsyncGenerator<RawMessage> {
  for await (const message of readMbox(path, onBytes, true)) {
    yield { ...message, where }
    return
  }
}

/** The messages of a maildir (cur/ and new/; tmp/ holds deliveries in progress and is skipped). */
export async function* readMaildir(folder: string, onBytes: (n: number) => void = () => {}): AsyncGenerator<RawMessage> {
  for (const sub of ['cur', 'new']) {
    const dir = join(folder, sub)
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort()
    for (const name of names) {
      const file = join(dir, name)
      if (!(await stat(file)).isFile()) continue
      yield* readSingle(file, `${basename(folder)}/${sub}/${name}`, onBytes)
    }
  }
}
