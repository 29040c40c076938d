import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { sql } from 'kysely'
import { call, makeOrg, useTestEnv } from '../../../test/helpers.ts'
import { foldAddress } from '../email/headers.ts'
import { CONTACT_BATCH } from './contacts.ts'
import { mapColumns } from './csv-contacts.ts'
import { importPath } from './importers.ts'
import { parseColumnMap } from './options.ts'

// Real contact exports and vCards of other projects' test suites, read from ../shared/data.
const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url))
const skip = existsSync(join(DATA, 'contacts')) ? false : `contact fixtures not found beside the repository (${DATA})`
const VCARDS = join(DATA, 'contacts/ez-vcard/src/test/resources/ezvcard/io/text')
const CRM = join(DATA, 'crm')

const env = useTestEnv()
const scratch = mkdtempSync(join(tmpdir(), 'tend-contacts-'))
after(() => rmSync(scratch, { recursive: true, force: true }))

async function stakeholders(orgId: string) {
  return env.db.selectFrom('stakeholders as s').leftJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.name', 's.emails', 's.phones', 's.title', 'a.name as account']).where('s.org_id', '=', orgId).orderBy('s.name').execute()
}

describe('contacts import', { skip }, () => {
  test('reads vCard 3.0 and 2.1 (quoted-printable, unnamed parameters) and is idempotent', async () => {
    const org = await makeOrg(env.db)
    const ctx = { db: env.db, orgId: org.id, actor: org.admin.actor }
    const gmail = await importPath(ctx, join(VCARDS, 'gmail-list.vcf'))
    assert.deepEqual([gmail.created, gmail.failed], [3, 0])
    const outlook = await importPath(ctx, join(VCARDS, 'outlook-2007.vcf'))
    assert.deepEqual([outlook.created, outlook.failed], [1, 0])
    const people = await stakeholders(org.id)
    const mike = people.find((p) => p.emails.includes('mike.angstadt@gmail.com'))!
    assert.equal(mike.title, 'TheJobTitle')
    assert.equal(mike.account, 'TheCompany')
    assert.ok(mike.phones.includes('(111) 555-1111'))
    const again = await importPath(ctx, join(VCARDS, 'gmail-list.vcf'))
    assert.deepEqual([again.created, again.matched, again.skippedDuplicate], [0, 0, 3])
    assert.equal((await stakeholders(org.id)).length, 4)
  })

  test('reports a broken card with its line and goes on', async () => {
    const org = await makeOrg(env.db)
    const report = await importPath({ db: env.db, orgId: org.id, actor: org.admin.actor }, join(DATA, 'contacts/kde-kcontacts/autotests/data/vcard4.vcf'))
    assert.equal(report.failed, 1)
    assert.match(report.failures[0]!.where, /^vcard4\.vcf:\d+ \(card 1\)$/)
    assert.match(report.failures[0]!.reason, /not a readable vCard/)
  })

  test('recognises a Salesforce report, creates its accounts and merges later exports by e-mail', async () => {
    const org = await makeOrg(env.db)
    const ctx = { db: env.db, orgId: org.id, actor: org.admin.actor }
    const sf = await importPath(ctx, join(CRM, 'salesforce-lwc-recipes/data/Accounts-Contacts.csv'))
    assert.equal(sf.details['layout:salesforce'], 1)
    assert.equal(sf.failed, 0)
    // 6 contacts; 8 more rows are accounts without a contact: 10 accounts in all.
    assert.equal(sf.created, 6)
    assert.equal(sf.details.accountsCreated, 10)
    assert.equal(sf.details.accountRows, 8)
    const amy = (await stakeholders(org.id)).find((p) => p.emails[0] === 'amy@demo.net')!
    assert.deepEqual([amy.name, amy.title, amy.account], ['Amy Taylor', 'VP of Engineering', 'Alpha Dynamics'])

    const google = await importPath(ctx, join(CRM, 'rolomind-import-fixtures/tests/fixtures/google.csv'))
    assert.equal(google.details['layout:google'], 1)
    const linkedin = await importPath(ctx, join(CRM, 'rolomind-import-fixtures/tests/fixtures/linkedin.csv'))
    assert.equal(linkedin.details['layout:linkedin'], 1)
    // The LinkedIn people with the Google people's addresses are the same people: nothing new for them.
    const john = (await stakeholders(org.id)).filter((p) => p.emails.includes('john@example.com'))
    assert.equal(john.length, 1)
    assert.equal(john[0]!.account, 'Acme Corp')
    assert.equal(linkedin.created + linkedin.matched + linkedin.skippedDuplicate + linkedin.failed, 5)
    assert.ok(linkedin.skippedDuplicate + linkedin.matched >= 2)
  })

  test('reads any CSV with a user mapping, and refuses a mapping that does not fit', async () => {
    const org = await makeOrg(env.db)
    const ctx = { db: env.db, orgId: org.id, actor: org.admin.actor, options: { columns: parseColumnMap('Full Name=name,Business=account,Contact Email=email,Job Title=title,Mobile=phone') } }
    const report = await importPath(ctx, join(CRM, 'rolomind-import-fixtures/tests/fixtures/custom.csv'))
    assert.deepEqual([report.created, report.failed], [4, 0])
    const jane = (await stakeholders(org.id)).find((p) => p.name === 'Jane Smith')!
    assert.deepEqual([jane.emails, jane.account, jane.title, jane.phones], [['jsmith@techco.com'], 'Technology Company', 'Chief Technology Officer', ['555.987.6543']])
    await assert.rejects(importPath({ ...ctx, options: { columns: { Mail: 'email' } } }, join(CRM, 'rolomind-import-fixtures/tests/fixtures/custom.csv')), /column mapping/)
    assert.throws(() => mapColumns(['Email'], { Email: 'favourite-colour' }), /column mapping/)
  })

  test('merges two rows of one import that share an address, and says so', async () => {
    const org = await makeOrg(env.db)
    const report = await importPath({ db: env.db, orgId: org.id, actor: org.admin.actor }, join(CRM, 'atomic-crm-samples/src/components/atomic-crm/contacts/contacts_export.csv'))
    assert.equal(report.failed, 0)
    const people = await stakeholders(org.id)
    assert.equal(people.length, report.created)
    assert.ok(people.some((p) => p.emails.length === 3), 'the work, home and other addresses of one row')
  })

  test('batches: merges across batch boundaries, matches plus-addresses, writes one audit entry per change, and a re-run changes nothing', async () => {
    const org = await makeOrg(env.db)
    const ctx = { db: env.db, orgId: org.id, actor: org.admin.actor }
    // Someone typed this stakeholder with a plus-address and a title; the export knows her plainly.
    const source = readFileSync(join(CRM, 'atomic-crm-samples/test-data/contacts.csv'), 'utf8')
    const [header, ...rows] = source.replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean)
    const first = rows[0]!.split(',')
    const email = first[header!.split(',').indexOf('email_other')]!
    assert.match(email, /@/)
    const [local, domain] = email.split('@') as [string, string]
    const typed = (await call(env.app, org.rep, { method: 'POST', url: '/api/v1/stakeholders', payload: { name: 'Typed by hand', emails: [`${local.toUpperCase()}+crm@${domain}`], title: 'Kept title' } })).json()
    // The export twice over (two copies of each row, the second copy a batch or more later), plus its first rows again at the end.
    const file = join(scratch, 'twice.csv')
    writeFileSync(file, [header, ...rows, ...rows, ...rows.slice(0, 10)].join('\n') + '\n')
    const total = rows.length * 2 + 10
    assert.ok(total > 2 * CONTACT_BATCH, 'spans several batches')
    const report = await importPath(ctx, file)
    assert.equal(report.failed, 0, JSON.stringify(report.failures))
    assert.equal(report.created + report.matched + report.skippedDuplicate, total)
    const people = await stakeholders(org.id)
    assert.equal(people.length, report.created + 1)
    assert.equal(people.filter((p) => p.emails.some((e) => foldAddress(e) === foldAddress(email))).length, 1, 'the plus-address matched')
    const mine = people.find((p) => p.name === 'Typed by hand')!
    assert.equal(mine.title, 'Kept title', 'never overwritten')
    assert.ok(mine.emails.includes(email.toLowerCase()) && mine.emails.length === 2)
    assert.ok(report.details.mergedInImport! >= rows.length, 'every second copy merged into the first')
    assert.ok((report.merges ?? []).some((m) => m.into.endsWith('(created by this import)') || /twice\.csv:\d+/.test(m.into)))
    const audits = async () => Number((await env.db.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).where('org_id', '=', org.id).where('entity_type', 'in', ['stakeholder', 'account']).executeTakeFirstOrThrow()).n)
    const auditCount = await audits()
    // One entry per stakeholder or account created, per stakeholder updated, plus the one the API wrote.
    assert.equal(auditCount, report.created + report.matched + (report.details.accountsCreated ?? 0) + 1)
    const typedHistory = await env.db.selectFrom('audit_log').select(['action']).where('org_id', '=', org.id).where('entity_id', '=', typed.id).orderBy('id').execute()
    assert.deepEqual(typedHistory.map((a) => a.action), ['stakeholder.created', 'stakeholder.updated'])

    const again = await importPath(ctx, file)
    assert.deepEqual([again.created, again.matched, again.skippedDuplicate, again.failed], [0, 0, total, 0])
    assert.equal((await stakeholders(org.id)).length, people.length)
    assert.equal(await audits(), auditCount, 'a re-run writes nothing, not even history')
  })

  test('the database folds addresses exactly as the importer does', async () => {
    const samples = ['Ann+crm@Acme.example', '+lead@acme.example', 'a+b+c@d+e@x.example', ' Bob@Example.COM ', 'no-at-sign', '@start.example', 'x+@y.example', 'plain@acme.example']
    const check = async (addresses: string[]) => {
      const { rows } = await sql<{ folded: string[] }>`SELECT tend_fold_addresses(${sql.val(addresses)}::text[]) AS folded`.execute(env.db)
      assert.deepEqual(rows[0]!.folded, addresses.map(foldAddress))
    }
    await check(samples)
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.emailAddress(), fc.option(fc.stringMatching(/^[a-z0-9.+-]{0,8}$/)), fc.boolean()), { maxLength: 8 }), async (parts) => {
      await check(parts.map(([address, tag, upper]) => {
        const at = address.lastIndexOf('@')
        const withTag = tag === null ? address : `${address.slice(0, at)}+${tag}${address.slice(at)}`
        return upper ? withTag.toUpperCase() : withTag
      }))
    }), { numRuns: 60 })
  })
})
