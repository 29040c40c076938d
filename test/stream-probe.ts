// Run in a child process by src/domain/imports/streaming.test.ts, with a capped heap: streams one
// large file through the same reader the import uses (parsing only, no database) and prints what
// it read and the peak memory seen, as JSON on stdout.
import { CalendarReader } from '../src/domain/imports/calendar.ts'
import { readLines } from '../src/domain/imports/lines.ts'
import { CardSplitter, readCard } from '../src/domain/imports/vcard.ts'

const [kind, path] = process.argv.slice(2) as ['ics' | 'vcf', string]
const gc = (globalThis as { gc?: () => void }).gc
gc?.()
const base = process.memoryUsage()
let peakHeap = 0
let peakRss = 0
const sample = () => {
  const m = process.memoryUsage()
  peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed)
  peakRss = Math.max(peakRss, m.rss - base.rss)
}
const counts: Record<string, number> = { bytes: 0, records: 0, failures: 0, cancelled: 0 }
const started = Date.now()
if (kind === 'vcf') {
  const splitter = new CardSplitter()
  const read = (pieces: ReturnType<CardSplitter['push']>) => {
    for (const piece of pieces) {
      if ('error' in piece) counts.failures! += 1
      else if (readCard(piece.text, 'probe').emails.length) counts.records! += 1
    }
  }
  for await (const lines of readLines(path, (n) => (counts.bytes! += n))) {
    for (const line of lines) read(splitter.push(line))
    sample()
  }
  read(splitter.end())
} else {
  const reader = new CalendarReader({ from: new Date('1990-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z'), timeZone: 'UTC', maxOccurrencesPerEvent: 5000 })
  const take = () => {
    const parsed = reader.take()
    counts.records! += parsed.occurrences.length
    counts.failures! += parsed.issues.length
    counts.cancelled! += parsed.cancelled
  }
  for await (const lines of readLines(path, (n) => (counts.bytes! += n))) {
    for (const line of lines) {
      reader.push(line)
      if (reader.pendingOccurrences >= 500) take()
    }
    take()
    sample()
  }
  reader.end()
  take()
}
sample()
process.stdout.write(JSON.stringify({ ...counts, peakHeapMB: peakHeap / 1048576, peakRssMB: peakRss / 1048576, seconds: (Date.now() - started) / 1000 }))
