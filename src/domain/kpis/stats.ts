// Small, exact statistics for the ROI view: Pearson and Spearman correlation with a Fisher-z
// confidence interval. Pure functions; inputs are paired samples.

/** Pearson's r, or null when n < 3 or either variable is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length
  if (n !== ys.length) throw new Error('pearson: samples differ in length')
  if (n < 3) return null
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx
    const dy = ys[i]! - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  if (sxx === 0 || syy === 0) return null
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)))
}

/** Ranks 1..n, ties sharing their mean rank. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0])
  const out = new Array<number>(xs.length)
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++
    const mean = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) out[order[k]![1]] = mean
    i = j + 1
  }
  return out
}

/** Spearman's ρ: Pearson's r of the ranks (ties averaged). */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  return pearson(ranks(xs), ranks(ys))
}

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054

/**
 * 95 % confidence interval of a correlation by Fisher's z: tanh(atanh(r) ± 1.96·se), with
 * se = 1/√(n−3) for Pearson and √(1.06/(n−3)) for Spearman (Fieller, Hartley & Pearson 1957).
 * Null when n < 4 (the interval is undefined).
 */
export function fisherInterval(r: number, n: number, kind: 'pearson' | 'spearman' = 'pearson'): [number, number] | null {
  if (n < 4 || !Number.isFinite(r)) return null
  const clamped = Math.max(-0.999999, Math.min(0.999999, r))
  const z = Math.atanh(clamped)
  const se = kind === 'pearson' ? 1 / Math.sqrt(n - 3) : Math.sqrt(1.06 / (n - 3))
  return [Math.tanh(z - Z_95 * se), Math.tanh(z + Z_95 * se)]
}

export type Correlation = { method: 'pearson' | 'spearman'; r: number | null; n: number; ci95: [number, number] | null }

export function correlate(xs: readonly number[], ys: readonly number[], method: 'pearson' | 'spearman'): Correlation {
  const r = method === 'pearson' ? pearson(xs, ys) : spearman(xs, ys)
  const round = (x: number) => Math.round(x * 1000) / 1000
  const ci = r === null ? null : fisherInterval(r, xs.length, method)
  return { method, r: r === null ? null : round(r), n: xs.length, ci95: ci ? [round(ci[0]), round(ci[1])] : null }
}
