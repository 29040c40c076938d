import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { useTestEnv } from '../../../test/helpers.ts'
import { buildCalendar } from '../moments/calendar.ts'
import { listUpcoming } from '../moments/service.ts'
import { listOverdue } from '../plans/service.ts'
import { createDemoOrganisation } from './seed.ts'

const env = useTestEnv()

describe('demo organisation: moments, family and plans', () => {
  test('the demo login sees upcoming moments, an overdue give and a calendar; the same every time', async () => {
    const { db } = env
    const now = new Date('2026-11-23T09:00:00Z')
    const demo = await createDemoOrganisation(db, { now, slug: 'engage-demo' })
    const head = await db.selectFrom('users').select(['id', 'name']).where('org_id', '=', demo.orgId).where('role', '=', 'admin').executeTakeFirstOrThrow()
    const actor = { orgId: demo.orgId, userId: head.id, role: 'admin' as const, name: head.name, via: 'token' as const }
    const upcoming = await listUpcoming(db, actor, { days: 30, tz: 'UTC' }, now)
    assert.ok(upcoming.length >= 4, `upcoming: ${upcoming.map((o) => o.title).join(' | ')}`)
    assert.equal(upcoming[0]!.daysUntil, 3)
    assert.equal(upcoming[0]!.kind, 'birthday')
    assert.ok(upcoming.some((o) => o.closePersonName !== null), 'a family member\'s moment')
    const overdue = await listOverdue(db, actor, { scope: 'me', tz: 'UTC' }, now)
    assert.deepEqual(overdue.map((a) => a.daysOverdue), [4, 2])
    const ics = await buildCalendar(db, demo.orgId, head.id, 'http://tend.test', now)
    assert.match(ics, /BEGIN:VEVENT/)
    const counts = await Promise.all((['moments', 'close_people', 'relationship_plans', 'plan_activities'] as const).map(async (t) =>
      (await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', demo.orgId).executeTakeFirstOrThrow()).n))
    const [moments, closePeople, plans, activities] = counts.map(Number)
    assert.ok(moments! >= 6 && closePeople! >= 4, `moments ${moments}, close people ${closePeople}`)
    assert.deepEqual([plans, activities], [2, 5])
    const again = await createDemoOrganisation(db, { now, slug: 'engage-demo-2' })
    const titles = async (orgId: string) => (await db.selectFrom('moments').select(['kind', 'on_date']).where('org_id', '=', orgId).orderBy('on_date').execute()).map((m) => `${m.kind}@${m.on_date}`)
    assert.deepEqual(await titles(again.orgId), await titles(demo.orgId))
  })
})
