// The web app as a person uses it: a real server on an ephemeral port with the demo organisation,
// driven through Debian's Chromium. Screenshots of each main page land in test/screenshots/.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import type { Db } from '../../src/db/connect.ts'
import { DESKTOP, expectAccessible, logIn, newContext, PHONE, screenshot } from './browser.ts'
import { useWebEnv } from './server.ts'

const web = useWebEnv()

/** The demo admin's coldest relationship: the stakeholder Today should put first. */
async function coldestRelationship(db: Db, orgId: string, email: string) {
  return db.selectFrom('relationships as r')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'r.org_id').onRef('u.id', '=', 'r.user_id'))
    .innerJoin('stakeholders as s', (j) => j.onRef('s.org_id', '=', 'r.org_id').onRef('s.id', '=', 'r.stakeholder_id'))
    .innerJoin('relationship_scores as rs', (j) => j.onRef('rs.org_id', '=', 'r.org_id').onRef('rs.relationship_id', '=', 'r.id'))
    .select(['r.id', 's.id as stakeholderId', 's.name', 'rs.score'])
    .where('r.org_id', '=', orgId).where('u.email', '=', email).where('r.archived_at', 'is', null)
    .orderBy('rs.score', 'asc').limit(1).executeTakeFirstOrThrow()
}


async function trustShown(page: Page): Promise<number> {
  const label = await page.getByRole('region', { name: 'Trust' }).getByLabel(/^Trust \d+ of 100$/).first().getAttribute('aria-label')
  return Number(/Trust (\d+)/.exec(label ?? '')?.[1])
}

describe('web app', { timeout: 300_000 }, () => {
  test('a cold relationship is on Today with a suggested next step', async () => {
    const cold = await coldestRelationship(web.server.db, web.server.demo.orgId, web.server.demo.email)
    const page = await web.signedInPage()
    const needs = page.getByRole('region', { name: 'Needs you now' })
    await needs.getByRole('link', { name: cold.name }).first().waitFor()
    assert.match(await needs.innerText(), /meaningful touch/)
    await page.context().close()
  })

  test('finds a stakeholder with Ctrl+K, logs an experience and sees it on the timeline and in the score', async () => {
    const cold = await coldestRelationship(web.server.db, web.server.demo.orgId, web.server.demo.email)
    const page = await web.signedInPage()
    await page.keyboard.press('Control+k')
    await page.getByRole('textbox', { name: 'Search' }).fill(cold.name)
    await page.getByRole('dialog').getByRole('button', { name: new RegExp(cold.name) }).first().click()
    await page.getByRole('heading', { level: 1, name: cold.name }).waitFor()
    const before = await trustShown(page)
    // The palette closes with a transition; until it is gone its input has the focus.
    await page.getByRole('dialog').waitFor({ state: 'hidden' })

    await page.keyboard.press('l')
    const dialog = page.getByRole('dialog', { name: 'Log an experience' })
    await dialog.waitFor()
    // L opens an empty form; pick the stakeholder by typing, as from anywhere in the app.
    await dialog.getByRole('combobox', { name: 'Who' }).fill(cold.name.split(' ')[0]!)
    await page.getByRole('option', { name: new RegExp(cold.name) }).first().click()
    await dialog.getByText('Great', { exact: true }).click()
    await dialog.getByText('We gave', { exact: true }).click()
    await dialog.getByText('Personal', { exact: true }).click()
    assert.equal(await dialog.getByRole('radio', { name: 'Great' }).isChecked(), true)
    const title = `Walked the Alps trail together ${Date.now()}`
    await dialog.getByRole('textbox', { name: 'Title' }).fill(title)
    await dialog.getByRole('textbox', { name: 'Notes' }).fill('They talked about their daughter starting university.')
    await page.keyboard.press('Control+Enter')
    await dialog.waitFor({ state: 'hidden' })

    await page.getByRole('region', { name: 'Timeline' }).getByText(title).waitFor()
    // The score refetches once the experience is saved.
    for (let i = 0; i < 50 && (await trustShown(page)) <= before; i++) await page.waitForTimeout(200)
    assert.ok((await trustShown(page)) > before, 'a great, personal, giving experience raises the trust shown')
    await page.context().close()
  })

  test('an admin invites someone who accepts in another browser', async () => {
    const admin = await web.signedInPage()
    await admin.goto('/admin?tab=invitations')
    const email = `new.colleague.${Date.now()}@example.test`
    const form = admin.getByRole('form', { name: 'Invite someone' })
    await form.getByRole('textbox', { name: 'Email' }).fill(email)
    await form.getByRole('button', { name: 'Create invitation' }).click()
    const url = (await admin.getByTestId('invitation-link').innerText()).trim()
    assert.match(url, /\/invite\//)
    await screenshot(admin, 'admin-invitation-desktop')

    const guest = await (await newContext(web.browser, web.server.url)).newPage()
    await guest.goto(url.replace(/^https?:\/\/[^/]+/, ''))
    await guest.getByRole('heading', { name: /^Join / }).waitFor()
    await screenshot(guest, 'invite-desktop')
    await guest.getByRole('textbox', { name: 'Your name' }).fill('Noor Vermeulen')
    await guest.getByRole('textbox', { name: 'Choose a password' }).fill('a-long-enough-password')
    await guest.getByRole('button', { name: 'Create my account' }).click()
    await guest.getByRole('heading', { level: 1, name: /, Noor$/ }).waitFor()

    await admin.reload()
    await admin.getByRole('cell', { name: email }).waitFor()
    assert.match(await admin.getByRole('row', { name: new RegExp(email.replace(/\./g, '\\.')) }).innerText(), /Accepted/)
    await admin.context().close()
    await guest.context().close()
  })

  test('server validation errors appear beside the field they belong to', async () => {
    const cold = await coldestRelationship(web.server.db, web.server.demo.orgId, web.server.demo.email)
    const page = await web.signedInPage()
    await page.goto(`/stakeholders/${cold.stakeholderId}`)
    await page.getByRole('button', { name: 'Edit', exact: true }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('textbox', { name: 'Emails' }).fill('not-an-email')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.getByText(/must match format "email"/).waitFor()
    await page.context().close()
  })

  test('signing out returns to the login page and protects the app', async () => {
    const page = await web.signedInPage()
    await page.getByRole('button', { name: new RegExp('Helena|Admin') }).last().click()
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    await page.goto('/accounts')
    await page.waitForURL(/\/login\?next=%2Faccounts/)
    await page.context().close()
  })

  for (const [viewport, suffix] of [[DESKTOP, 'desktop'], [PHONE, 'phone']] as const) {
    test(`each main page is accessible and is saved as a screenshot (${suffix})`, async () => {
      const context = await newContext(web.browser, web.server.url, viewport)
      const page = await context.newPage()
      await page.goto('/login')
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      await expectAccessible(page, 'login')
      await screenshot(page, `login-${suffix}`)
      await logIn(page, web.server.demo.email, web.server.demo.password)
      const cold = await coldestRelationship(web.server.db, web.server.demo.orgId, web.server.demo.email)
      const account = await web.server.db.selectFrom('stakeholders').select('account_id').where('id', '=', cold.stakeholderId).executeTakeFirstOrThrow()
      const pages: [string, string, string][] = [
        ['today', '/', 'Needs you now'],
        ['accounts', '/accounts', 'Accounts'],
        ['account', `/accounts/${account.account_id}`, 'Stakeholder map'],
        ['stakeholder', `/stakeholders/${cold.stakeholderId}`, 'What they want'],
        ['team', '/team', 'People'],
        ['admin', '/admin', 'Admin'],
        ['settings', '/settings', 'API tokens'],
      ]
      for (const [name, path, heading] of pages) {
        await page.goto(path)
        await page.getByRole('heading', { name: heading, exact: true }).first().waitFor()
        await page.waitForLoadState('networkidle')
        await expectAccessible(page, name)
        await screenshot(page, `${name}-${suffix}`)
      }
      await page.goto(`/stakeholders/${cold.stakeholderId}`)
      await page.getByRole('heading', { name: 'What they want' }).waitFor()
      await page.getByRole('main').getByRole('button', { name: 'Log experience' }).click()
      await page.getByRole('dialog', { name: 'Log an experience' }).getByRole('radio', { name: 'Good' }).waitFor({ state: 'attached' })
      await expectAccessible(page, 'quick log')
      await screenshot(page, `quick-log-${suffix}`, { fullPage: false })
      await context.close()
    })
  }
})
