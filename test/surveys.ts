import assert from 'node:assert/strict'
import { call, type TestOrg, type TestUser } from './helpers.ts'
import type { App } from '../src/http/app.ts'

// Fixtures shared by the survey, escalation and referral tests.

export async function post(app: App, as: TestUser, url: string, payload?: unknown, status = 201) {
  const res = await call(app, as, { method: 'POST', url, payload })
  assert.equal(res.statusCode, status, res.body)
  return res.json()
}

/** An account owned by `owner` with one stakeholder who has an e-mail address. */
export async function makeCustomer(app: App, org: TestOrg, name: string, owner: TestUser = org.rep) {
  const account = await post(app, org.rep, '/api/v1/accounts', { name: `${name} Ltd`, ownerId: owner.id })
  const stakeholder = await post(app, org.rep, '/api/v1/stakeholders', { name, accountId: account.id, emails: [`${name.toLowerCase()}@${name.toLowerCase()}.example`] })
  return { accountId: account.id as string, stakeholderId: stakeholder.id as string }
}

/** Send a survey to stakeholders and return one public token per stakeholder, in order. */
export async function sendAndLink(app: App, as: TestUser, surveyId: string, stakeholderIds: string[]): Promise<string[]> {
  const sent = await post(app, as, `/api/v1/surveys/${surveyId}/send`, { stakeholderIds }, 200)
  const tokens: string[] = []
  for (const id of stakeholderIds) {
    const recipient = sent.added.find((r: { stakeholderId: string }) => r.stakeholderId === id)
    const link = await post(app, as, `/api/v1/surveys/${surveyId}/recipients/${recipient.id}/link`)
    tokens.push(link.url.split('/s/')[1])
  }
  return tokens
}

export const answer = (app: App, token: string, payload: unknown, ip = '10.9.0.1') =>
  app.inject({ method: 'POST', url: `/api/v1/public/surveys/${token}`, payload: payload as never, remoteAddress: ip })

