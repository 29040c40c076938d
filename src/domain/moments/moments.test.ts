import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv, type TestUser } from '../../../test/helpers.ts'
import type { App } from '../../http/app.ts'
import { addDays, todayIn } from './dates.ts'

const env = useTestEnv()

async function post(app: App, as: TestUser, url: string, payload: Record<string, unknown> = {}) {
  const res = await call(app, as, { method: 'POST', url, payload })
  assert.equal(res.statusCode, 201, res.body)
  return res.json() as { id: string } & Record<string, unknown>
}

/** A consenting stakeholder the rep has a relationship with. */
async function makeKnownPerson(app: App, as: TestUser, name: string, extra: Record<string, unknown> = {}) {
  const account = await post(app, as, '/api/v1/accounts', { name: `${name} GmbH` })
  const s = await post(app, as, '/api/v1/stakeholders', { name, accountId: account.id, hasConsent: true, interests: 'marathon running, jazz', ...extra })
  await post(app, as, '/api/v1/relationships', { stakeholderId: s.id })
  return { stakeholderId: s.id, accountId: account.id }
}

const today = () => todayIn('UTC')

describe('moments and close people', () => {
  test('family and moments: upcoming with labels and gestures, acted upon logs a personal experience once', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { stakeholderId } = await makeKnownPerson(app, org.rep, 'Maria Lopez')
    const daughter = await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/close-people`, { name: 'Ana', relation: 'child', notes: 'Studies medicine' })
    const in5 = addDays(today(), 5)
    const wedding = await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/moments`, { kind: 'wedding', onDate: in5, recurrence: 'once', closePersonId: daughter.id, leadDays: 10 })
    const birthYear = Number(today().slice(0, 4)) - 40
    const bday = await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/moments`, { kind: 'birthday', onDate: `${birthYear}${addDays(today(), 12).slice(4)}`, recurrence: 'yearly' })
    await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/moments`, { kind: 'company_anniversary', onDate: addDays(today(), 200), recurrence: 'once' })
    const listed = await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/moments` })
    assert.equal(listed.json().length, 3)
    assert.deepEqual((await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/close-people` })).json().map((p: { name: string }) => p.name), ['Ana'])

    const upcoming = (await call(app, org.rep, { method: 'GET', url: '/api/v1/moments/upcoming?days=30' })).json()
    assert.deepEqual(upcoming.map((o: { momentId: string }) => o.momentId), [wedding.id, bday.id], 'soonest first, the 200-day one is out of range')
    assert.equal(upcoming[0].title, 'Wedding: Ana (child of Maria Lopez)')
    assert.equal(upcoming[0].daysUntil, 5)
    assert.equal(upcoming[0].remindOn, addDays(in5, -10))
    assert.match(upcoming[0].gestures.join('|'), /sport|route guide/, 'interest-based idea first')
    assert.match(upcoming[1].title, /^Birthday: Maria Lopez, turns 40$/)
    assert.equal(upcoming[1].years, 40)
    // Other users without a relationship see nothing in their own scope; the manager sees the team's.
    assert.equal((await call(app, org.analyst, { method: 'GET', url: '/api/v1/moments/upcoming' })).statusCode, 403)
    assert.deepEqual((await call(app, org.admin, { method: 'GET', url: '/api/v1/moments/upcoming' })).json(), [])
    assert.equal((await call(app, org.manager, { method: 'GET', url: '/api/v1/moments/upcoming?scope=team' })).json().length, 2)
    assertProblem(await call(app, org.manager, { method: 'GET', url: '/api/v1/moments/upcoming?scope=all' }), 403)
    assert.equal((await call(app, org.admin, { method: 'GET', url: '/api/v1/moments/upcoming?scope=all' })).json().length, 2)

    const acted = await post(app, org.rep, `/api/v1/moments/${bday.id}/acted`, { gesture: 'Sent a handwritten card' })
    const exp = acted.experience as { kind: string; direction: string; depth: string; title: string; stakeholderIds: string[] }
    assert.deepEqual([exp.kind, exp.direction, exp.depth], ['personal_moment', 'we_gave', 'personal'])
    assert.match(exp.title, /^Sent a handwritten card \(Birthday: Maria Lopez/)
    assert.deepEqual(exp.stakeholderIds, [stakeholderId])
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/moments/${bday.id}/acted`, payload: {} }), 409, ['#/occursOn'])
    const after = (await call(app, org.rep, { method: 'GET', url: '/api/v1/moments/upcoming?days=30' })).json()
    assert.deepEqual(after.map((o: { actedUpon: boolean }) => o.actedUpon), [false, true])
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/moments/${bday.id}/acted`, payload: { occursOn: '2026-01-02' } }), 422, ['#/occursOn'])
  })

  test('bad input: impossible dates, 29 Feb, time zones, unknown fields', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { stakeholderId } = await makeKnownPerson(app, org.rep, 'Leap Person')
    const url = `/api/v1/stakeholders/${stakeholderId}/moments`
    assertProblem(await call(app, org.rep, { method: 'POST', url, payload: { kind: 'birthday', onDate: '2027-02-29', recurrence: 'yearly' } }), 400, ['#/onDate'])
    assertProblem(await call(app, org.rep, { method: 'POST', url, payload: { kind: 'birthday', onDate: '2026-13-01', recurrence: 'yearly' } }), 400, ['#/onDate'])
    assertProblem(await call(app, org.rep, { method: 'POST', url, payload: { kind: 'birthday', onDate: '1988-05-01T00:00:00+02:00', recurrence: 'yearly' } }), 400, ['#/onDate'])
    assertProblem(await call(app, org.rep, { method: 'POST', url, payload: { kind: 'party', onDate: '1988-05-01', recurrence: 'weekly', leadDays: 90 } }), 400, ['#/kind', '#/recurrence', '#/leadDays'])
    const leap = await post(app, org.rep, url, { kind: 'birthday', onDate: '1988-02-29', recurrence: 'yearly' })
    assert.equal(leap.onDate, '1988-02-29')
    const upcoming = (await call(app, org.rep, { method: 'GET', url: '/api/v1/moments/upcoming?days=366' })).json() as { occursOn: string }[]
    const occurrence = upcoming[0]!.occursOn
    const year = Number(occurrence.slice(0, 4))
    const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
    assert.equal(occurrence.slice(5), isLeap ? '02-29' : '02-28')
    assertProblem(await call(app, org.rep, { method: 'GET', url: '/api/v1/moments/upcoming?tz=Mars/Olympus' }), 400, ['tz'])
    assert.equal((await call(app, org.rep, { method: 'GET', url: '/api/v1/moments/upcoming?tz=Pacific/Kiritimati' })).statusCode, 200)
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/stakeholders/${stakeholderId}/close-people`, payload: { name: '', relation: 'cousin' } }), 400, ['#/name', '#/relation'])
  })

  test('consent: personal moments and family need it; professional ones do not; withdrawing consent hides them', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const s = await post(app, org.rep, '/api/v1/stakeholders', { name: 'No Consent' })
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/stakeholders/${s.id}/moments`, payload: { kind: 'birthday', onDate: '1980-01-01', recurrence: 'yearly' } }), 422, ['#/kind'])
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/stakeholders/${s.id}/close-people`, payload: { name: 'Kid', relation: 'child' } }), 422, ['#/name'])
    const promo = await post(app, org.rep, `/api/v1/stakeholders/${s.id}/moments`, { kind: 'promotion', onDate: '2027-01-15', recurrence: 'once' })
    assert.equal(promo.kind, 'promotion')

    const { stakeholderId } = await makeKnownPerson(app, org.rep, 'Withdrawer')
    const bday = await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/moments`, { kind: 'birthday', onDate: '1980-01-01', recurrence: 'yearly' })
    await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/close-people`, { name: 'Partner', relation: 'partner' })
    const off = await call(app, org.rep, { method: 'PATCH', url: `/api/v1/stakeholders/${stakeholderId}`, payload: { hasConsent: false, personalNotes: null } })
    assert.equal(off.statusCode, 200, off.body)
    assert.deepEqual((await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/moments` })).json(), [])
    assert.deepEqual((await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/close-people` })).json(), [])
    assertProblem(await call(app, org.rep, { method: 'POST', url: `/api/v1/moments/${bday.id}/acted`, payload: {} }), 404)
    assert.equal(await db.selectFrom('moments').select('id').where('id', '=', bday.id).executeTakeFirst(), undefined, 'erased, not only hidden')
    assert.equal((await db.selectFrom('close_people').select('id').where('stakeholder_id', '=', stakeholderId).execute()).length, 0)
  })

  test('personal data export and erasure: admin only, audited, reminders cancelled', async () => {
    const { app, db } = env
    const org = await makeOrg(db)
    const { stakeholderId } = await makeKnownPerson(app, org.rep, 'Erase Me', { personalNotes: 'Loves sailing' })
    await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/close-people`, { name: 'Tom', relation: 'spouse' })
    await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/moments`, { kind: 'birthday', onDate: '1975-06-01', recurrence: 'yearly' })
    assertProblem(await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/personal-data` }), 403)
    const exported = await call(app, org.admin, { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/personal-data` })
    assert.equal(exported.statusCode, 200)
    const doc = exported.json()
    assert.equal(doc.stakeholder.personalNotes, 'Loves sailing')
    assert.deepEqual(doc.closePeople.map((p: { name: string }) => p.name), ['Tom'])
    assert.equal(doc.moments.length, 1)

    assertProblem(await call(app, org.manager, { method: 'POST', url: `/api/v1/stakeholders/${stakeholderId}/personal-data/erase` }), 403)
    const erased = await call(app, org.admin, { method: 'POST', url: `/api/v1/stakeholders/${stakeholderId}/personal-data/erase` })
    assert.equal(erased.statusCode, 200, erased.body)
    assert.deepEqual([erased.json().moments, erased.json().closePeople, erased.json().personalNotes], [1, 1, true])
    const again = (await call(app, org.admin, { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/personal-data` })).json()
    assert.deepEqual([again.moments, again.closePeople, again.stakeholder.personalNotes, again.stakeholder.interests, again.stakeholder.hasConsent], [[], [], null, null, false])
    const audit = (await call(app, org.admin, { method: 'GET', url: `/api/v1/audit?entityId=${stakeholderId}` })).json()
    const actions = audit.items.map((a: { action: string }) => a.action)
    assert.ok(actions.includes('stakeholder.personal_data_exported') && actions.includes('stakeholder.personal_data_erased'), actions.join(','))
    assert.ok(!JSON.stringify(audit.items.filter((a: { action: string }) => a.action.startsWith('stakeholder.personal_data'))).includes('Loves sailing'), 'the audit does not copy the data')
  })

  test('roles and tenant isolation', async (t) => {
    const { app, db } = env
    const org = await makeOrg(db)
    const other = await makeOrg(db)
    const { stakeholderId } = await makeKnownPerson(app, org.rep, 'Private Person')
    const m = await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/moments`, { kind: 'birthday', onDate: '1980-03-03', recurrence: 'yearly' })
    const p = await post(app, org.rep, `/api/v1/stakeholders/${stakeholderId}/close-people`, { name: 'Sam', relation: 'assistant' })
    await expectTenantIsolation(app, other.admin, [
      { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/moments` },
      { method: 'POST', url: `/api/v1/stakeholders/${stakeholderId}/moments`, payload: { kind: 'birthday', onDate: '1980-03-03', recurrence: 'yearly' } },
      { method: 'PATCH', url: `/api/v1/moments/${m.id}`, payload: { leadDays: 3 } },
      { method: 'POST', url: `/api/v1/moments/${m.id}/acted`, payload: {} },
      { method: 'DELETE', url: `/api/v1/moments/${m.id}` },
      { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/close-people` },
      { method: 'POST', url: `/api/v1/stakeholders/${stakeholderId}/close-people`, payload: { name: 'X', relation: 'child' } },
      { method: 'PATCH', url: `/api/v1/close-people/${p.id}`, payload: { name: 'Y' } },
      { method: 'DELETE', url: `/api/v1/close-people/${p.id}` },
      { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/personal-data` },
      { method: 'POST', url: `/api/v1/stakeholders/${stakeholderId}/personal-data/erase` },
    ], t)
    assert.equal((await call(app, other.admin, { method: 'GET', url: '/api/v1/moments/upcoming?scope=all&days=366' })).json().length, 0)
    for (const url of [`/api/v1/stakeholders/${stakeholderId}/moments`, `/api/v1/stakeholders/${stakeholderId}/close-people`, '/api/v1/moments/upcoming']) {
      assertProblem(await call(app, org.analyst, { method: 'GET', url }), 403)
    }
    assertProblem(await call(app, undefined, { method: 'GET', url: '/api/v1/moments/upcoming' }), 401)
    const patched = await call(app, org.manager, { method: 'PATCH', url: `/api/v1/moments/${m.id}`, payload: { leadDays: 3, title: 'Her 45th' } })
    assert.equal(patched.statusCode, 200)
    assert.equal(patched.json().leadDays, 3)
    assert.equal((await call(app, org.rep, { method: 'DELETE', url: `/api/v1/close-people/${p.id}` })).statusCode, 204)
    assert.equal((await call(app, org.rep, { method: 'DELETE', url: `/api/v1/moments/${m.id}` })).statusCode, 204)
    assert.deepEqual((await call(app, org.rep, { method: 'GET', url: `/api/v1/stakeholders/${stakeholderId}/moments` })).json(), [])
  })
})
