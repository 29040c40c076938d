import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import { openTestDb } from '../../../test/db.ts'
import { call, makeOrg, useTestEnv } from '../../../test/helpers.ts'
import type { Db } from '../../db/connect.ts'
import type { AppError } from '../../lib/errors.ts'
import { loadDemoContacts } from './contacts.ts'
import { planPeople } from './people.ts'
import { createRandom } from './random.ts'
import { createDemoOrganisation, DEMO_PASSWORD, ensureDemoOrganisation } from './seed.ts'
import { planExperiences } from './stories.ts'

const env = useTestEnv()
const DAY_MS = 86_400_000
const NOW = new Date('2026-03-02T12:00:00Z')

function planDemo(seed: number, slug = 'demo') {
  const rnd = createRandom(seed)
  const people = planPeople(rnd, loadDemoContacts(), slug, NOW)
  return { people, experiences: planExperiences(rnd, people, NOW) }
}

/** The plan with its random UUIDs replaced by names, so two plans can be compared. */
function fingerprint(plan: ReturnType<typeof planDemo>) {
  const label = new Map<string, string>([
    ...plan.people.users.map((u) => [u.id, u.name] as const),
    ...plan.people.accounts.map((a) => [a.id, a.name] as const),
    ...plan.people.stakeholders.map((s, i) => [s.id, `${s.name}#${i}`] as const),
  ])
  const name = (id: string | null) => (id === null ? null : label.get(id))
  return {
    accounts: plan.people.accounts.map((a) => [a.name, a.tier, a.industry, a.status, name(a.ownerId)]),
    stakeholders: plan.people.stakeholders.map((s) => [s.name, s.title, s.influence, s.attitude, s.story, name(s.reportsToId), s.emails]),
    relationships: plan.people.relationships.map((r) => [name(r.userId), name(r.stakeholderId), r.importance, r.cadenceDays]),
    experiences: plan.experiences.map((e) => [e.occurredAt.toISOString(), e.kind, e.valence, e.title, e.stakeholderIds.map(name), e.userIds.map(name)]),
  }
}

async function countRows(db: Db, orgId: string) {
  const count = async (table: 'users' | 'accounts' | 'stakeholders' | 'relationships' | 'experiences' | 'experience_stakeholders' | 'experience_users') =>
    Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow()).n)
  return {
    users: await count('users'),
    accounts: await count('accounts'),
    stakeholders: await count('stakeholders'),
    relationships: await count('relationships'),
    experiences: await count('experiences'),
    participants: (await count('experience_stakeholders')) + (await count('experience_users')),
  }
}

describe('demo organisation', () => {
  test('the same seed plans the same organisation; another seed plans another', () => {
    const a = fingerprint(planDemo(7))
    assert.deepEqual(fingerprint(planDemo(7)), a)
    const b = fingerprint(planDemo(8))
    assert.deepEqual(b.accounts.map((x) => x[0]).sort(), a.accounts.map((x) => x[0]).sort(), 'the companies come from the sample file whatever the seed')
    assert.notDeepEqual(b.stakeholders, a.stakeholders)
  })

  test('an empty database gets the demo organisation once, and its admin can sign in', async (t) => {
    const { app, db } = env
    const started = Date.now()
    const login = await ensureDemoOrganisation(db)
    t.diagnostic(`demo organisation created in ${Date.now() - started} ms`)
    assert.deepEqual(login, { email: 'demo@tend.example', password: DEMO_PASSWORD, isNew: true })
    assert.deepEqual(await ensureDemoOrganisation(db), { ...login, isNew: false })
    assert.equal((await db.selectFrom('organisations').select('id').execute()).length, 1)

    const res = await call(app, undefined, { method: 'POST', url: '/api/v1/session', payload: { email: login!.email, password: login!.password } })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().user.role, 'admin')
    assert.equal(res.json().organisation.slug, 'demo')
    // Every demo user shares the password, so each role can be tried out.
    const rep = await db.selectFrom('users').select('email').where('org_id', '=', res.json().organisation.id).where('role', '=', 'rep').orderBy('email').executeTakeFirstOrThrow()
    const asRep = await call(app, undefined, { method: 'POST', url: '/api/v1/session', payload: { email: rep.email, password: DEMO_PASSWORD } })
    assert.equal(asRep.json().user.role, 'rep')
    // Its mail experiences have titles, so the organisation keeps subjects.
    const settings = await db.selectFrom('organisations').select('settings').where('id', '=', res.json().organisation.id).executeTakeFirstOrThrow()
    assert.equal(settings.settings.captureSubjects, true)
  })

  test('has teams, accounts, stakeholders, relationships and two years of experiences', async () => {
    const { db } = env
    const org = await db.selectFrom('organisations').select(['id', 'name']).where('slug', '=', 'demo').executeTakeFirstOrThrow()
    const users = await db.selectFrom('users').select(['id', 'role', 'manager_id']).where('org_id', '=', org.id).execute()
    const roles = (role: string) => users.filter((u) => u.role === role)
    assert.deepEqual([roles('admin').length, roles('manager').length, roles('rep').length, roles('analyst').length], [1, 3, 11, 1])
    for (const manager of roles('manager')) {
      assert.equal(manager.manager_id, roles('admin')[0]!.id)
      const team = roles('rep').filter((r) => r.manager_id === manager.id).length
      assert.ok(team >= 3 && team <= 4, `a manager leads ${team} reps`)
    }

    const accounts = await db.selectFrom('accounts').select(['tier', 'domains', 'owner_id']).where('org_id', '=', org.id).execute()
    assert.equal(accounts.length, 55)
    assert.equal(accounts.filter((a) => a.tier === 'strategic').length, 5)
    assert.equal(accounts.filter((a) => a.tier === 'key').length, 15)
    assert.ok(accounts.every((a) => a.domains[0]?.endsWith('.example') && a.owner_id))

    const stakeholders = await db.selectFrom('stakeholders').select(['title', 'reports_to_id', 'goals', 'personal_notes', 'has_consent']).where('org_id', '=', org.id).execute()
    assert.equal(stakeholders.length, 500)
    assert.ok(stakeholders.filter((s) => s.reports_to_id).length > 300, 'most people sit in an org chart')
    assert.ok(stakeholders.filter((s) => s.goals).length > 100)
    assert.ok(stakeholders.some((s) => s.personal_notes) && stakeholders.every((s) => !s.personal_notes || s.has_consent))

    const perRep = await db.selectFrom('relationships as r').innerJoin('users as u', 'u.id', 'r.user_id')
      .select(['u.id', sql<number>`count(*)`.as('n')]).where('r.org_id', '=', org.id).where('u.role', '=', 'rep').groupBy('u.id').execute()
    assert.equal(perRep.length, 11)
    for (const rep of perRep) assert.ok(Number(rep.n) >= 15 && Number(rep.n) <= 40, `a rep owns ${rep.n} relationships`)
    const cadences = await db.selectFrom('relationships').select('cadence_days').distinct().where('org_id', '=', org.id).execute()
    assert.deepEqual(cadences.map((c) => c.cadence_days).sort((a, b) => a - b), [14, 30, 60, 90])

    const counts = await countRows(db, org.id)
    assert.ok(counts.experiences >= 20_000 && counts.experiences <= 30_000, `${counts.experiences} experiences`)
    const span = await db.selectFrom('experiences').select([sql<Date>`min(occurred_at)`.as('first'), sql<Date>`max(occurred_at)`.as('last')]).where('org_id', '=', org.id).executeTakeFirstOrThrow()
    assert.ok(Date.now() - new Date(span.first).getTime() > 700 * DAY_MS, 'the history goes back two years')
    assert.ok(new Date(span.last).getTime() <= Date.now())

    const byKind = await db.selectFrom('experiences').select(['kind', 'source', sql<number>`count(*)`.as('n'), sql<number>`count(*) filter (where valence < 0)`.as('negative'), sql<number>`count(valence)`.as('rated')])
      .where('org_id', '=', org.id).groupBy(['kind', 'source']).execute()
    const find = (kind: string, source = 'manual') => byKind.find((k) => k.kind === kind && k.source === source)
    for (const kind of ['meeting', 'call', 'meal', 'event', 'introduction', 'insight', 'help', 'personal_moment', 'referral', 'service_failure']) assert.ok(find(kind), `has ${kind} experiences`)
    assert.equal(Number(find('email', 'email')!.rated), 0, 'captured email is never rated')
    assert.ok(Number(find('service_failure')!.negative) >= 5)
    // Customers' NPS and CSAT answers are heard by the trust engine, each once, the detractors' negative.
    const answers = await db.selectFrom('survey_responses as r').innerJoin('experiences as e', (j) => j.onRef('e.org_id', '=', 'r.org_id').onRef('e.id', '=', 'r.experience_id'))
      .select(['r.kind', 'r.score', 'e.kind as experienceKind', 'e.source', 'e.valence', 'e.external_id']).where('r.org_id', '=', org.id).execute()
    const customerAnswers = await db.selectFrom('survey_responses').select(sql<number>`count(*)`.as('n')).where('org_id', '=', org.id).where('kind', 'in', ['nps', 'csat']).executeTakeFirstOrThrow()
    assert.ok(answers.length >= 40 && answers.length === Number(customerAnswers.n), `${answers.length} of ${customerAnswers.n} answers are experiences`)
    assert.ok(answers.every((a) => a.experienceKind === 'survey_answer' && a.source === 'survey' && a.kind !== 'esat'))
    assert.ok(answers.filter((a) => a.kind === 'nps' && a.score! <= 6).every((a) => a.valence! < 0))
    assert.equal(Number(find('survey_answer', 'survey')!.n), answers.length)
    assert.ok(byKind.reduce((sum, k) => sum + Number(k.negative), 0) >= 50)

    const orphans = await db.selectFrom('experiences as e').select(sql<number>`count(*)`.as('n')).where('e.org_id', '=', org.id)
      .where((eb) => eb.or([
        eb('e.account_id', 'is', null),
        eb.not(eb.exists(eb.selectFrom('experience_stakeholders as es').select('es.experience_id').whereRef('es.org_id', '=', 'e.org_id').whereRef('es.experience_id', '=', 'e.id'))),
        eb.not(eb.exists(eb.selectFrom('experience_users as eu').select('eu.experience_id').whereRef('eu.org_id', '=', 'e.org_id').whereRef('eu.experience_id', '=', 'e.id'))),
      ])).executeTakeFirstOrThrow()
    assert.equal(Number(orphans.n), 0, 'every experience has an account and participants on both sides')

    // Trust is scored at creation, and the stories show: some relationships are going cold, others warming.
    const states = await sql<{ state: string; n: number }>`select state, count(*)::int as n from relationship_scores where org_id = ${org.id} group by state`.execute(db)
    const byState = Object.fromEntries(states.rows.map((r) => [r.state, Number(r.n)]))
    assert.equal(Object.values(byState).reduce((a, b) => a + b, 0), counts.relationships, 'every relationship has a score')
    assert.ok((byState.cold ?? 0) >= 20, `${byState.cold} relationships going cold`)
    assert.ok((byState.warming ?? 0) >= 20, `${byState.warming} relationships warming`)

    const audit = await db.selectFrom('audit_log').select(['action', 'actor_id']).where('org_id', '=', org.id).execute()
    assert.deepEqual(audit, [{ action: 'organisation.created', actor_id: null }])
  })

  test('tend demo creates more demo organisations, exactly as planned', async () => {
    const { db } = env
    const demo = await createDemoOrganisation(db, { slug: 'demo-two', seed: 3, now: NOW })
    assert.equal(demo.email, 'demo-two@tend.example')
    const plan = planDemo(3, 'demo-two')
    // Planned experiences, plus one per customer survey answer (heard by the trust engine).
    const answers = await sql<{ n: number; participants: number }>`select count(*)::int as n,
        coalesce(sum((select count(*) from experience_stakeholders es where es.experience_id = e.id) + (select count(*) from experience_users eu where eu.experience_id = e.id)), 0)::int as participants
      from experiences e where e.org_id = ${demo.orgId} and e.source = 'survey'`.execute(db)
    const survey = answers.rows[0]!
    assert.ok(survey.n > 0 && survey.participants > survey.n)
    const expected = {
      users: plan.people.users.length,
      accounts: plan.people.accounts.length,
      stakeholders: plan.people.stakeholders.length,
      relationships: plan.people.relationships.length,
      experiences: plan.experiences.length + survey.n,
      participants: plan.experiences.reduce((sum, e) => sum + e.stakeholderIds.length + e.userIds.length, 0) + survey.participants,
    }
    assert.deepEqual(demo.counts, expected)
    assert.deepEqual(await countRows(db, demo.orgId), expected)
    const rows = await db.selectFrom('stakeholders').select(['name', 'title']).where('org_id', '=', demo.orgId).execute()
    const people = (list: { name: string; title: string | null }[]) => list.map((s) => `${s.name} | ${s.title}`).sort()
    assert.deepEqual(people(rows), people(plan.people.stakeholders))

    await assert.rejects(createDemoOrganisation(db, { slug: 'demo-two' }), (err: AppError) => err.code === 'conflict')
    await assert.rejects(createDemoOrganisation(db, { slug: 'Not A Slug' }), (err: AppError) => err.code === 'invalid_request')
    assert.deepEqual(await ensureDemoOrganisation(db), { email: 'demo@tend.example', password: DEMO_PASSWORD, isNew: false })
  })

  test('a database with real organisations only is never given a demo', async () => {
    const handle = await openTestDb()
    try {
      await makeOrg(handle.db)
      assert.equal(await ensureDemoOrganisation(handle.db), undefined)
      assert.equal((await handle.db.selectFrom('organisations').select('id').execute()).length, 1)
    } finally {
      await handle.close()
    }
  })
})
