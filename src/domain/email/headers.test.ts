import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { foldAddress, normaliseSubject, parseHeaders, parseMailDate } from './headers.ts'
import { distribution, quantile } from './stats.ts'

const HAM = new URL('../../../../shared/data/email/spamassassin-ham/', import.meta.url).pathname
const skip = existsSync(HAM) ? false : `spamassassin ham not found in ${HAM} (../shared/data beside the repository)`

/** The header block of a real message file (mbox envelope line and body cut off). */
function headerOf(file: string): Buffer {
  const text = readFileSync(HAM + file)
  const end = text.indexOf('\n\n')
  const start = text.indexOf('\n') + 1
  return text.subarray(start, end + 1)
}

describe('mail header facts', () => {
  test('folds addresses: case and plus-addressing', () => {
    assert.equal(foldAddress(' Ann.Lee+Deals@Example.COM '), 'ann.lee@example.com')
    assert.equal(foldAddress('+x@example.com'), '+x@example.com')
    assert.equal(foldAddress('no-at-sign'), 'no-at-sign')
  })

  test('normalises subjects for threads: reply and forward prefixes, list tags, spaces', () => {
    assert.deepEqual(normaliseSubject('RE: Re:  FW: [ILUG]  Deal   terms'), { text: 'deal terms', isReply: true })
    assert.deepEqual(normaliseSubject('Fwd: Deal terms'), { text: 'deal terms', isReply: false })
    assert.deepEqual(normaliseSubject('AW: Angebot'), { text: 'angebot', isReply: true })
  })

  test('parses the dates mail writes, with or without comments', () => {
    assert.equal(parseMailDate('Fri, 25 May 2001 14:33:38 -0700 (PDT)')?.toISOString(), '2001-05-25T21:33:38.000Z')
    assert.equal(parseMailDate('Thu, 22 Aug 2002 16:19:48 +0200')?.toISOString(), '2002-08-22T14:19:48.000Z')
    assert.equal(parseMailDate('not a date'), null)
  })

  test('decodes encoded words in names and subjects of real messages', { skip }, () => {
    const named = parseHeaders(headerOf('easy-ham-1/00011.fbcde1b4833bdbaaf0ced723edd6e355.txt'))
    assert.equal(named.from, 'dh@uptime.at')
    assert.equal(named.fromName, 'David Höhn')
    assert.equal(named.messageId, 'B98ABFA4.1F87%dh@uptime.at')
    assert.equal(named.sentAt.toISOString(), '2002-08-22T14:19:48.000Z')
    const subject = parseHeaders(headerOf('easy-ham-1/02434.37126367f2a918fead5ff8ea834cc334.txt'))
    assert.equal(subject.subject, 'Re: RE: [zzzzteana] Sitting Bull über alles [Long]')
    assert.equal(subject.isReply, true)
    assert.deepEqual(subject.to, ['zzzzteana@yahoogroups.com'])
  })

  test('reads raw 8-bit headers that are not UTF-8 as Latin-1', { skip }, () => {
    // A 2002 newsletter with an unencoded pound sign (0xA3) in its subject.
    const facts = parseHeaders(headerOf('easy-ham-1/02218.f615f1b7360b9a22a0c9387f285a5af0.txt'))
    assert.equal(facts.subject, 'Robbie Williams signs £80m deal')
  })

  test('the same message under another Message-ID has the same content hash; another subject does not', () => {
    const message = (id: string, subject: string) =>
      Buffer.from(`Message-ID: <${id}>\r\nDate: Mon, 14 May 2001 16:39:00 -0700 (PDT)\r\nFrom: Phillip.Allen+x@enron.com\r\nTo: tim.belden@enron.com\r\nSubject: ${subject}\r\n`)
    const a = parseHeaders(message('1.JavaMail.evans@thyme', 'Forecast'))
    const b = parseHeaders(message('2.JavaMail.evans@thyme', 'Forecast'))
    const c = parseHeaders(message('3.JavaMail.evans@thyme', 'Re: Forecast'))
    assert.equal(a.from, 'phillip.allen@enron.com')
    assert.equal(a.contentHash, b.contentHash)
    assert.notEqual(a.contentHash, c.contentHash)
    assert.equal(a.threadKey, c.threadKey)
  })

  test('says why a header block is unusable', () => {
    assert.throws(() => parseHeaders(Buffer.from('Date: Mon, 14 May 2001 16:39:00 -0700\n')), /no From header/)
    assert.throws(() => parseHeaders(Buffer.from('From: a@b.com\nDate: someday\n')), /Date is not a date/)
    // As it stands in the Enron corpus (lay-k, deleted_items).
    assert.throws(() => parseHeaders(Buffer.from('Date: Wed, 30 Jan 2002 09:45:02 -0800 (PST)\nFrom: <"d@piassick".@enron@enron.com>\nTo: klay@enron.com\n')), /From is not an address/)
  })
})

describe('reply-time distribution', () => {
  test('median, p90, share within target and histogram', () => {
    assert.equal(quantile([], 0.5), null)
    assert.equal(quantile([10, 20, 30, 40], 0.5), 25)
    const d = distribution([30, 90, 300, 2000, 20_000], 5, 240)
    assert.deepEqual([d.answered, d.unanswered, d.medianMinutes, d.p90Minutes], [5, 5, 300, 12_800])
    assert.equal(d.withinTarget, 0.2)
    assert.deepEqual(d.histogram.map((b) => b.count), [1, 1, 1, 1, 0, 1])
  })
})
