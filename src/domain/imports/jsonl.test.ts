import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { call, makeOrg, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import { openTestDb } from '../../../test/db.ts'
import { exportOrganisation, exportOrganisationCsv } from '../../cli/export.ts'
import { findOrganisationBySlug, insertOrganisation } from '../orgs/queries.ts'
import { importPath } from './importers.ts'

const env = useTestEnv()
const folder = mkdtempSync(join(tmpdir(), 'tend-roundtrip-'))
after(() => rmSync(folder, { recursive: true, force: true }))

async function post(as: TestUser, url: string, payload: unknown) {
  const res = await call(env.app, as, { method: 'POST', url, payload })
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString()

/** Records of an export by type, without what is computed at export time (trust scores). */
function records(file: string) {
  const byType: Record<string, unknown[]> = {}
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const { type, data } = JSON.parse(line) as { type: string; data: Record<string, unknown> }
    delete data.trust
    ;(byType[type] ??= []).push(data)
  }
  return byType
}

describe('export and re-import', () => {
  test('an organisation exported as JSON lines imports into a fresh one without loss, and again without change', async () => {
    const org = await makeOrg(env.db)
    const acme = await post(org.rep, '/api/v1/accounts', { name: 'Acme', domains: ['acme.example'], tier: 'key', notes: 'Big one' })
    const boss = await post(org.rep, '/api/v1/stakeholders', { name: 'Boss', accountId: acme.id, emails: ['boss@acme.example'], influence: 5, hasConsent: true, personalNotes: 'Two kids' })
    const ann = await post(org.rep, '/api/v1/stakeholders', { name: 'Ann', accountId: acme.id, reportsToId: boss.id, attitude: 'champion', phones: ['+1 555 0100'] })
    await post(org.rep, '/api/v1/relationships', { stakeholderId: ann.id, importance: 4, cadenceDays: 21, privateNotes: 'Prefers mornings' })
    await post(org.manager, '/api/v1/relationships', { stakeholderId: boss.id })
    await post(org.rep, '/api/v1/experiences', { kind: 'meeting', occurredAt: daysAgo(5), stakeholderIds: [ann.id, boss.id], userIds: [org.rep.id, org.manager.id], depth: 'meaningful', valence: 2, title: 'Kick-off', notes: 'Went well' })
    const old = await post(org.rep, '/api/v1/experiences', { kind: 'call', occurredAt: daysAgo(40), stakeholderIds: [ann.id], source: 'calendar', externalId: 'uid-1|2026' })
    await call(env.app, org.rep, { method: 'POST', url: `/api/v1/experiences/${old.id}/archive` })
    const orgRow = await env.db.selectFrom('organisations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow()
    const exported = join(folder, 'export.jsonl')
    await exportOrganisation(env.db, orgRow, exported)

    // A fresh organisation on another server (another database).
    const target = await openTestDb()
    try {
      const fresh = await insertOrganisation(target.db, { name: 'Copy', slug: 'copy' })
      const actor = { orgId: fresh.id, userId: '00000000-0000-0000-0000-000000000000', role: 'admin' as const, name: 'test', via: 'system' as const }
      const first = await importPath({ db: target.db, orgId: fresh.id, actor }, exported)
      assert.equal(first.failed, 0, JSON.stringify(first.failures))
      assert.deepEqual([first.details.accounts, first.details.stakeholders, first.details.relationships, first.details.experiences], [1, 2, 2, 2])
      const copied = join(folder, 'copy.jsonl')
      await exportOrganisation(target.db, (await findOrganisationBySlug(target.db, 'copy'))!, copied)
      const [a, b] = [records(exported), records(copied)]
      for (const type of ['user', 'account', 'stakeholder', 'relationship', 'experience']) assert.deepEqual(b[type], a[type], type)
      const scores = await target.db.selectFrom('relationship_scores').select('experience_count').where('org_id', '=', fresh.id).execute()
      assert.equal(scores.length, 2, 'trust recomputed')

      const again = await importPath({ db: target.db, orgId: fresh.id, actor }, exported)
      assert.equal(again.created, 0)
      assert.equal(again.failed, 0)
    } finally {
      await target.close()
    }
  })

  test('CSV per entity with the API field names', async () => {
    const org = await makeOrg(env.db)
    const acme = await post(org.rep, '/api/v1/accounts', { name: 'Acme, Inc.', domains: ['acme.example', 'acme.test'] })
    await post(org.rep, '/api/v1/stakeholders', { name: 'Ann "the boss"', accountId: acme.id, emails: ['ann@acme.example'] })
    const orgRow = await env.db.selectFrom('organisations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow()
    const out = join(folder, 'csv')
    rmSync(out, { recursive: true, force: true })
    const { mkdirSync } = await import('node:fs')
    mkdirSync(out)
    const counts = await exportOrganisationCsv(env.db, orgRow, out)
    assert.deepEqual(counts, { account: 1, stakeholder: 1, relationship: 0, experience: 0 })
    const accounts = parse(readFileSync(join(out, 'accounts.csv')), { bom: true, columns: true }) as Record<string, string>[]
    assert.equal(accounts[0]!.name, 'Acme, Inc.')
    assert.equal(accounts[0]!.domains, 'acme.example; acme.test')
    const people = parse(readFileSync(join(out, 'stakeholders.csv')), { bom: true, columns: true }) as Record<string, string>[]
    assert.deepEqual([people[0]!.name, people[0]!.emails, people[0]!.accountName], ['Ann "the boss"', 'ann@acme.example', 'Acme, Inc.'])
  })
})
