import { Agent, request } from 'node:http'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'

/** One measurement of one target. Latencies in ms. */
export type Figures = {
  rps: number
  p50: number
  p99: number
  requests: number
  bytesPerResponse: number
  errors: number
  non2xx: number
  /** Share of all CPUs idle just before the measurement (other work on the machine). */
  idleBefore: number
  load1: number
}

export type Target = { url: string; paths: string[]; headers: Record<string, string> }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function cpuTotals() {
  let idle = 0
  let total = 0
  for (const { times } of cpus()) {
    idle += times.idle
    total += times.user + times.nice + times.sys + times.idle + times.irq
  }
  return { idle, total }
}

/** The share of all CPUs left idle over the next second. */
async function idleShare(): Promise<number> {
  const before = cpuTotals()
  await sleep(1000)
  const after = cpuTotals()
  return (after.idle - before.idle) / Math.max(1, after.total - before.total)
}

/** Wait until at least `share` of the CPUs is idle, or `maxSeconds` have passed; returns the idle share seen last. */
export async function waitForQuiet(share: number, maxSeconds: number): Promise<number> {
  const started = Date.now()
  let idle = await idleShare()
  while (idle < share && Date.now() - started < maxSeconds * 1000) idle = await idleShare()
  if (idle < share) console.warn(`  (CPUs only ${Math.round(idle * 100)} % idle after waiting ${maxSeconds} s; measuring anyway)`)
  return Math.round(idle * 100) / 100
}

/**
 * Closed loop at saturation: `connections` clients, each sending its next request as soon as the
 * previous answer arrives, cycling through the paths (so search terms vary request by request).
 */
export async function saturate(target: Target, options: { connections: number; seconds: number; idleBefore?: number }): Promise<Figures> {
  const result = await autocannon({
    url: target.url,
    requests: target.paths.map((path) => ({ path })),
    headers: target.headers,
    connections: options.connections,
    duration: options.seconds,
  })
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    bytesPerResponse: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
    errors: result.errors,
    non2xx: result.non2xx,
    idleBefore: options.idleBefore ?? 0,
    load1: Math.round(loadavg()[0]! * 100) / 100,
  }
}

function get(url: string, headers: Record<string, string>, agent: Agent): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent, timeout: 30_000 }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0

/**
 * Open loop: requests leave at an even `rate` per second whatever the server does, and each
 * latency counts from when its request was due (so a server or client falling behind shows up
 * as latency, not as fewer samples). autocannon's own rate limit sends each connection's quota
 * at the start of every second, a burst rather than a rate, hence this.
 */
export async function offer(target: Target, options: { rate: number; seconds: number; connections: number; idleBefore?: number }): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections })
  const latencies: number[] = []
  let errors = 0
  let non2xx = 0
  let bytes = 0
  const total = Math.round(options.rate * options.seconds)
  const interval = 1000 / options.rate
  const started = performance.now()
  const inFlight: Promise<void>[] = []
  for (let n = 0; n < total; n++) {
    const due = started + n * interval
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    const path = target.paths[n % target.paths.length]!
    inFlight.push(
      get(target.url + path, target.headers, agent).then(
        (res) => {
          latencies.push(performance.now() - due)
          bytes += res.bytes
          if (res.status < 200 || res.status > 299) non2xx++
        },
        () => {
          errors++
        },
      ),
    )
  }
  await Promise.all(inFlight)
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  const sorted = latencies.sort((a, b) => a - b)
  return {
    rps: Math.round(latencies.length / elapsed),
    p50: Math.round(percentile(sorted, 50)),
    p99: Math.round(percentile(sorted, 99)),
    requests: latencies.length,
    bytesPerResponse: Math.round(bytes / Math.max(1, latencies.length)),
    errors,
    non2xx,
    idleBefore: options.idleBefore ?? 0,
    load1: Math.round(loadavg()[0]! * 100) / 100,
  }
}

/**
 * Wait until the server has finished what a run left queued: the load stops, but the server
 * still answers the requests it has accepted (on PGlite's one connection that can take
 * seconds). One more request, queued behind them, returns when they are done.
 */
export async function drain(target: Target): Promise<void> {
  const res = await fetch(target.url + target.paths[0]!, { headers: target.headers })
  await res.arrayBuffer()
}
