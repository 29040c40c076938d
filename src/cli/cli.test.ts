import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { connect } from '../db/connect.ts'
import { authenticateToken } from '../domain/auth/service.ts'

// The CLI runs as a user would run it: `node bin/tend.js …` in a child process, on an embedded
// database in a temporary folder (always PGlite, whatever TEST_DB says: the commands are the same).
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const dirs: string[] = []
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function makeDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tend-cli-test-'))
  dirs.push(dir)
  return dir
}

type Run = { code: number | null; stdout: string; stderr: string }

function runTend(dataDir: string, args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TEND_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }
  delete env.DATABASE_URL
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tend.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

async function runOk(dataDir: string, args: string[]): Promise<Run> {
  const run = await runTend(dataDir, args)
  assert.equal(run.code, 0, `tend ${args.join(' ')} exited ${run.code}\n${run.stderr}`)
  return run
}

describe('tend command line', () => {
  test('--help lists the commands', async () => {
    const { stdout } = await runOk(makeDataDir(), ['--help'])
    for (const command of ['serve', 'migrate', 'demo', 'org', 'user', 'token', 'export']) assert.match(stdout, new RegExp(`^  ${command}\\b`, 'm'), `help lists ${command}`)
  })

  test('demo, org create, user create, token create and export work end to end', async (t) => {
    const dataDir = makeDataDir()
    const demo = await runOk(dataDir, ['demo'])
    t.diagnostic(demo.stdout.split('\n')[0]!)
    assert.match(demo.stdout, /Sign in as demo@tend\.example \/ tend-demo-password/)
    assert.match(demo.stdout, /55 accounts, 500 stakeholders/)

    const org = await runOk(dataDir, ['org', 'create', '--name', 'Acme Advisory', '--slug', 'acme'])
    assert.match(org.stdout, /Created organisation Acme Advisory \(slug acme/)
    assert.equal((await runTend(dataDir, ['org', 'create', '--name', 'Again', '--slug', 'acme'])).code, 1)

    const created = await runOk(dataDir, ['user', 'create', '--org', 'demo', '--email', 'new.rep@demo.tend.example', '--name', 'New Rep', '--role', 'rep', '--manager', 'daniel.okafor@demo.tend.example'])
    const password = /^Password: (\S+)$/m.exec(created.stdout)?.[1]
    assert.ok(password && password.length >= 20, 'a strong password is generated and printed')
    const duplicate = await runTend(dataDir, ['user', 'create', '--org', 'demo', '--email', 'NEW.REP@demo.tend.example', '--name', 'Twice', '--role', 'rep'])
    assert.equal(duplicate.code, 1)
    assert.match(duplicate.stderr, /^tend: A user with the email NEW\.REP@demo\.tend\.example already exists/m)

    const listed = await runOk(dataDir, ['user', 'list', '--org', 'demo'])
    assert.match(listed.stdout, /new\.rep@demo\.tend\.example\s+rep\s+New Rep\s+daniel\.okafor@demo\.tend\.example/)

    const token = (await runOk(dataDir, ['token', 'create', '--email', 'new.rep@demo.tend.example', '--name', 'ci'])).stdout.trim()
    assert.match(token, /^tend_[A-Za-z0-9_-]{40,}$/, 'only the token is printed on stdout')

    const file = join(dataDir, 'demo.jsonl')
    const exported = await runOk(dataDir, ['export', '--org', 'demo', '--out', file])
    assert.match(exported.stderr, /Exported [\d,]+ records of demo to /)
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    const records = lines.map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> })
    const ofType = (type: string) => records.filter((r) => r.type === type).map((r) => r.data)
    assert.equal(ofType('organisation')[0]!.slug, 'demo')
    assert.equal(ofType('user').length, 17)
    assert.ok(ofType('user').some((u) => u.email === 'new.rep@demo.tend.example'))
    assert.equal(ofType('account').length, 55)
    assert.equal(ofType('stakeholder').length, 500)
    assert.ok(ofType('relationship').length > 300)
    const experiences = ofType('experience')
    assert.ok(experiences.length > 20_000)
    assert.ok(experiences.every((e) => Array.isArray(e.stakeholderIds) && (e.stakeholderIds as unknown[]).length > 0 && (e.userIds as unknown[]).length > 0))
    assert.deepEqual(ofType('audit').map((a) => a.action).sort(), ['api_token.created', 'organisation.created', 'user.created'])
    assert.ok(!lines.some((line) => /argon2|password_?hash|token_?hash/i.test(line)), 'no secret is exported')

    const handle = await connect({ dataDir })
    try {
      const actor = await authenticateToken(handle.db, token)
      const user = ofType('user').find((u) => u.email === 'new.rep@demo.tend.example')!
      assert.equal(actor?.userId, user.id)
      assert.equal(actor?.role, 'rep')
    } finally {
      await handle.close()
    }
  })

  test('a data folder in use by another process is refused with exit code 2', async () => {
    const dataDir = makeDataDir()
    // The lock file names a live process (this test), as a running server's would.
    writeFileSync(join(dataDir, 'tend.lock'), String(process.pid))
    const run = await runTend(dataDir, ['user', 'list', '--org', 'demo'])
    assert.equal(run.code, 2)
    assert.match(run.stderr, new RegExp(`^tend: The embedded database in .* is in use by another Tend process \\(pid ${process.pid}\\)`, 'm'))
    assert.equal(run.stdout, '')
  })
})
