// Moments, family, relationship plans, the self-check and the calendar feed, as a person uses
// them: the demo organisation on a real server, driven through Chromium. Screenshots land in
// test/screenshots/moments-*.png.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, test } from 'node:test'
import ICAL from 'ical.js'
import { expectAccessible, PHONE, screenshot } from './browser.ts'
import { useWebEnv } from './server.ts'

const web = useWebEnv()


/** The demo head's stakeholder with close people (family) and the one with a stakeholder plan. */
async function demoSubjects() {
  const { db, demo } = web.server
  const withFamily = await db.selectFrom('close_people as c').innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'c.org_id').onRef('s.id', '=', 'c.stakeholder_id'))
    .select(['s.id', 's.name']).where('c.org_id', '=', demo.orgId).where('c.relation', '=', 'spouse').executeTakeFirstOrThrow()
  const plan = await db.selectFrom('relationship_plans').select(['stakeholder_id', 'account_id', 'title']).where('org_id', '=', demo.orgId).orderBy('title').execute()
  return { withFamily, stakeholderPlan: plan.find((p) => p.stakeholder_id)!, accountPlan: plan.find((p) => p.account_id)! }
}

describe('moments, plans and calendar in the web app', { timeout: 300_000 }, () => {
  test('Today lists upcoming moments with gesture ideas and overdue gives; acting on a moment logs it', async () => {
    const page = await web.signedInPage()
    const moments = page.getByRole('region', { name: 'Moments coming up' })
    await moments.getByText(/^Birthday: /).first().waitFor()
    assert.match(await moments.innerText(), /In 3 days/)
    const overdue = page.getByRole('region', { name: 'Overdue gives' })
    await overdue.getByText('Introduce their COO to our logistics partner').waitFor()
    assert.match(await overdue.innerText(), /4 days late/)
    await screenshot(page, 'moments-today')
    await expectAccessible(page, 'Today with moments')

    const first = moments.getByRole('button', { name: /^Mark Birthday: .* as acted upon$/ }).first()
    const label = (await first.getAttribute('aria-label'))!
    await first.click()
    await page.getByRole('menuitem').first().click()
    await moments.getByText('Acted upon', { exact: true }).first().waitFor()
    const title = label.replace(/^Mark /, '').replace(/ as acted upon$/, '')
    // "Acted upon" may already show for another birthday of the demo: wait for this one's experience.
    const isLogged = async () => (await web.server.db.selectFrom('experiences').select(['direction', 'title']).where('org_id', '=', web.server.demo.orgId).where('kind', '=', 'personal_moment').execute())
      .some((e) => e.direction === 'we_gave' && e.title?.includes(title))
    let found = await isLogged()
    for (let i = 0; i < 50 && !found; i++) {
      await page.waitForTimeout(100)
      found = await isLogged()
    }
    assert.ok(found, `an experience for ${title} was logged`)
    await page.context().close()
  })

  test('a stakeholder page shows family and moments, takes a new close person and moment, and runs the plan', async () => {
    const { withFamily, stakeholderPlan } = await demoSubjects()
    const page = await web.signedInPage()
    await page.goto(`/stakeholders/${withFamily.id}`)
    const family = page.getByRole('region', { name: 'Family and moments' })
    await family.getByText('Daniel', { exact: true }).waitFor()
    const addPerson = family.getByRole('form', { name: 'Add a close person' })
    await addPerson.getByRole('textbox', { name: 'Name' }).fill('Pia')
    await addPerson.getByRole('combobox', { name: 'Relation' }).click()
    await page.getByRole('option', { name: 'Child' }).click()
    await addPerson.getByRole('button', { name: 'Add' }).click()
    await family.getByText('Pia', { exact: true }).waitFor()

    const addMoment = family.getByRole('form', { name: 'Add a moment' })
    await addMoment.getByRole('combobox', { name: 'Moment' }).click()
    await page.getByRole('option', { name: 'Graduation' }).click()
    await addMoment.getByLabel('Date').fill('2027-06-30')
    await addMoment.getByRole('combobox', { name: 'Repeats' }).click()
    await page.getByRole('option', { name: 'Once' }).click()
    await addMoment.getByRole('combobox', { name: 'Whose' }).click()
    await page.getByRole('option', { name: /^Pia/ }).click()
    await addMoment.getByRole('button', { name: 'Add moment' }).click()
    await family.getByText('Graduation of Pia').waitFor()
    await screenshot(page, 'moments-stakeholder')
    await expectAccessible(page, 'Stakeholder with family and moments')

    await page.goto(`/stakeholders/${stakeholderPlan.stakeholder_id}`)
    const plan = page.getByRole('region', { name: 'Relationship plan' })
    await plan.getByText(stakeholderPlan.title).waitFor()
    await plan.getByRole('button', { name: 'Mark "Lend our analyst for their board pack" done' }).click()
    await plan.getByText('Given', { exact: true }).waitFor()
    const done = await web.server.db.selectFrom('plan_activities').select(['status', 'experience_id']).where('org_id', '=', web.server.demo.orgId).where('title', '=', 'Lend our analyst for their board pack').executeTakeFirstOrThrow()
    assert.equal(done.status, 'done')
    assert.ok(done.experience_id)
    await screenshot(page, 'moments-plan')
    await page.context().close()
  })

  test('an account page holds its plan and the self-check compared with trust', async () => {
    const { accountPlan } = await demoSubjects()
    const page = await web.signedInPage()
    await page.goto(`/accounts/${accountPlan.account_id}`)
    await page.getByRole('region', { name: 'Relationship plan' }).getByText(accountPlan.title).waitFor()
    const check = page.getByRole('region', { name: 'Self-check' })
    await check.getByRole('button', { name: 'Take the self-check' }).click()
    const form = check.getByRole('form', { name: 'Self-check' })
    const groups = form.getByRole('radiogroup')
    const count = await groups.count()
    assert.equal(count, 5)
    for (let i = 0; i < count; i++) await groups.nth(i).getByText('4', { exact: true }).click()
    await form.getByRole('button', { name: 'Save self-check' }).click()
    await check.getByText('Trust score', { exact: true }).waitFor()
    assert.match(await check.innerText(), /Self-check\s+65/)
    await screenshot(page, 'moments-account')
    await expectAccessible(page, 'Account with plan and self-check')
    await page.context().close()
  })

  test('settings: a private calendar URL that a calendar can read, then revoke (404)', async () => {
    const page = await web.signedInPage()
    await page.goto('/settings')
    const panel = page.getByRole('region', { name: 'Calendar feed' })
    await panel.getByRole('button', { name: 'Create calendar link' }).click()
    const url = (await panel.getByTestId('calendar-url').innerText()).trim()
    assert.match(url, /\/api\/v1\/calendar\/tcal_[\w-]+\.ics$/)
    await screenshot(page, 'moments-settings')
    await expectAccessible(page, 'Settings with calendar feed')
    const anonymous = await fetch(url)
    assert.equal(anonymous.status, 200)
    const cal = new ICAL.Component(ICAL.parse(await anonymous.text()))
    const summaries = cal.getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('summary')))
    assert.ok(summaries.some((s) => s.startsWith('Birthday: ')), summaries.join(' | '))
    assert.ok(summaries.some((s) => s.startsWith('Give: ')))
    await panel.getByRole('button', { name: 'Revoke link' }).click()
    await panel.getByText('No calendar link yet.').waitFor()
    assert.equal((await fetch(url)).status, 404)
    await page.context().close()
  })

  test('Today on a phone', async () => {
    const page = await web.signedInPage(PHONE)
    await page.getByRole('region', { name: 'Moments coming up' }).getByText(/^Birthday: /).first().waitFor()
    await page.getByRole('region', { name: 'Moments coming up' }).scrollIntoViewIfNeeded()
    await screenshot(page, 'moments-today-phone')
    await page.context().close()
  })

  test('settings: my time zone, from the browser\'s or chosen from the list', async () => {
    const { db, demo } = web.server
    const zoneOf = async () => (await db.selectFrom('users').select('time_zone').where('email', '=', demo.email).executeTakeFirstOrThrow()).time_zone
    assert.equal(await zoneOf(), 'UTC')
    const page = await web.signedInPage()
    await page.goto('/settings')
    const panel = page.getByRole('region', { name: 'Time zone' })
    await panel.getByText('This browser is in Europe/London.').waitFor()
    await screenshot(page, 'moments-settings-time-zone')
    await panel.getByRole('button', { name: 'Use Europe/London' }).click()
    await panel.getByText('This browser is in').waitFor({ state: 'detached' })
    assert.equal(await zoneOf(), 'Europe/London')
    const select = panel.getByRole('combobox', { name: 'Time zone' })
    await select.click()
    await select.fill('Tokyo')
    await page.getByRole('option', { name: 'Asia/Tokyo' }).click()
    await panel.getByText('This browser is in Europe/London.').waitFor()
    assert.equal(await zoneOf(), 'Asia/Tokyo')
    await expectAccessible(page, 'Settings with time zone')
    await page.context().close()
  })

  test('admin: the organisation\'s own self-check question is asked on every key account, until removed', async () => {
    const { accountPlan } = await demoSubjects()
    const page = await web.signedInPage()
    await page.goto('/admin?tab=self-check')
    const table = page.getByRole('table', { name: 'Self-check questions' })
    await table.getByText('Built in').first().waitFor()
    assert.equal(await table.getByRole('row').count(), 6, 'a header and the five built-in questions')
    const form = page.getByRole('form', { name: 'Add a self-check question' })
    await form.getByRole('textbox', { name: 'Add a question' }).fill('Would they take our call on a bad day?')
    await form.getByRole('button', { name: 'Add question' }).click()
    await table.getByText('Would they take our call on a bad day?').waitFor()
    await screenshot(page, 'moments-admin-self-check')
    await expectAccessible(page, 'Admin self-check questions')

    await page.goto(`/accounts/${accountPlan.account_id}`)
    const check = page.getByRole('region', { name: 'Self-check' })
    await check.getByRole('button', { name: 'Take the self-check' }).click()
    await check.getByRole('form', { name: 'Self-check' }).getByText('Would they take our call on a bad day?').waitFor()
    assert.equal(await check.getByRole('radiogroup').count(), 6)

    await page.goto('/admin?tab=self-check')
    await table.getByRole('button', { name: 'Remove “Would they take our call on a bad day?”' }).click()
    await table.getByText('Would they take our call on a bad day?').waitFor({ state: 'detached' })
    await page.context().close()
  })

  test('admin: a stakeholder\'s personal data exported to a file, then erased on request', async () => {
    const { withFamily } = await demoSubjects()
    const { db, demo } = web.server
    const page = await web.signedInPage()
    await page.goto(`/stakeholders/${withFamily.id}`)
    const personal = page.getByRole('region', { name: 'Personal notes' })
    const [download] = await Promise.all([page.waitForEvent('download'), personal.getByRole('button', { name: 'Export personal data' }).click()])
    const doc = JSON.parse(await readFile(await download.path(), 'utf8'))
    assert.equal(doc.stakeholder.name, withFamily.name)
    assert.ok(doc.closePeople.some((c: { relation: string }) => c.relation === 'spouse'))
    assert.ok(doc.moments.length > 0)

    await personal.getByRole('button', { name: 'Erase personal data' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Erase personal data' }).click()
    await personal.getByText('No consent recorded').waitFor()
    const left = await db.selectFrom('close_people').select('id').where('org_id', '=', demo.orgId).where('stakeholder_id', '=', withFamily.id).execute()
    assert.equal(left.length, 0)
    const audit = await db.selectFrom('audit_log').select('action').where('org_id', '=', demo.orgId).where('entity_id', '=', withFamily.id).where('action', 'like', 'stakeholder.personal_data_%').execute()
    assert.deepEqual(audit.map((a) => a.action).sort(), ['stakeholder.personal_data_erased', 'stakeholder.personal_data_exported'])
    await screenshot(page, 'moments-personal-data-erased')
    await page.context().close()
  })
})
