import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { AppError } from '../../lib/errors.ts'
import { detectFormat, sniffFormat } from './detect.ts'
import { importPath } from './importers.ts'
import { addFailure, emptyReport, formatReport, MAX_REPORTED_FAILURES, mergeReport } from './report.ts'

const DATA = new URL('../../../../shared/data/', import.meta.url).pathname
const skip = existsSync(DATA) ? false : `real data not found in ${DATA} (../shared/data beside the repository)`
const scratch = mkdtempSync(join(tmpdir(), 'tend-imports-'))
after(() => rmSync(scratch, { recursive: true, force: true }))

describe('import formats', () => {
  test('detects real files by extension and content', { skip }, async () => {
    const cases: [string, string][] = [
      ['email/enron-dev/mbox/enron.ybarbo-p.oman_lng', 'mbox'],
      ['email/spamassassin-ham/easy-ham-1/00001.7c53336b37003a9286aba55d2945844c.txt', 'mbox'],
      ['calendar/ical4j/src/test/resources/samples/valid/Standup.ics', 'ics'],
      ['contacts/kde-kcontacts/autotests/data/vcard3.vcf', 'vcf'],
      ['crm/atomic-crm-samples/test-data/contacts.csv', 'csv'],
      ['email/enron-dev/SOURCE.txt', 'null'],
    ]
    for (const [path, format] of cases) assert.equal(String(await detectFormat(join(DATA, path))), format, path)
  })

  test('sniffs content without extension: messages, maildir, calendars, cards', async () => {
    assert.equal(sniffFormat('Return-Path: <a@b.c>\nReceived: from x'), 'eml')
    assert.equal(sniffFormat('\uFEFFBEGIN:VCARD\r\nVERSION:3.0'), 'vcf')
    assert.equal(sniffFormat('Just some notes'), null)
    const maildir = join(scratch, 'Maildir')
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true })
    assert.equal(await detectFormat(maildir), 'maildir')
    const eml = join(scratch, 'message.eml')
    writeFileSync(eml, 'From someone@example.com Mon Dec  2 11:25:37 2002\nFrom: a@example.com\n\nbody\n')
    assert.equal(await detectFormat(eml), 'eml')
  })

  test('an unrecognised file is refused as unsupported_format; in a folder it is reported and the rest goes on', async () => {
    const notes = join(scratch, 'notes.txt')
    writeFileSync(notes, 'Just some notes\n')
    const ctx = { db: undefined as never, orgId: '', actor: undefined as never }
    await assert.rejects(importPath(ctx, notes), (err) => err instanceof AppError && err.code === 'unsupported_format')
    const folder = join(scratch, 'mixed')
    mkdirSync(folder)
    writeFileSync(join(folder, 'notes.txt'), 'Just some notes\n')
    const report = await importPath(ctx, folder)
    assert.deepEqual(report.failures.map((f) => f.reason), ['not a recognised format (mbox, .eml, .ics, .vcf, .csv)'])
  })

  test('the report caps listed failures but counts them all, and merges', () => {
    const report = emptyReport()
    for (let i = 0; i < MAX_REPORTED_FAILURES + 5; i++) addFailure(report, `f.mbox:${i}`, 'bad')
    assert.equal(report.failed, MAX_REPORTED_FAILURES + 5)
    assert.equal(report.failures.length, MAX_REPORTED_FAILURES)
    const total = mergeReport({ ...emptyReport(), created: 2, details: { experiences: 1 } }, { ...emptyReport(), created: 3, skippedDuplicate: 1, details: { experiences: 2 } })
    assert.deepEqual([total.created, total.skippedDuplicate, total.details.experiences], [5, 1, 3])
    assert.match(formatReport(report, 1.25), /^Created 0, matched 0, skipped as duplicate 0, failed 205 in 1\.3 s\n {2}failed f\.mbox:0: bad/)
    assert.match(formatReport(report, 1), /… and 5 more failures$/)
  })
})
