// Amounts per currency. Money in different currencies is never added together: a total in one
// currency exists only when the organisation stated a rate for every currency involved.

/** Amounts keyed by ISO 4217 code, e.g. { USD: 1200.5, EUR: 80 }. */
export type MoneyByCurrency = Record<string, number>

/** A stated rate table: how many units of `base` one unit of each currency is worth. */
export type RateTable = { base: string; rates: Record<string, number>; statedAt?: string | undefined }

const toCents = (x: number) => Math.round(x * 100)

/** Add `amount` in `currency` to a per-currency total (kept in whole cents to avoid drift). */
export function addMoney(total: MoneyByCurrency, currency: string, amount: number): MoneyByCurrency {
  total[currency] = (toCents(total[currency] ?? 0) + toCents(amount)) / 100
  return total
}

export function sumMoney(parts: readonly MoneyByCurrency[]): MoneyByCurrency {
  const total: MoneyByCurrency = {}
  for (const part of parts) for (const [c, a] of Object.entries(part)) addMoney(total, c, a)
  return total
}

export type Converted = { currency: string; amount: number } | { currency: string; amount: null; missingRates: string[] }

/**
 * One total in the base currency when every currency present has a stated rate; otherwise
 * amount is null and missingRates lists what is missing (the caller shows the amounts apart).
 */
export function convertMoney(money: MoneyByCurrency, table: RateTable | null | undefined, base = table?.base ?? 'USD'): Converted {
  // Plain loops, no closures: this runs once per account and money column on the outcome screens.
  let missing: string[] | null = null
  let cents = 0
  for (const c of Object.keys(money)) {
    const amount = money[c]!
    if (amount === 0) continue
    const rate = c === base ? 1 : table && table.base === base ? table.rates[c] : undefined
    if (rate === undefined || !(rate > 0)) (missing ??= []).push(c)
    else cents += Math.round(amount * rate * 100)
  }
  return missing ? { currency: base, amount: null, missingRates: missing } : { currency: base, amount: cents / 100 }
}
