// The Suggestions screen as a person uses it: mail from a real Enron mailbox captured into the
// demo organisation, then its frequent correspondents added as stakeholders in bulk.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import { importPath } from '../../src/domain/imports/importers.ts'
import { expectAccessible, logIn, newContext, PHONE, screenshot } from './browser.ts'
import { useWebEnv } from './server.ts'

const OMAN = new URL('../../../shared/data/email/enron-dev/mbox/enron.ybarbo-p.oman_lng', import.meta.url).pathname
const skip = existsSync(OMAN) ? false : `Enron mailboxes not found beside the repository (${OMAN})`

const web = useWebEnv()

describe('suggestions screen', { skip, timeout: 300_000 }, () => {
  test('lists correspondents by domain and adds the chosen ones as stakeholders', async () => {
    const { db, demo } = web.server
    // Paul Y'Barbo joins the demo organisation; his Oman LNG folder is imported as the system.
    await db.insertInto('users').values({ org_id: demo.orgId, email: "paul.y'barbo@enron.com", name: "Paul Y'Barbo", role: 'rep' }).execute()
    const report = await importPath({ db, orgId: demo.orgId, actor: { orgId: demo.orgId, userId: '00000000-0000-0000-0000-000000000000', role: 'admin', name: 'e2e', via: 'system' } }, OMAN)
    assert.equal(report.created, 17)

    const context = await newContext(web.browser, web.server.url)
    const page = await context.newPage()
    await logIn(page, demo.email, demo.password)
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Suggestions' }).click()
    const domain = page.getByRole('region', { name: 'olng.simis.com' })
    await domain.waitFor()
    assert.match(await domain.innerText(), /harib\.h\.alkitani@olng\.simis\.com/)
    await expectAccessible(page, 'suggestions')
    await screenshot(page, 'suggestions')

    await domain.getByRole('checkbox', { name: 'All' }).check()
    await page.getByRole('button', { name: /Add 3 as stakeholders/ }).click()
    await page.getByText('3 stakeholders added').waitFor()
    await domain.waitFor({ state: 'detached' })
    const added = await db.selectFrom('stakeholders').select('name').where('org_id', '=', demo.orgId).where(sql<boolean>`'harib.h.alkitani@olng.simis.com' = ANY(emails)`).execute()
    assert.equal(added.length, 1)

    // The demo keeps subjects: the admin sees this mail's subject on the stakeholder's timeline, a
    // rep who is not in the mail (nor manages anyone who is) sees that it is private.
    const harib = await db.selectFrom('stakeholders').select('id').where('org_id', '=', demo.orgId).where(sql<boolean>`'harib.h.alkitani@olng.simis.com' = ANY(emails)`).executeTakeFirstOrThrow()
    const mail = await db.selectFrom('experiences as e').innerJoin('experience_stakeholders as es', (j) => j.onRef('es.experience_id', '=', 'e.id'))
      .select('e.title').where('es.stakeholder_id', '=', harib.id).where('e.source', '=', 'email').where('e.title', 'is not', null).orderBy('e.occurred_at', 'desc').executeTakeFirstOrThrow()
    await page.goto(`/stakeholders/${harib.id}`)
    await page.getByText(mail.title!, { exact: true }).first().waitFor()
    const otherRep = await db.selectFrom('users').select('email').where('org_id', '=', demo.orgId).where('role', '=', 'rep').where('email', '!=', "paul.y'barbo@enron.com").orderBy('email').executeTakeFirstOrThrow()
    const repContext = await newContext(web.browser, web.server.url)
    const repPage = await repContext.newPage()
    await logIn(repPage, otherRep.email, demo.password)
    await repPage.goto(`/stakeholders/${harib.id}`)
    await repPage.getByText('Subject private').first().waitFor()
    assert.equal(await repPage.getByText(mail.title!, { exact: true }).count(), 0, 'the subject is not on the page')
    await screenshot(repPage, 'stakeholder-mail-subject-private')
    await repContext.close()

    const phone = await newContext(web.browser, web.server.url, PHONE)
    const small = await phone.newPage()
    await logIn(small, demo.email, demo.password)
    await small.goto('/suggestions')
    await small.getByRole('heading', { name: 'Suggestions', level: 1 }).waitFor()
    await screenshot(small, 'suggestions-phone')
    await phone.close()
    await context.close()
  })
})
