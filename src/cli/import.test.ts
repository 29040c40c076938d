import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

// `tend import` and `tend suggestions` as a user runs them, on an embedded database in a
// temporary folder, with a real Enron mailbox folder read from ../shared/data.
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OMAN = join(ROOT, '../shared/data/email/enron-dev/mbox/enron.ybarbo-p.oman_lng')
const skip = existsSync(OMAN) ? false : `Enron mailboxes not found beside the repository (${OMAN})`
const dataDir = mkdtempSync(join(tmpdir(), 'tend-import-cli-'))
after(() => rmSync(dataDir, { recursive: true, force: true }))

type Run = { code: number | null; stdout: string; stderr: string }

function tend(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TEND_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }
  delete env.DATABASE_URL
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tend.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('tend import and tend suggestions', { skip }, () => {
  test('imports a mailbox with a summary, is idempotent, suggests and accepts correspondents', async () => {
    assert.equal((await tend(['org', 'create', '--name', 'Enron', '--slug', 'enron'])).code, 0)
    assert.equal((await tend(['user', 'create', '--org', 'enron', '--email', "paul.y'barbo@enron.com", '--name', "Paul Y'Barbo", '--role', 'rep'])).code, 0)
    const first = await tend(['import', OMAN, '--org', 'enron', '--as', "paul.y'barbo@enron.com"])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /^Created 17, matched 0, skipped as duplicate 0, failed 0 in [\d.]+ s/)

    const suggestions = await tend(['suggestions', '--min-messages', '2'])
    assert.equal(suggestions.code, 0, suggestions.stderr)
    assert.match(suggestions.stdout, /^olng\.simis\.com {2}10 messages\n {7}4 {2}harib\.h\.alkitani@olng\.simis\.com/m)
    assert.match(suggestions.stdout, /^omanlng\.co\.om {2}10 messages\n {7}6 {2}yaqoobalzadjali@omanlng\.co\.om/m)
    const accepted = await tend(['suggestions', '--min-messages', '2', '--accept', 'omanlng.co.om'])
    assert.equal(accepted.code, 0, accepted.stderr)
    // Yaqoob (6 messages with Paul) and two people in copy: every message with Paul became an experience.
    assert.match(accepted.stdout, /^Created 3 stakeholders and 1 accounts; 6 captured messages became experiences\./)

    const missing = await tend(['import', join(dataDir, 'nothing-here')])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /does not exist/)
  })
})

const VCARD4 = join(ROOT, '../shared/data/contacts/kde-kcontacts/autotests/data/vcard4.vcf')
const GMAIL = join(ROOT, '../shared/data/contacts/ez-vcard/src/test/resources/ezvcard/io/text/gmail-list.vcf')

describe('tend import exit codes', { skip: existsSync(VCARD4) && existsSync(GMAIL) ? false : 'contact fixtures not found beside the repository' }, () => {
  test('0 when every record was imported, 2 when some failed (with the summary), 1 when the import cannot run', async () => {
    assert.equal((await tend(['org', 'create', '--name', 'Cards', '--slug', 'cards'])).code, 0)
    const fine = await tend(['import', GMAIL, '--org', 'cards'])
    assert.equal(fine.code, 0, fine.stderr)
    assert.match(fine.stdout, /^Created 3, matched 0, skipped as duplicate 0, failed 0 in/)

    // One card of this file is deliberately broken: the others are imported, the summary says
    // which failed and why, and the exit code tells a script that not everything went in.
    const partly = await tend(['import', VCARD4, '--org', 'cards'])
    assert.equal(partly.code, 2, partly.stderr)
    assert.match(partly.stdout, /, failed 1 in [\d.]+ s/)
    assert.match(partly.stdout, /^ {2}failed vcard4\.vcf:\d+ \(card 1\): not a readable vCard/m)

    const unknownOrg = await tend(['import', GMAIL, '--org', 'no-such-org'])
    assert.equal(unknownOrg.code, 1)
    assert.match(unknownOrg.stderr, /No organisation with the slug "no-such-org"/)
    assert.equal(unknownOrg.stdout, '')
  })
})
