// ROI: how trust and business move together on the organisation's own data. Pure.
import { convertMoney, type MoneyByCurrency, type RateTable } from './money.ts'
import { correlate, type Correlation } from './stats.ts'

export const ROI_BANDS = [
  { band: 'low', min: 0, max: 40 },
  { band: 'medium', min: 40, max: 70 },
  { band: 'high', min: 70, max: 100.0001 },
] as const
export type RoiBandName = (typeof ROI_BANDS)[number]['band']

export type RoiAccountInput = { accountId: string; name: string; trust: number | null; revenueBefore: MoneyByCurrency; revenueAfter: MoneyByCurrency }
export type RoiAccount = { accountId: string; name: string; trust: number; band: RoiBandName; revenueBefore: number; revenueAfter: number; growth: number | null; retained: boolean | null }
export type RoiBand = { band: RoiBandName; accounts: number; revenueBefore: number; revenueAfter: number; growth: number | null; retention: number | null; retainedOf: number }
export type RoiResult = {
  currency: string
  accounts: RoiAccount[]
  bands: RoiBand[]
  correlations: Correlation[]
  excluded: { noTrust: number; noRate: number; noRevenueBefore: number }
  interpretation: string[]
}

export const ROI_CAVEATS = [
  'This is a correlation on your own accounts, not proof that trust causes revenue: larger or happier customers may simply get more attention, and other factors (price, product, market) are not controlled for.',
  'Trust is taken at the start of the period and revenue is compared with the period before, so trust precedes the growth it is compared with; that makes reverse causation less likely but does not rule it out.',
  'With few accounts the interval is wide; an interval that includes 0 means the data cannot tell a relation from none.',
  'Accounts without trust history, without revenue in the earlier period (growth undefined) or with revenue in a currency that has no stated rate are left out and counted.',
]

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d

function bandOf(trust: number): RoiBandName {
  return ROI_BANDS.find((b) => trust >= b.min && trust < b.max)!.band
}

/** Revenue growth and retention by trust band, and the correlation of trust with growth. */
export function computeRoi(inputs: readonly RoiAccountInput[], rates: RateTable | null, currency: string): RoiResult {
  const excluded = { noTrust: 0, noRate: 0, noRevenueBefore: 0 }
  const accounts: RoiAccount[] = []
  for (const a of inputs) {
    if (a.trust === null) { excluded.noTrust++; continue }
    const before = convertMoney(a.revenueBefore, rates, currency)
    const after = convertMoney(a.revenueAfter, rates, currency)
    if (before.amount === null || after.amount === null) { excluded.noRate++; continue }
    const growth = before.amount > 0 ? round((after.amount - before.amount) / before.amount, 4) : null
    accounts.push({ accountId: a.accountId, name: a.name, trust: a.trust, band: bandOf(a.trust), revenueBefore: before.amount, revenueAfter: after.amount, growth, retained: before.amount > 0 ? after.amount > 0 : null })
  }
  const bands = ROI_BANDS.map(({ band }): RoiBand => {
    const inBand = accounts.filter((a) => a.band === band)
    const revenueBefore = round(inBand.reduce((s, a) => s + a.revenueBefore, 0))
    const revenueAfter = round(inBand.reduce((s, a) => s + a.revenueAfter, 0))
    const base = inBand.filter((a) => a.retained !== null)
    return {
      band,
      accounts: inBand.length,
      revenueBefore,
      revenueAfter,
      growth: revenueBefore > 0 ? round((revenueAfter - revenueBefore) / revenueBefore, 4) : null,
      retention: base.length ? round(base.filter((a) => a.retained).length / base.length, 4) : null,
      retainedOf: base.length,
    }
  })
  const paired = accounts.filter((a) => a.growth !== null)
  excluded.noRevenueBefore = accounts.length - paired.length
  const xs = paired.map((a) => a.trust)
  const ys = paired.map((a) => a.growth!)
  const correlations = [correlate(xs, ys, 'pearson'), correlate(xs, ys, 'spearman')]
  return { currency, accounts, bands, correlations, excluded, interpretation: interpret(correlations[1]!) }
}

/** Plain words for the Spearman result, then the standing caveats. */
export function interpret(c: Correlation): string[] {
  let headline: string
  if (c.r === null) headline = `Not enough data: ${c.n} account${c.n === 1 ? '' : 's'} with trust and revenue in both periods (at least 4 are needed, and far more for a useful answer).`
  else {
    const strength = Math.abs(c.r) < 0.1 ? 'no' : Math.abs(c.r) < 0.3 ? 'a weak' : Math.abs(c.r) < 0.5 ? 'a moderate' : 'a strong'
    const direction = c.r > 0 ? 'higher trust went with higher revenue growth' : 'higher trust went with lower revenue growth'
    const ci = c.ci95 ? ` (95 % interval ${c.ci95[0]} to ${c.ci95[1]})` : ''
    const sure = c.ci95 && (c.ci95[0] > 0 || c.ci95[1] < 0) ? 'The interval excludes 0.' : 'The interval includes 0: this could be chance.'
    headline = strength === 'no'
      ? `No relation found between trust and revenue growth: ρ = ${c.r} over ${c.n} accounts${ci}. ${sure}`
      : `There is ${strength} relation: ${direction}, ρ = ${c.r} over ${c.n} accounts${ci}. ${sure}`
  }
  return [headline, ...ROI_CAVEATS]
}
