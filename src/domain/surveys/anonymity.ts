// Secondary suppression for ESAT (pure). Hiding every group under MIN_ESAT_GROUP answers is not
// enough when figures can be subtracted: with an overall n of 6 and one team of 5 shown, the sixth
// person's answer is the difference. These rules hide further groups until no small remainder can
// be worked out from what is shown.

/**
 * Groups that split the answers (periods, accounts, surveys): hide those under `min`; then, while
 * the hidden groups hold between 1 and min−1 answers in total, also hide the smallest shown group.
 */
export function suppressPartition(sizes: readonly number[], min: number): boolean[] {
  const hidden = sizes.map((n) => n > 0 && n < min)
  const hiddenTotal = () => sizes.reduce((sum, n, i) => sum + (hidden[i] ? n : 0), 0)
  while (hiddenTotal() > 0 && hiddenTotal() < min) {
    let next = -1
    sizes.forEach((n, i) => { if (!hidden[i] && n > 0 && (next < 0 || n < sizes[next]!)) next = i })
    if (next < 0) break
    hidden[next] = true
  }
  return hidden
}

/**
 * Nested groups (teams inside teams, all inside the whole): hide those under `min`, and any group
 * whose difference to a larger group that contains it (or to the whole) is between 1 and min−1.
 */
export function suppressNested(groups: readonly ReadonlySet<string>[], total: number, min: number): boolean[] {
  const contains = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size >= b.size && [...b].every((x) => a.has(x))
  return groups.map((g) => {
    if (g.size > 0 && g.size < min) return true
    if (total - g.size > 0 && total - g.size < min) return true
    return groups.some((other) => other !== g && other.size > g.size && other.size - g.size < min && contains(other, g))
  })
}
