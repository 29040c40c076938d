// The "Who knows them" panel of a stakeholder page, on the demo organisation.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { getConnections } from '../../src/domain/connections/service.ts'
import { expectAccessible, logIn, newContext, screenshot } from './browser.ts'
import { useWebEnv } from './server.ts'

const web = useWebEnv()

describe('who knows them', { timeout: 300_000 }, () => {
  test('a stakeholder page ranks our people who know them', async () => {
    const { db, demo } = web.server
    // A stakeholder several of our people know.
    const row = await db.selectFrom('experience_stakeholders as es').innerJoin('experience_users as eu', (j) => j.onRef('eu.experience_id', '=', 'es.experience_id'))
      .select(['es.stakeholder_id']).where('es.org_id', '=', demo.orgId).groupBy('es.stakeholder_id')
      .having((eb) => eb.fn.count('eu.user_id').distinct(), '>=', 2).limit(1).executeTakeFirstOrThrow()
    const actor = { orgId: demo.orgId, userId: '00000000-0000-0000-0000-000000000000', role: 'admin' as const, name: 'e2e', via: 'system' as const }
    const expected = await getConnections(db, actor, row.stakeholder_id)
    assert.ok(expected.people.length >= 2)

    const context = await newContext(web.browser, web.server.url)
    const page = await context.newPage()
    await logIn(page, demo.email, demo.password)
    await page.goto(`/stakeholders/${row.stakeholder_id}`)
    const panel = page.getByRole('region', { name: 'Who knows them' })
    await panel.getByText(expected.people[0]!.name).first().waitFor()
    const text = await panel.innerText()
    const positions = expected.people.map((p) => text.indexOf(p.name))
    assert.ok(positions.every((p) => p >= 0), text)
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'best first')
    await expectAccessible(page, 'stakeholder with who-knows panel')
    await panel.scrollIntoViewIfNeeded()
    await screenshot(page, 'who-knows', { fullPage: false })
  })
})
