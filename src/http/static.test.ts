import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import Fastify from 'fastify'
import { registerWebApp } from './static.ts'

const dist = mkdtempSync(join(tmpdir(), 'tend-web-'))
mkdirSync(join(dist, 'assets'))
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Tend</title>')
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)')
writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
after(() => rmSync(dist, { recursive: true, force: true }))

async function appServing(root: string) {
  const app = Fastify()
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('application/problem+json').send({ status: 404 }))
  await registerWebApp(app, { root: `${root}/`, quiet: true })
  return app
}

test('serves index.html at / and for client-side routes, revalidated on every load', async () => {
  const app = await appServing(dist)
  for (const url of ['/', '/accounts/123', '/invite/some-token']) {
    const res = await app.inject({ url, headers: { accept: 'text/html' } })
    assert.equal(res.statusCode, 200, url)
    assert.match(res.body, /<title>Tend/)
    assert.equal(res.headers['cache-control'], 'no-cache')
  }
  await app.close()
})

test('serves hashed assets with a year-long immutable cache and top-level files as they are', async () => {
  const app = await appServing(dist)
  const asset = await app.inject({ url: '/assets/index-abc123.js' })
  assert.equal(asset.statusCode, 200)
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
  const icon = await app.inject({ url: '/favicon.svg' })
  assert.equal(icon.statusCode, 200)
  assert.equal(icon.headers['cache-control'], 'no-cache')
  await app.close()
})

test('leaves unknown API paths, missing assets and non-HTML requests to the 404 handler', async () => {
  const app = await appServing(dist)
  for (const [url, accept] of [['/api/v1/nope', 'text/html'], ['/assets/missing.js', '*/*'], ['/accounts', 'application/json']] as const) {
    const res = await app.inject({ url, headers: { accept } })
    assert.equal(res.statusCode, 404, url)
    assert.match(String(res.headers['content-type']), /problem\+json/)
  }
  await app.close()
})

test('explains how to build the web app when web/dist is missing', async () => {
  const app = await appServing(join(dist, 'nowhere'))
  const res = await app.inject({ url: '/', headers: { accept: 'text/html' } })
  assert.equal(res.statusCode, 503)
  assert.match(res.body, /npm run build:web/)
  await app.close()
})
