import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

// .vcf and .ics files are streamed: a large file goes through in bounded memory. Each file here
// is 50 MB, built by repeating a real fixture of ../shared/data with distinct addresses and
// UIDs, and read in a child process whose heap is capped at 64 MB (reading such a file whole,
// as the importers did before, runs out of heap at once). The child reports what it read and
// the peak growth of its heap and RSS.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DATA = join(ROOT, '../shared/data/')
const CARD = join(DATA, 'contacts/ez-vcard/src/test/resources/ezvcard/io/text/gmail-single.vcf')
const CALENDAR = join(DATA, 'calendar/vobject-py-testfiles/test_files/radicale-0827.ics')
const TRIPIT = join(DATA, 'calendar/node-ical/test/fixtures/tripit-location-escaping.ics')
const skip = existsSync(CARD) && existsSync(CALENDAR) && existsSync(TRIPIT) ? false : `fixtures not found in ${DATA}`
const scratch = mkdtempSync(join(tmpdir(), 'tend-streaming-'))
after(() => rmSync(scratch, { recursive: true, force: true }))

const TARGET_BYTES = 50 * 1024 * 1024
const HEAP_CAP_MB = 64
/** Peak heap growth allowed while reading the file: well under a tenth of its size. */
const HEAP_BOUND_MB = 40

async function write(file: string, parts: () => Generator<string>) {
  const out = createWriteStream(file)
  for (const part of parts()) if (!out.write(part)) await once(out, 'drain')
  out.end()
  await once(out, 'close')
}

type Probe = { bytes: number; records: number; failures: number; cancelled: number; peakHeapMB: number; peakRssMB: number; seconds: number }

async function probe(kind: 'vcf' | 'ics', file: string): Promise<Probe> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', `--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx', 'test/stream-probe.ts', kind, file], { cwd: ROOT, maxBuffer: 1 << 20 })
  return JSON.parse(stdout) as Probe
}

describe('streaming large files', { skip }, () => {
  test('a 50 MB vCard file: every card read, heap growth bounded', async (t) => {
    const card = readFileSync(CARD, 'utf8').replace(/\r?\n/g, '\r\n')
    assert.ok(card.includes('gdartmouth@hotmail.com'))
    const file = join(scratch, 'contacts.vcf')
    let cards = 0
    await write(file, function* () {
      for (let size = 0; size < TARGET_BYTES; cards++) {
        const text = card.replace('gdartmouth@hotmail.com', `person${cards}@company${cards % 997}.example`)
        size += text.length
        yield text
      }
    })
    assert.ok(statSync(file).size >= TARGET_BYTES)
    const result = await probe('vcf', file)
    t.diagnostic(JSON.stringify(result))
    assert.equal(result.bytes, statSync(file).size)
    assert.deepEqual([result.records, result.failures], [cards, 0])
    assert.ok(result.peakHeapMB < HEAP_BOUND_MB, `peak heap growth ${result.peakHeapMB.toFixed(1)} MB`)
  })

  test('a 50 MB calendar: each series meets its exceptions across other events, heap growth bounded', async (t) => {
    // Two real fixtures: a TripIt feed (47 events, long folded descriptions) and a series with a
    // VTIMEZONE (26 instances in the window, 9 EXDATEs) and two cancelled instances
    // (RECURRENCE-ID). Each copy gets its own UIDs; a series' exceptions are written after the
    // next copies of the feed and the next series (~250 events later), so the reader has to
    // hold and group them by UID.
    const eventsOf = (source: string) => source.split('BEGIN:VEVENT').slice(1).map((e) => `BEGIN:VEVENT${e.slice(0, e.indexOf('END:VEVENT') + 'END:VEVENT\r\n'.length)}`)
    const radicale = readFileSync(CALENDAR, 'utf8').replace(/\r?\n/g, '\r\n')
    const timezone = radicale.slice(radicale.indexOf('BEGIN:VTIMEZONE'), radicale.indexOf('END:VTIMEZONE') + 'END:VTIMEZONE\r\n'.length)
    const [series, ...exceptions] = eventsOf(radicale) as [string, ...string[]]
    assert.equal(exceptions.length, 2)
    const trips = eventsOf(readFileSync(TRIPIT, 'utf8').replace(/\r?\n/g, '\r\n'))
    assert.equal(trips.length, 47)
    const uid = '812dae9d-4114-45c1-ba5b-4ee34756ab47'
    const file = join(scratch, 'calendar.ics')
    let feeds = 0
    let serieses = 0
    await write(file, function* () {
      yield `BEGIN:VCALENDAR\r\nPRODID:-//Tend//streaming test//EN\r\nVERSION:2.0\r\n${timezone}`
      for (let size = 0; size < TARGET_BYTES; feeds++) {
        const feed = trips.map((e) => e.replace(/^UID:/m, `UID:${feeds}-`)).join('')
        size += feed.length
        yield feed
        if (feeds % 5 === 4) {
          yield series.replace(uid, `${uid}-${serieses}`)
          if (serieses > 0) for (const e of exceptions) yield e.replace(uid, `${uid}-${serieses - 1}`)
          serieses++
        }
      }
      for (const e of exceptions) yield e.replace(uid, `${uid}-${serieses - 1}`)
      yield 'END:VCALENDAR\r\n'
    })
    assert.ok(statSync(file).size >= TARGET_BYTES)
    const result = await probe('ics', file)
    t.diagnostic(JSON.stringify(result))
    assert.equal(result.bytes, statSync(file).size)
    assert.deepEqual([result.records, result.cancelled, result.failures], [feeds * 47 + serieses * 26, serieses * 2, 0])
    assert.ok(result.peakHeapMB < HEAP_BOUND_MB, `peak heap growth ${result.peakHeapMB.toFixed(1)} MB`)
  })
})
