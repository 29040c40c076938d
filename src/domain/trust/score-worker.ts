import { parentPort } from 'node:worker_threads'
import { scorePage, type Request } from './scorer.ts'

// The worker thread of scorer.ts workerScorer: scores each page it is sent, in order.
parentPort!.on('message', ({ id, now, stakeholders, bytes, ends }: Request) => {
  try {
    const histories = ends.map((end, i) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end))
    parentPort!.postMessage({ id, scored: scorePage({ stakeholders, histories }, new Date(now)) })
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.stack ?? err.message : String(err) })
  }
})
