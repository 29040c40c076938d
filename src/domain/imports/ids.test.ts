import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { idMapping, rewriteUuids, uuidv5 } from './ids.ts'

describe('export ids', () => {
  test('uuidv5 matches the RFC 4122 / Python uuid.uuid5 vectors', () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com') and uuid.uuid5(uuid.NAMESPACE_URL, 'https://example.com/')
    assert.equal(uuidv5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2')
    assert.equal(uuidv5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '886313e1-3b8a-5372-9b90-0c9aee199e5d')
  })

  test('ids are rewritten per target organisation, deterministically, and kept into the exported one', () => {
    const old = '3f2b8c1e-5d4a-4b6f-9e7d-1a2b3c4d5e6f'
    const [a, b] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222']
    const intoA = idMapping(b, a)
    assert.equal(intoA.rewrites, true)
    assert.equal(intoA.record(old), idMapping(b, a).record(old))
    assert.equal(intoA.record(old), intoA.record(old.toUpperCase()))
    assert.notEqual(intoA.record(old), old)
    assert.notEqual(intoA.record(old), idMapping(b, b.replace('2222-4', '3333-4')).record(old))
    assert.match(intoA.record(old), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.equal(idMapping(a, a).record(old), old)
    assert.equal(idMapping(a, a).rewrites, false)
  })

  test('rewriteUuids maps UUID values and keys anywhere in JSON, nothing else', () => {
    const id = '3f2b8c1e-5d4a-4b6f-9e7d-1a2b3c4d5e6f'
    const map = (s: string) => `new:${s}`
    assert.deepEqual(rewriteUuids({ a: id, b: [id, 'x', 3, null], [id]: { c: 'not ' + id }, zero: '00000000-0000-0000-0000-000000000000' }, map), {
      a: `new:${id}`, b: [`new:${id}`, 'x', 3, null], [`new:${id}`]: { c: 'not ' + id }, zero: '00000000-0000-0000-0000-000000000000',
    })
  })
})
