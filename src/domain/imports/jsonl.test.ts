import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { call, makeOrg, makeUser, useTestEnv, type TestOrg, type TestUser } from '../../../test/helpers.ts'
import { openTestDb } from '../../../test/db.ts'
import { answer, sendAndLink } from '../../../test/surveys.ts'
import type { Db } from '../../db/connect.ts'
import { exportOrganisation, exportOrganisationCsv } from '../../cli/export.ts'
import { insertOrganisation } from '../orgs/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { API_TABLES, NOT_EXPORTED, TABLE_SPECS, TABLE_TYPES } from './export-tables.ts'
import { rewriteUuids, uuidv5 } from './ids.ts'
import { importPath } from './importers.ts'

const env = useTestEnv()
const folder = mkdtempSync(join(tmpdir(), 'tend-roundtrip-'))
after(() => rmSync(folder, { recursive: true, force: true }))

async function send(as: TestUser, method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown = {}) {
  const res = await call(env.app, as, { method, url, payload })
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const post = (as: TestUser, url: string, payload?: unknown) => send(as, 'POST', url, payload)
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString()

/** An organisation with at least one record of every exported type, made through the API. */
async function buildOrganisation(): Promise<TestOrg> {
  const org = await makeOrg(env.db)
  await send(org.admin, 'PUT', '/api/v1/outcomes/settings', { rates: null, ltvProjectionYears: 5 })
  await send(org.admin, 'PATCH', `/api/v1/users/${org.rep.id}`, { managerId: org.admin.id, timeZone: 'Europe/Paris' })
  await send(org.admin, 'PATCH', `/api/v1/users/${org.rep.id}`, { managerId: org.manager.id })
  await send(org.analyst, 'PUT', '/api/v1/me/digest', { enabled: false })
  const acme = await post(org.rep, '/api/v1/accounts', { name: 'Acme', domains: ['acme.example'], tier: 'key', notes: 'Big one', ownerId: org.rep.id })
  await send(org.admin, 'PATCH', `/api/v1/accounts/${acme.id}`, { tier: 'strategic' })
  const boss = await post(org.rep, '/api/v1/stakeholders', { name: 'Boss', accountId: acme.id, emails: ['boss@acme.example'], influence: 5, hasConsent: true, personalNotes: 'Two kids' })
  const ann = await post(org.rep, '/api/v1/stakeholders', { name: 'Ann', accountId: acme.id, reportsToId: boss.id, attitude: 'champion', phones: ['+1 555 0100'], hasConsent: true })
  await post(org.rep, '/api/v1/relationships', { stakeholderId: ann.id, importance: 4, cadenceDays: 21, privateNotes: 'Prefers mornings' })
  await post(org.manager, '/api/v1/relationships', { stakeholderId: boss.id })
  await post(org.rep, '/api/v1/experiences', { kind: 'meeting', occurredAt: daysAgo(5), stakeholderIds: [ann.id, boss.id], userIds: [org.rep.id, org.manager.id], depth: 'meaningful', valence: 2, title: 'Kick-off', notes: 'Went well' })
  const old = await post(org.rep, '/api/v1/experiences', { kind: 'call', occurredAt: daysAgo(40), stakeholderIds: [ann.id], source: 'calendar', externalId: 'uid-1|2026' })
  await post(org.rep, `/api/v1/experiences/${old.id}/archive`)

  const plan = await post(org.rep, '/api/v1/plans', { stakeholderId: ann.id, title: 'Win Ann over', objectives: ['Be her first call'] })
  const activity = await post(org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'insight', title: 'Send the market report', dueOn: '2026-12-20' })
  await post(org.rep, `/api/v1/plans/${plan.id}/activities`, { kind: 'event', title: 'Invite to the summit', notes: 'June' })
  await post(org.rep, `/api/v1/plan-activities/${activity.id}/done`, { notes: 'She liked it' })
  await post(org.admin, '/api/v1/self-check/questions', { text: 'Do they call us first?', isReversed: true })
  const questions = (await call(env.app, org.rep, { method: 'GET', url: '/api/v1/self-check/questions' })).json() as { id: string }[]
  await post(org.rep, `/api/v1/accounts/${acme.id}/self-checks`, { answers: questions.map((q, i) => ({ questionId: q.id, value: 1 + (i % 5) })) })
  const sam = await post(org.rep, `/api/v1/stakeholders/${ann.id}/close-people`, { name: 'Sam', relation: 'child', notes: 'Plays chess' })
  const birthday = await post(org.rep, `/api/v1/stakeholders/${ann.id}/moments`, { kind: 'birthday', onDate: '2015-12-10', recurrence: 'yearly', closePersonId: sam.id, leadDays: 10 })
  await post(org.rep, `/api/v1/stakeholders/${boss.id}/moments`, { kind: 'promotion', title: 'Made VP', onDate: '2026-11-02', recurrence: 'once' })
  await post(org.rep, `/api/v1/moments/${birthday.id}/acted`, { gesture: 'Sent a chess book' })

  const survey = await post(org.manager, '/api/v1/surveys', { name: 'NPS Q4', kind: 'nps' })
  const [token] = await sendAndLink(env.app, org.manager, survey.id, [boss.id])
  const answered = await answer(env.app, token!, { score: 3, comment: 'Too slow' })
  assert.ok(answered.statusCode < 300, answered.body)
  const escalation = await post(org.rep, '/api/v1/escalations', { kind: 'complaint', stakeholderId: boss.id, title: 'Late delivery', description: 'Twice', ownerId: org.manager.id })
  await post(org.manager, `/api/v1/escalations/${escalation.id}/respond`, {})
  await post(org.rep, '/api/v1/referrals', { referrerId: ann.id, referredName: 'Dana at Initech', value: 1200.5, currency: 'EUR' })
  await post(org.rep, '/api/v1/outcomes/revenue', { accountId: acme.id, bookedOn: '2026-01-15', amount: 1200.5, currency: 'EUR', description: 'Licence' })
  await post(org.rep, '/api/v1/outcomes/revenue', { accountId: acme.id, bookedOn: '2026-03-02', amount: 300, currency: 'USD' })
  await post(org.rep, '/api/v1/outcomes/opportunities', { accountId: acme.id, kind: 'opportunity', title: 'Renewal', status: 'open', value: 5000, currency: 'EUR', openedOn: '2026-02-01' })
  await post(org.manager, '/api/v1/reviews', { reportId: org.rep.id, heldOn: '2026-01-05', notes: 'Ann is warming up', commitments: [{ ownerId: org.rep.id, text: 'Call Boss', dueOn: '2026-01-12' }] })
  await post(org.manager, '/api/v1/programmes', { name: 'Trust 101', startedOn: '2026-01-01', userIds: [org.rep.id, org.manager.id] })

  const eml = join(folder, `mail-${org.id}.eml`)
  writeFileSync(eml, `Message-ID: <kick-off-${org.id}@acme.example>\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\nFrom: Boss <boss@acme.example>\r\nTo: ${org.rep.email}\r\nSubject: Thanks for the visit\r\n\r\nSee you soon.\r\n`)
  const mail = await importPath({ db: env.db, orgId: org.id, actor: org.rep.actor }, eml)
  assert.equal(mail.failed, 0, JSON.stringify(mail.failures))
  return org
}

type UserRef = 'user' | 'user?' | 'list'
/** The user references of each record type: the API-shaped ones here, the tables' from their specs. */
const USER_FIELDS = new Map<string, [string, UserRef][]>([
  ['user', [['managerId', 'user?']]], ['account', [['ownerId', 'user?']]], ['relationship', [['userId', 'user']]],
  ['experience', [['createdBy', 'user?'], ['userIds', 'list']]], ['audit', [['actorId', 'user?']]],
  ...TABLE_SPECS.map((s) => [s.table, Object.entries(s.refs).filter((e): e is [string, 'user' | 'user?'] => e[1] !== 'record')] as [string, [string, UserRef][]]),
])
/** Every table an export covers, with the rows of one organisation. */
const COUNTED = ['users', 'accounts', 'stakeholders', 'relationships', 'experiences', 'experience_stakeholders', 'experience_users', ...TABLE_TYPES]
async function countRows(db: Db, orgId: string) {
  const counts: Record<string, number> = {}
  for (const table of COUNTED) counts[table] = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE org_id = ${orgId}`.execute(db)).rows[0]!.n)
  return counts
}

type Rec = Record<string, unknown>
/** An export's records by type; the organisation's own record and the trust scores (computed at export time) left out. */
function records(file: string): Record<string, Rec[]> {
  const byType: Record<string, Rec[]> = {}
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const { type, data } = JSON.parse(line) as { type: string; data: Rec }
    delete data.trust
    ;(byType[type] ??= []).push(data)
  }
  return byType
}

/** Records of a type in a stable order, whatever their ids (participant lists are in id order: sorted too). */
const sorted = (list: Rec[] | undefined, omit: string[]) => (list ?? []).map((r) => JSON.stringify(Object.fromEntries(Object.entries(r)
  .filter(([k]) => !omit.includes(k)).map(([k, v]) => [k, Array.isArray(v) && k.endsWith('Ids') ? [...(v as string[])].sort() : v])))).sort()

const RECORD_REFS = new Map(TABLE_SPECS.map((s) => [s.table, s.refs]))
/** Whether a field holds ids (other text, such as a generated external id, is copied as it is). */
const isReference = (type: string, key: string) => key === 'id' || (RECORD_REFS.has(type) ? RECORD_REFS.get(type)![key] === 'record' : /Ids?$/.test(key) && key !== 'externalId')

/**
 * Compare an export with the re-export of its copy record by record. The original's records are
 * turned into what the import should make of them: record ids mapped by `mapRecord`; user
 * references by `mapUser` (null: the user was not imported, and then a required reference goes
 * to the importing user, an optional one to null, a participant is dropped); ids inside JSON and
 * the audit's entity ids as the import maps them (a user's if known, else a record's).
 */
function compareExports(original: Record<string, Rec[]>, copy: Record<string, Rec[]>, userIds: Set<string>, mapRecord: (id: string) => string, mapUser: (id: string) => string | null, copyOwnAudit: (a: Rec) => boolean, omit: string[] = []) {
  const anyId = (id: string) => (userIds.has(id) ? (mapUser(id) ?? mapRecord(id)) : mapRecord(id))
  const types = new Set([...Object.keys(original), ...Object.keys(copy)])
  for (const type of types) {
    if (type === 'organisation') {
      assert.deepEqual(copy[type]![0]!.settings, original[type]![0]!.settings, 'settings')
      continue
    }
    const fields = new Map(USER_FIELDS.get(type) ?? [])
    let expected = (original[type] ?? []).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => {
      const ref = fields.get(k)
      if (k === 'externalId' && r.source === 'survey') return [k, mapRecord(String(v))]
      if (!ref || v === null) return [k, isReference(type, k) || (v !== null && typeof v === 'object') ? rewriteUuids(v, anyId) : v]
      if (ref === 'list') return [k, (v as string[]).map(mapUser).filter((u) => u !== null)]
      return [k, mapUser(String(v)) ?? (ref === 'user' ? mapUser('IMPORTER') : null)]
    })))
    let actual = copy[type] ?? []
    if (type === 'audit') {
      const strip = (a: Rec) => ({ ...a, id: 0 })
      expected = expected.map(strip)
      actual = actual.filter((a) => !copyOwnAudit(a)).map(strip)
    }
    assert.deepEqual(sorted(actual, omit), sorted(expected, omit), `${type}: the copy's records differ from the original's`)
  }
}

const systemActor = (orgId: string): Actor => ({ orgId, userId: '00000000-0000-0000-0000-000000000000', role: 'admin', name: 'test', via: 'system' })

describe('export and re-import', () => {
  test('every table with org_id is exported or left out on purpose, and every foreign key of an exported table is rewritten', async () => {
    const tenant = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name = 'org_id' ORDER BY table_name`.execute(env.db)
    const known = new Set([...API_TABLES, ...TABLE_TYPES, ...NOT_EXPORTED])
    assert.deepEqual(tenant.rows.map((r) => r.table_name).filter((t) => !known.has(t)), [], 'a new tenant table: export it (TABLE_SPECS) or list it in NOT_EXPORTED')
    // A foreign key column left out of a spec's refs would be copied with the old id into another organisation.
    const fks = await sql<{ tbl: string; col: string }>`SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
      FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
      WHERE c.contype = 'f' AND a.attname <> 'org_id' AND c.conrelid::regclass::text = ANY(${TABLE_TYPES})`.execute(env.db)
    assert.ok(fks.rows.length > 20, `foreign keys read: ${fks.rows.length}`)
    const missing = fks.rows.filter(({ tbl, col }) => !(col in TABLE_SPECS.find((spec) => spec.table === tbl)!.refs)).map(({ tbl, col }) => `${tbl}.${col}`)
    assert.deepEqual([...new Set(missing)].sort(), [])
  })

  test('an organisation with every kind of record re-imports into a fresh database without loss, and again without change', async () => {
    const org = await buildOrganisation()
    const orgRow = await env.db.selectFrom('organisations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow()
    const exported = join(folder, 'export.jsonl')
    const counts = await exportOrganisation(env.db, orgRow, exported)
    const source = await countRows(env.db, org.id)
    for (const table of COUNTED) assert.ok(source[table]! > 0, `the test organisation has ${table}`)
    for (const type of TABLE_TYPES) assert.equal(counts[type], source[type], `${type} exported`)
    assert.ok(!/argon2|password_?hash|token_?hash/i.test(readFileSync(exported, 'utf8')), 'no secret is exported')

    const target = await openTestDb()
    try {
      const fresh = await insertOrganisation(target.db, { name: 'Copy', slug: 'copy' })
      // An import interrupted half-way (here: a file cut before the surveys), then run again in full.
      const lines = readFileSync(exported, 'utf8').split('\n')
      const cut = join(folder, 'cut.jsonl')
      writeFileSync(cut, lines.slice(0, lines.findIndex((l) => l.startsWith('{"type":"surveys"'))).join('\n') + '\n')
      const partial = await importPath({ db: target.db, orgId: fresh.id, actor: systemActor(fresh.id) }, cut)
      assert.equal(partial.failed, 0, JSON.stringify(partial.failures))
      const first = await importPath({ db: target.db, orgId: fresh.id, actor: systemActor(fresh.id) }, exported)
      assert.ok(first.skippedDuplicate > 0 && first.created > 0, 'the second run completes what the first began')
      assert.equal(first.failed, 0, JSON.stringify(first.failures))
      assert.deepEqual(await countRows(target.db, fresh.id), source, 'rows per table')
      const copied = join(folder, 'copy.jsonl')
      await exportOrganisation(target.db, await target.db.selectFrom('organisations').selectAll().where('id', '=', fresh.id).executeTakeFirstOrThrow(), copied)
      const map = (id: string) => uuidv5(id, fresh.id)
      const original = records(exported)
      assert.deepEqual(original.user!.map((u) => [u.timeZone, u.digestOptOut]).sort(), [['Europe/Paris', false], ['UTC', false], ['UTC', false], ['UTC', true]], 'users with all they have')
      compareExports(original, records(copied), new Set(original.user!.map((u) => String(u.id))), map, map, (a) => a.action === 'export.imported')
      const scores = await target.db.selectFrom('relationship_scores').select('experience_count').where('org_id', '=', fresh.id).execute()
      assert.equal(scores.length, 2, 'trust recomputed')
      const rollup = await target.db.selectFrom('revenue_totals').select(['currency', 'amount']).where('org_id', '=', fresh.id).orderBy('currency').execute()
      assert.deepEqual(rollup.map((r) => [r.currency, Number(r.amount)]), [['EUR', 1200.5], ['USD', 300]], 'revenue rollup follows')
      assert.ok((await target.db.selectFrom('kpi_snapshots').select('week_start').where('org_id', '=', fresh.id).execute()).length > 0, 'KPI snapshots rebuilt')

      const again = await importPath({ db: target.db, orgId: fresh.id, actor: systemActor(fresh.id) }, exported)
      assert.deepEqual([again.created, again.failed], [0, 0], JSON.stringify(again))
      assert.deepEqual(await countRows(target.db, fresh.id), source, 'a second import adds nothing')
      assert.equal(Number((await target.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', fresh.id).where('action', '<>', 'export.imported').executeTakeFirstOrThrow()).n), records(exported).audit!.length, 'history once')
    } finally {
      await target.close()
    }
  })

  test('into another organisation of the same server: new ids, users of the other organisation reported, no reach across', async () => {
    const org = await buildOrganisation()
    const orgRow = await env.db.selectFrom('organisations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow()
    const exported = join(folder, 'same-server.jsonl')
    await exportOrganisation(env.db, orgRow, exported)
    const source = await countRows(env.db, org.id)

    const other = await insertOrganisation(env.db, { name: 'Sandbox', slug: `sandbox-${org.id.slice(0, 8)}` })
    const importer = await makeUser(env.db, other.id, 'admin')
    const first = await importPath({ db: env.db, orgId: other.id, actor: importer.actor }, exported)
    // Every user's address belongs to the first organisation: each is reported, and their records go
    // to the importer (required references) or keep no user (optional ones). A review needs two
    // different people and cannot be taken over, nor its commitments; the two programme members become one.
    const failures = first.failures.map((f) => `${f.where.replace(/:\d+/, ':n')} ${f.reason.split(' ')[0]}`)
    assert.equal(first.failures.filter((f) => /belongs to a user of another organisation/.test(f.reason)).length, 4, JSON.stringify(first.failures))
    assert.deepEqual(first.failures.filter((f) => !/belongs to a user of another organisation/.test(f.reason)).length, 2, JSON.stringify(failures))
    assert.ok(first.failures.every((f) => /^same-server\.jsonl:\d+/.test(f.where)), 'each failure says file:line')
    const copy = await countRows(env.db, other.id)
    const expected = { ...source, users: 1, experience_users: 0, reporting_lines: 1, reviews: 0, review_commitments: 0, programme_members: 1 }
    assert.deepEqual(copy, expected, 'rows per table')
    assert.deepEqual(await countRows(env.db, org.id), source, 'the exported organisation is untouched')

    const copied = join(folder, 'same-server-copy.jsonl')
    await exportOrganisation(env.db, await env.db.selectFrom('organisations').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow(), copied)
    const importerId = importer.id
    const original = records(exported)
    const userIds = new Set(original.user!.map((u) => String(u.id)))
    const copyRecords = records(copied)
    // What cannot be copied without its people, checked by the counts above: reviews and their
    // commitments (failed), the users' reporting lines (theirs stay with the first organisation),
    // programme members (all became the importer, one row).
    for (const type of ['reviews', 'review_commitments', 'programme_members', 'reporting_lines']) {
      delete original[type]
      delete copyRecords[type]
    }
    const members = await env.db.selectFrom('programme_members').select('user_id').where('org_id', '=', other.id).execute()
    assert.deepEqual(members.map((p) => p.user_id), [importer.id])
    assert.deepEqual(copyRecords.user!.map((u) => u.id), [importer.id], 'no user of the first organisation is copied')
    original.user = []
    delete copyRecords.user
    compareExports(original, copyRecords, userIds, (id) => uuidv5(id, other.id), (id) => (id === 'IMPORTER' ? importerId : null), (a) => a.action === 'export.imported' || a.actorId === importerId || a.entityId === importerId, ['userName', 'ownerName'])

    // No id of one organisation is an id of the other, and the API of each answers for its own only.
    for (const spec of TABLE_SPECS.filter((s) => s.key[0] === 'id')) {
      const shared = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(spec.table)} a JOIN ${sql.table(spec.table)} b ON a.id = b.id WHERE a.org_id = ${org.id} AND b.org_id = ${other.id}`.execute(env.db)
      assert.equal(shared.rows[0]!.n, 0, spec.table)
    }
    const acme = original.account![0]!
    assert.equal((await call(env.app, importer, { method: 'GET', url: `/api/v1/accounts/${String(acme.id)}` })).statusCode, 404)
    assert.equal((await call(env.app, importer, { method: 'GET', url: `/api/v1/accounts/${uuidv5(String(acme.id), other.id)}` })).statusCode, 200)
    assert.equal((await call(env.app, org.admin, { method: 'GET', url: `/api/v1/accounts/${uuidv5(String(acme.id), other.id)}` })).statusCode, 404)
    const listed = (await call(env.app, importer, { method: 'GET', url: '/api/v1/stakeholders' })).json() as { items: { id: string }[] }
    assert.deepEqual(listed.items.map((s) => s.id).sort(), original.stakeholder!.map((s) => uuidv5(String(s.id), other.id)).sort())

    const again = await importPath({ db: env.db, orgId: other.id, actor: importer.actor }, exported)
    assert.equal(again.created, 0, JSON.stringify(again))
    assert.deepEqual(await countRows(env.db, other.id), expected, 'a second import adds nothing')

    // Without an importing user (the CLI without --as), records that need a user are reported, the rest imported.
    const third = await insertOrganisation(env.db, { name: 'Sandbox 2', slug: `sandbox2-${org.id.slice(0, 8)}` })
    const bySystem = await importPath({ db: env.db, orgId: third.id, actor: systemActor(third.id) }, exported)
    const needUser = bySystem.failures.filter((f) => /import runs without a user to take it over \(--as\)/.test(f.reason))
    assert.equal(needUser.length, source.relationships! + source.relationship_plans! + source.plan_activities! + source.self_checks! + source.moment_actions! + source.follow_ups! + source.reviews! + source.review_commitments! + source.programme_members!, JSON.stringify(bySystem.failures))
    const thirdCounts = await countRows(env.db, third.id)
    assert.deepEqual([thirdCounts.users, thirdCounts.relationships, thirdCounts.stakeholders, thirdCounts.experiences], [0, 0, source.stakeholders, source.experiences])
  })

  test('CSV per entity with the field names', async () => {
    const org = await buildOrganisation()
    const orgRow = await env.db.selectFrom('organisations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow()
    const acme = await send(org.rep, 'POST', '/api/v1/accounts', { name: 'Acme, Inc.', domains: ['acme.example', 'acme.test'] })
    await send(org.rep, 'POST', '/api/v1/stakeholders', { name: 'Ann "the boss"', accountId: acme.id, emails: ['ann@acme.example'] })
    const out = join(folder, 'csv')
    rmSync(out, { recursive: true, force: true })
    mkdirSync(out)
    const counts = await exportOrganisationCsv(env.db, orgRow, out)
    assert.deepEqual(counts, { account: 2, stakeholder: 3, relationship: 2, experience: 8, moments: 2, plan_activities: 2, revenue_entries: 2, opportunities: 1, survey_responses: 1, escalations: 1, referrals: 1 })
    const read = (file: string) => parse(readFileSync(join(out, file)), { bom: true, columns: true }) as Record<string, string>[]
    const accounts = read('accounts.csv')
    const inc = accounts.find((a) => a.name === 'Acme, Inc.')!
    assert.equal(inc.domains, 'acme.example; acme.test')
    const people = read('stakeholders.csv')
    const ann = people.find((p) => p.name === 'Ann "the boss"')!
    assert.deepEqual([ann.emails, ann.accountName], ['ann@acme.example', 'Acme, Inc.'])
    assert.deepEqual(read('revenue_entries.csv').map((r) => [r.bookedOn, r.amount, r.currency]).sort(), [['2026-01-15', '1200.5', 'EUR'], ['2026-03-02', '300', 'USD']])
    assert.deepEqual(read('moments.csv').map((m) => m.kind).sort(), ['birthday', 'promotion'])
    assert.deepEqual(read('plan_activities.csv').map((a) => [a.title, a.status]).sort(), [['Invite to the summit', 'planned'], ['Send the market report', 'done']])
    assert.deepEqual(read('survey_responses.csv').map((r) => [r.score, r.comment]), [['3', 'Too slow']])
    assert.deepEqual(read('opportunities.csv').map((r) => [r.title, r.value]), [['Renewal', '5000']])
  })
})
