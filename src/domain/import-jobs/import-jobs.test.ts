import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { assertProblem, call, expectTenantIsolation, makeOrg, useTestEnv, type TestOrg } from '../../../test/helpers.ts'
import { importWorkerIdle, resumeImportJobs } from './service.ts'

const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url))
const CONTACTS = `${DATA}crm/salesforce-lwc-recipes/data/Accounts-Contacts.csv`
const skip = existsSync(CONTACTS) ? false : `CRM fixtures not found beside the repository (${DATA})`

const env = useTestEnv()

async function upload(org: TestOrg, url: string, body: Buffer | string, type = 'text/csv') {
  return env.app.inject({ method: 'POST', url, payload: body, headers: { ...org.rep.headers, 'content-type': type } })
}

describe('background import jobs', { skip }, () => {
  test('an upload is queued, imported in the background, and reports like the CLI', async () => {
    const org = await makeOrg(env.db)
    const res = await upload(org, '/api/v1/imports?filename=Accounts-Contacts.csv', readFileSync(CONTACTS))
    assert.equal(res.statusCode, 202, res.body)
    const job = res.json()
    assert.ok(['queued', 'running'].includes(job.status))
    assert.equal(job.report, null)
    await importWorkerIdle(env.db)
    const done = (await call(env.app, org.rep, { method: 'GET', url: `/api/v1/imports/${job.id}` })).json()
    assert.equal(done.status, 'done', JSON.stringify(done))
    assert.equal(done.report.created, 6)
    assert.equal(done.report.details['layout:salesforce'], 1)
    assert.equal(done.attempts, 1)
    const listed = (await call(env.app, org.rep, { method: 'GET', url: '/api/v1/imports' })).json()
    assert.deepEqual(listed.items.map((j: { id: string }) => j.id), [job.id])

    // The same file again: nothing new.
    const again = (await upload(org, '/api/v1/imports?filename=contacts.csv', readFileSync(CONTACTS))).json()
    await importWorkerIdle(env.db)
    const second = (await call(env.app, org.rep, { method: 'GET', url: `/api/v1/imports/${again.id}` })).json()
    assert.deepEqual([second.status, second.report.created, second.report.skippedDuplicate], ['done', 0, 6])
  })

  test('a job left running by a restart runs again; an unreadable upload fails with a reason', async () => {
    const org = await makeOrg(env.db)
    const res = await upload(org, '/api/v1/imports?filename=people.csv', 'Full Name,Contact Email\nAda Lovelace,ada@engine.example\n')
    const id = res.json().id
    await importWorkerIdle(env.db)
    // Simulate a crash mid-import: the row says running, nothing of a second run is there yet.
    await env.db.updateTable('import_jobs').set({ status: 'running', report: null, content: Buffer.from('Full Name,Contact Email\nAda Lovelace,ada@engine.example\nGrace Hopper,grace@navy.example\n') }).where('id', '=', id).execute()
    assert.equal(await resumeImportJobs(env.db), 1)
    await importWorkerIdle(env.db)
    const job = (await call(env.app, org.rep, { method: 'GET', url: `/api/v1/imports/${id}` })).json()
    assert.deepEqual([job.status, job.attempts, job.report.created, job.report.skippedDuplicate], ['done', 2, 1, 1])

    const bad = (await upload(org, '/api/v1/imports?filename=photo.bin', Buffer.from([0, 1, 2, 3, 255]), 'application/octet-stream')).json()
    await importWorkerIdle(env.db)
    const failed = (await call(env.app, org.rep, { method: 'GET', url: `/api/v1/imports/${bad.id}` })).json()
    assert.equal(failed.status, 'failed')
    assert.match(failed.error, /format/)
  })

  test('validation, roles and tenant isolation', async (t) => {
    const org = await makeOrg(env.db)
    assertProblem(await upload(org, '/api/v1/imports', 'a,b\n'), 400, ['filename'])
    assertProblem(await upload(org, '/api/v1/imports?filename=x.csv&columns=nonsense', 'a,b\n'), 400, ['columns'])
    assertProblem(await env.app.inject({ method: 'POST', url: '/api/v1/imports?filename=x.csv', payload: 'a,b\n', headers: { ...org.analyst.headers, 'content-type': 'text/csv' } }), 403)
    assertProblem(await call(env.app, org.analyst, { method: 'GET', url: '/api/v1/imports' }), 403)
    assertProblem(await call(env.app, undefined, { method: 'GET', url: '/api/v1/imports' }), 401)
    const job = (await upload(org, '/api/v1/imports?filename=x.csv', 'Name,Email\nBo,bo@x.example\n')).json()
    await importWorkerIdle(env.db)
    const other = await makeOrg(env.db)
    await expectTenantIsolation(env.app, other.rep, [{ method: 'GET', url: `/api/v1/imports/${job.id}` }], t)
    assert.deepEqual((await call(env.app, other.rep, { method: 'GET', url: '/api/v1/imports' })).json().items, [])
  })
})
