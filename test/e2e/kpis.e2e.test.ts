// KPIs, business outcomes, ROI and relationship reviews as a manager uses them, on the demo
// organisation (which comes with two years of revenue and twelve weeks of snapshots).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { expectAccessible, PHONE, screenshot } from './browser.ts'
import { useWebEnv } from './server.ts'

const web = useWebEnv()


describe('KPIs and reviews in the web app', { timeout: 300_000 }, () => {
  test('the KPI dashboard shows the weekly figures, charts, outcomes per currency and ROI with its caveats', async () => {
    const page = await web.signedInPage()
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'KPIs' }).click()
    await page.getByText('Key coverage').first().waitFor()
    await page.getByRole('img', { name: 'Average trust by week' }).locator('canvas').waitFor()
    await page.getByRole('img', { name: 'Key coverage by week' }).locator('canvas').waitFor()
    // The same number in the API: the latest organisation week.
    const api = await page.request.get('/api/v1/kpis/series')
    const latest = (await api.json()).points.at(-1)
    const headline = await page.getByText(`${latest.keyCovered} of ${latest.keyRelationships} key relationships within cadence`).count()
    assert.equal(headline, 1)
    const outcomes = page.getByRole('region', { name: 'Business outcomes' })
    await outcomes.getByRole('table').waitFor()
    assert.match(await outcomes.innerText(), /€|£/) // the demo bills a few accounts in EUR and GBP, shown apart
    assert.match(await outcomes.innerText(), /at the stated rates/)
    const roi = page.getByRole('region', { name: 'Trust and business' })
    await roi.getByText(/not proof that trust causes revenue/).waitFor()
    assert.match(await roi.innerText(), /n = \d+/)
    const csvHref = await outcomes.getByRole('link', { name: 'Export business outcomes as CSV' }).getAttribute('href')
    const csv = await page.request.get(csvHref!)
    assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/)
    assert.match((await csv.text()).split('\n')[0]!, /^account_id,account,tier,revenue/)
    await screenshot(page, 'kpis')
    await expectAccessible(page, 'KPI dashboard')
    // The programme picker names the cohort's size from memberCount (analysts get no member list).
    const programme = (await (await page.request.get('/api/v1/programmes')).json()).items[0]
    const programmes = page.getByRole('region', { name: 'Programmes' })
    await programmes.getByRole('table').waitFor()
    const picked = await programmes.locator('input').evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value))
    assert.ok(picked.some((v) => v.startsWith(`${programme.name} (from `) && v.endsWith(`, ${programme.memberCount} people)`)), JSON.stringify(picked))
    const breakdown = page.getByRole('region', { name: 'By tier, team and person' })
    await breakdown.locator('label', { hasText: /^Team$/ }).click()
    await breakdown.getByText(/^Team of /).first().waitFor()
    await page.context().close()
  })

  test('a manager records a review; its commitment carries forward to the next one', async () => {
    const page = await web.signedInPage()
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reviews' }).click()
    await page.getByRole('region', { name: /^Key relationships/ }).waitFor()
    await page.getByRole('region', { name: /average trust$/ }).getByRole('img').locator('canvas').waitFor()
    const form = page.getByRole('region', { name: 'Record this review' })
    await form.getByRole('textbox', { name: 'Notes' }).fill('Two strategic contacts have gone quiet.')
    await form.getByRole('textbox', { name: 'Commitment' }).fill('Book a visit with the CFO')
    await form.getByRole('button', { name: 'Save review' }).click()
    await form.getByText('Review saved.').waitFor()
    await form.getByRole('checkbox', { name: /Book a visit with the CFO/ }).waitFor()
    await page.getByRole('region', { name: 'Earlier reviews' }).getByText('Two strategic contacts have gone quiet.').waitFor()
    await screenshot(page, 'reviews')
    await expectAccessible(page, 'Reviews')
    await page.context().close()
  })

  test('the KPI dashboard fits a phone', async () => {
    const page = await web.signedInPage(PHONE)
    await page.goto('/kpis')
    await page.getByText('Key coverage').first().waitFor()
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
    const wide = await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.mantine-ScrollArea-root, [class*=ScrollContainer]')).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))`)
    assert.ok(Number(overflow) <= 1, `page scrolls sideways by ${String(overflow)} px: ${JSON.stringify(wide)}`)
    await screenshot(page, 'kpis-phone', { fullPage: false })
    await page.context().close()
  })
})
