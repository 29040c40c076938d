import { Worker } from 'node:worker_threads'
import type { HistoryBytes } from './queries.ts'
import { parseHistory, scoreStakeholder, type RelationshipScoreValues, type StakeholderParams, type StakeholderScoreValues } from './scoring.ts'

// The full recompute's scoring of a page of histories (parse, then the trust model), in this
// thread or in a worker thread of its own. On PGlite the database runs in this thread: while it
// reads the next page or writes scores, JavaScript here waits, and a worker scores meanwhile.
// Both give the same numbers: the same functions (scoring.ts) on the same bytes.

export type Scored = { stakeholder: StakeholderScoreValues; relationships: RelationshipScoreValues[] }
/** A page of histories with the parameters of their stakeholders (histories of unknown stakeholders left out). */
export type Page = { stakeholders: StakeholderParams[]; histories: Uint8Array[] }
export type Scorer = { score: (page: Page) => Promise<Scored[]>; close: () => Promise<void> }

/** The page of `rows` whose stakeholders are known. */
export function pageOf(rows: readonly HistoryBytes[], stakeholders: ReadonlyMap<string, StakeholderParams>): Page {
  const page: Page = { stakeholders: [], histories: [] }
  for (const row of rows) {
    const s = stakeholders.get(row.stakeholder_id)
    if (!s) continue
    page.stakeholders.push(s)
    page.histories.push(row.history)
  }
  return page
}

export function scorePage(page: Page, now: Date): Scored[] {
  return page.stakeholders.map((s, i) => scoreStakeholder(s, parseHistory(s.id, page.histories[i]!), now))
}

/**
 * Scores in this thread, once the caller's pending work has gone out (the next turn of the event
 * loop): a query sent right after `score` runs in the database meanwhile.
 */
export function inlineScorer(now: Date): Scorer {
  return {
    score: (page) => new Promise<void>((resolve) => setImmediate(resolve)).then(() => scorePage(page, now)),
    close: async () => {},
  }
}

type Reply = { id: number; scored: Scored[] } | { id: number; error: string }
/** What goes to the worker: the histories in one transferred buffer, cut at `ends`. */
export type Request = { id: number; now: number; stakeholders: StakeholderParams[]; bytes: Uint8Array; ends: number[] }

/**
 * Scores in a worker thread, pages in the order given. The worker runs score-worker.ts through
 * tsx, as the rest of Tend (no build step); a worker does not inherit the loader, so it registers
 * it first.
 */
export function workerScorer(now: Date): Scorer {
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./score-worker.ts', import.meta.url).href)}) })`
  const worker = new Worker(boot, { eval: true })
  const waiting = new Map<number, { resolve: (scored: Scored[]) => void; reject: (err: Error) => void }>()
  let failure: Error | null = null
  const fail = (err: Error) => {
    failure ??= err
    for (const w of waiting.values()) w.reject(failure)
    waiting.clear()
  }
  worker.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id)
    waiting.delete(reply.id)
    if ('error' in reply) w?.reject(new Error(`trust scoring worker: ${reply.error}`))
    else w?.resolve(reply.scored)
  })
  worker.on('error', fail)
  worker.on('exit', (code) => fail(new Error(`trust scoring worker exited (code ${code})`)))
  let next = 0
  return {
    score: (page) => {
      if (failure) return Promise.reject(failure)
      const id = next++
      const ends: number[] = []
      let size = 0
      for (const h of page.histories) ends.push((size += h.byteLength))
      const bytes = new Uint8Array(size)
      page.histories.forEach((h, i) => bytes.set(h, i === 0 ? 0 : ends[i - 1]!))
      const request: Request = { id, now: now.getTime(), stakeholders: page.stakeholders, bytes, ends }
      const scored = new Promise<Scored[]>((resolve, reject) => waiting.set(id, { resolve, reject }))
      worker.postMessage(request, [bytes.buffer])
      return scored
    },
    close: async () => {
      worker.removeAllListeners('exit')
      await worker.terminate()
    },
  }
}
