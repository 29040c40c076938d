import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { makeOrg, useTestEnv } from '../../../test/helpers.ts'
import { mapColumns } from './csv-contacts.ts'
import { importPath } from './importers.ts'
import { parseColumnMap } from './options.ts'

// Real contact exports and vCards of other projects' test suites, read from ../shared/data.
const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url))
const skip = existsSync(join(DATA, 'contacts')) ? false : `contact fixtures not found beside the repository (${DATA})`
const VCARDS = join(DATA, 'contacts/ez-vcard/src/test/resources/ezvcard/io/text')
const CRM = join(DATA, 'crm')

const env = useTestEnv()

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
})
