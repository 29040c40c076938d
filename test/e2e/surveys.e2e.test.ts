// A survey as people meet it: an admin creates an NPS survey and sends it to a stakeholder; the
// stakeholder answers on the public page on a phone (no login, no script); the admin sees the result.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DESKTOP, expectAccessible, logIn, newContext, PHONE, screenshot } from './browser.ts'
import { useWebEnv } from './server.ts'

const web = useWebEnv()

describe('surveys in the browser', { timeout: 300_000 }, () => {
  test('create and send an NPS survey, answer it on a phone, see the result', async () => {
    const stakeholder = await web.server.db.selectFrom('stakeholders').select(['id', 'name']).where('org_id', '=', web.server.demo.orgId).where('archived_at', 'is', null)
      .where('account_id', 'is not', null).orderBy('name').limit(1).executeTakeFirstOrThrow()

    const context = await newContext(web.browser, web.server.url, DESKTOP)
    const page = await context.newPage()
    await logIn(page, web.server.demo.email, web.server.demo.password)
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Surveys' }).click()
    await page.getByRole('heading', { level: 1, name: 'Surveys' }).waitFor()
    await page.getByRole('button', { name: 'New survey' }).click()
    await page.getByRole('textbox', { name: 'Name' }).fill('Autumn NPS')
    await page.getByRole('button', { name: 'Create survey' }).click()
    await page.getByRole('heading', { level: 1, name: 'Autumn NPS' }).waitFor()
    await expectAccessible(page, 'survey page')

    await page.getByRole('combobox', { name: 'Who' }).fill(stakeholder.name.split(' ')[0]!)
    await page.getByRole('option', { name: new RegExp(stakeholder.name) }).first().click()
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Send survey' }).click()
    await page.getByRole('status').filter({ hasText: 'Invited 1' }).waitFor()
    await page.getByRole('button', { name: `New link for ${stakeholder.name}` }).click()
    const url = await page.getByTestId('survey-link').getAttribute('data-url')
    assert.match(url ?? '', /\/s\/[A-Za-z0-9_-]{43}$/)

    // The stakeholder, on a phone, with no session. The page forbids scripts, so axe is injected around its CSP.
    const phone = await web.browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, bypassCSP: true, locale: 'en-GB' })
    const answer = await phone.newPage()
    const started = Date.now()
    await answer.goto(url!)
    await answer.getByRole('group', { name: /How likely/ }).waitFor()
    const loadMs = Date.now() - started
    await expectAccessible(answer, 'public survey page')
    await screenshot(answer, 'survey-public-phone')
    // Keyboard: the radios of a group are reached with Tab and moved with the arrow keys.
    await answer.getByRole('radio', { name: '9' }).focus()
    await answer.keyboard.press('ArrowRight')
    assert.equal(await answer.getByRole('radio', { name: '10' }).isChecked(), true)
    await answer.getByRole('textbox', { name: /main reason/ }).fill('Quick answers <b>every</b> time')
    await answer.getByRole('button', { name: 'Send my answer' }).click()
    await answer.getByRole('heading', { name: 'Thank you' }).waitFor()
    await screenshot(answer, 'survey-public-thanks')
    await answer.goto(url!)
    await answer.getByRole('heading', { name: 'Already answered' }).waitFor()
    await phone.close()

    await page.reload()
    await page.getByTestId('survey-score').filter({ hasText: '100' }).waitFor()
    const answers = page.getByRole('region', { name: 'Answers' })
    await answers.getByText('Quick answers <b>every</b> time').waitFor()
    assert.match(await page.getByRole('region', { name: 'Results' }).innerText(), /single answer: 95 % CI/)
    await screenshot(page, 'survey-results')

    // An escalation from the same person: opened, listed against its target, counted.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Escalations' }).click()
    await page.getByRole('heading', { level: 1, name: 'Escalations & referrals' }).waitFor()
    const escalations = page.getByRole('region', { name: 'Escalations and complaints' })
    await escalations.getByRole('combobox', { name: 'Who' }).fill(stakeholder.name.split(' ')[0]!)
    await page.getByRole('option', { name: new RegExp(stakeholder.name) }).first().click()
    await page.keyboard.press('Escape')
    await escalations.getByRole('textbox', { name: 'What happened' }).fill('Report delivered late')
    await escalations.getByRole('button', { name: 'Open' }).click()
    await escalations.getByRole('cell', { name: /Report delivered late/ }).waitFor()
    await expectAccessible(page, 'escalations page')
    await screenshot(page, 'escalations')
    // Responded, then resolved with what was done: the record of how the loop was closed.
    const row = escalations.getByRole('row').filter({ hasText: 'Report delivered late' })
    await row.getByRole('button', { name: 'Mark responded' }).click()
    await row.getByRole('button', { name: 'Mark resolved' }).click()
    await page.getByRole('textbox', { name: 'What was done?' }).fill('Sent the report with an apology and a new delivery check')
    await page.getByRole('button', { name: 'Resolve', exact: true }).click()
    await row.getByRole('button', { name: 'Mark resolved' }).waitFor({ state: 'detached' })
    const stored = await web.server.db.selectFrom('escalations').select('resolution').where('org_id', '=', web.server.demo.orgId).where('title', '=', 'Report delivered late').executeTakeFirstOrThrow()
    assert.equal(stored.resolution, 'Sent the report with an apology and a new delivery check')
    await context.close()
    assert.ok(loadMs < 5000, `the public page took ${loadMs} ms`)
  })
})
