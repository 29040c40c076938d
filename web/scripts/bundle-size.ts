// Measure what the browser downloads on a first visit: the entry chunk, the chunks it imports
// statically, and the lazy chunks of the first page (the shell + Today when signed in, the login
// page when not). Prints gzip sizes and fails when first-load JS passes the budget.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 300
const dist = join(import.meta.dirname, '..', 'dist')
type Chunk = { file: string; imports?: string[]; css?: string[]; isEntry?: boolean }
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, Chunk>

function closure(keys: string[]): Set<string> {
  const seen = new Set<string>()
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return
    seen.add(key)
    for (const dep of manifest[key].imports ?? []) visit(dep)
  }
  keys.forEach(visit)
  return seen
}

const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

function measure(name: string, pages: string[]) {
  const keys = closure(['index.html', ...pages])
  let js = 0
  let css = 0
  const cssFiles = new Set<string>()
  for (const key of keys) {
    js += gz(manifest[key]!.file)
    for (const c of manifest[key]!.css ?? []) cssFiles.add(c)
  }
  for (const c of cssFiles) css += gz(c)
  console.log(`${name.padEnd(28)} JS ${kb(js).padStart(9)} gzip in ${keys.size} chunks; CSS ${kb(css)} gzip`)
  return js
}

const firstLoads = [
  measure('first load, signed in (/)', ['src/components/layout/app-layout.tsx', 'src/features/today/today-page.tsx']),
  measure('first load, signed out', ['src/features/auth/login-page.tsx']),
  measure('stakeholder page (direct)', ['src/components/layout/app-layout.tsx', 'src/features/stakeholders/stakeholder-page.tsx']),
  measure('accounts list (direct)', ['src/components/layout/app-layout.tsx', 'src/features/accounts/account-list-page.tsx']),
]
const total = Object.values(manifest).reduce((sum, c) => (c.file.endsWith('.js') ? sum + gz(c.file) : sum), 0)
console.log(`all JS (every route)         ${kb(total)} gzip`)
const worst = Math.max(...firstLoads)
console.log(`budget: first load under ${BUDGET_KB} KB gzip: ${worst <= BUDGET_KB * 1024 ? 'OK' : 'OVER'} (${kb(worst)})`)
if (worst > BUDGET_KB * 1024) process.exitCode = 1
