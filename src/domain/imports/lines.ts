import { createReadStream } from 'node:fs'

// Physical lines of a text file, streamed: a chunk at a time, so memory holds one chunk and the
// lines cut from it, whatever the file weighs. Lines come without their end (\n or \r\n) and
// are decoded as UTF-8 one by one (a line break is a single byte in UTF-8, so no character is
// ever cut). A byte-order mark at the start is dropped.

const CHUNK_BYTES = 1024 * 1024
/** A line longer than this (no line break for a megabyte: not a text format we read) is cut here. */
export const MAX_LINE_BYTES = 1024 * 1024
const NEWLINE = 0x0a
const CR = 0x0d

function decode(buf: Buffer, start: number, end: number): string {
  if (end > start && buf[end - 1] === CR) end -= 1
  return buf.toString('utf8', start, end)
}

/**
 * The lines of `path`, in arrays (one per chunk read: a loop over lines then needs no await per
 * line). `onBytes` is told the size of each chunk as it is read (for a progress bar).
 */
export async function* readLines(path: string, onBytes: (n: number) => void = () => {}): AsyncGenerator<string[]> {
  let carry: Buffer | null = null
  let skippingRest = false
  let isFirst = true
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    onBytes(chunk.length)
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk
    carry = null
    const lines: string[] = []
    let pos = 0
    for (;;) {
      const nl = buf.indexOf(NEWLINE, pos)
      if (nl < 0) break
      if (skippingRest) skippingRest = false
      else lines.push(decode(buf, pos, nl))
      pos = nl + 1
    }
    if (pos < buf.length && !skippingRest) {
      if (buf.length - pos > MAX_LINE_BYTES) {
        // Keep the start of an endless line and drop the rest of it up to its end.
        lines.push(decode(buf, pos, pos + MAX_LINE_BYTES))
        skippingRest = true
      } else carry = Buffer.from(buf.subarray(pos))
    }
    if (isFirst && lines.length) {
      lines[0] = lines[0]!.replace(/^\uFEFF/, '')
      isFirst = false
    }
    if (lines.length) yield lines
  }
  if (carry && carry.length) yield [isFirst ? decode(carry, 0, carry.length).replace(/^\uFEFF/, '') : decode(carry, 0, carry.length)]
}

/** The lines of a text already in memory (tests, small inputs): the same shapes as readLines. */
export function splitLines(source: string): string[] {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/)
  // A final line break ends the last line; it does not start an empty one.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  return lines
}
