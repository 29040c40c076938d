import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAdmin, requireAggregates } from '../../http/guard.ts'
import { moneyCell, toCsv, type CsvColumn } from '../../lib/csv.ts'
import { BreakdownQuerySchema, BreakdownSchema, RebuildBodySchema, RebuildResultSchema, RoiQuerySchema, RoiSchema, SeriesQuerySchema, SeriesSchema, type KpiPoint } from './schema.ts'
import { getBreakdown, getRoi, getSeries, rebuild } from './service.ts'

const tags = ['kpis']
const oneDecimal = (n: number | null | undefined) => (n === null || n === undefined ? '' : Math.round(n * 10) / 10)

export const KPI_CSV: CsvColumn<KpiPoint & { label?: string }>[] = [
  { header: 'week_start', value: (r) => r.weekStart },
  { header: 'scope_type', value: (r) => r.scopeType },
  { header: 'scope_id', value: (r) => r.scopeId },
  { header: 'label', value: (r) => r.label },
  { header: 'people', value: (r) => r.people },
  { header: 'relationships', value: (r) => r.relationships },
  { header: 'key_relationships', value: (r) => r.keyRelationships },
  { header: 'key_covered', value: (r) => r.keyCovered },
  { header: 'coverage', value: (r) => r.coverage },
  { header: 'trust_avg', value: (r) => r.trustAvg },
  { header: 'trust_0_20', value: (r) => r.trustBands[0] },
  { header: 'trust_20_40', value: (r) => r.trustBands[1] },
  { header: 'trust_40_60', value: (r) => r.trustBands[2] },
  { header: 'trust_60_80', value: (r) => r.trustBands[3] },
  { header: 'trust_80_100', value: (r) => r.trustBands[4] },
  { header: 'cold', value: (r) => r.coldCount },
  { header: 'experiences', value: (r) => r.experiences },
  { header: 'gave', value: (r) => r.gave },
  { header: 'asked', value: (r) => r.asked },
  { header: 'escalations', value: (r) => r.escalations },
  { header: 'referrals', value: (r) => r.referrals },
  { header: 'nps', value: (r) => oneDecimal(r.nps?.score) },
  { header: 'nps_answers', value: (r) => r.nps?.n ?? '' },
  { header: 'csat', value: (r) => oneDecimal(r.csat?.score) },
  { header: 'csat_answers', value: (r) => r.csat?.n ?? '' },
  { header: 'esat', value: (r) => oneDecimal(r.esat?.score) },
  { header: 'esat_answers', value: (r) => r.esat?.n ?? '' },
  { header: 'revenue', value: (r) => moneyCell(r.revenue) },
  { header: 'revenue_converted', value: (r) => (r.revenueConverted.amount === null ? '' : `${r.revenueConverted.currency} ${r.revenueConverted.amount}`) },
  { header: 'new_opportunities', value: (r) => r.newOpportunities },
  { header: 'new_opportunity_value', value: (r) => moneyCell(r.newOpportunityValue) },
]

export function sendCsv(reply: FastifyReply, name: string, csv: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(csv)
}
const csvNote = 'With format=csv the same rows come back as text/csv.'

export const kpiRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/kpis/series', {
    preHandler: requireAggregates,
    schema: { operationId: 'getKpiSeries', tags, summary: 'Weekly KPIs of one scope (organisation, team, user, tier or account)', description: csvNote, querystring: SeriesQuerySchema, response: { 200: SeriesSchema } },
  }, async (req, reply) => {
    const series = await getSeries(db, actorOf(req), req.query)
    return req.query.format === 'csv' ? sendCsv(reply, `kpis-${series.scopeType}`, toCsv(series.points.map((p) => ({ ...p, label: series.label })), KPI_CSV)) : series
  })

  app.get('/api/v1/kpis/breakdown', {
    preHandler: requireAggregates,
    schema: { operationId: 'getKpiBreakdown', tags, summary: 'One week of KPIs for every team, user, tier or account you may see', description: csvNote, querystring: BreakdownQuerySchema, response: { 200: BreakdownSchema } },
  }, async (req, reply) => {
    // The CSV export is the whole table; the JSON view is a page of it.
    const result = await getBreakdown(db, actorOf(req), req.query.format === 'csv' ? { ...req.query, limit: req.query.limit ?? 20000 } : req.query)
    return req.query.format === 'csv' ? sendCsv(reply, `kpis-by-${result.by}-${result.weekStart ?? 'none'}`, toCsv(result.items, KPI_CSV)) : result
  })

  app.post('/api/v1/kpis/snapshots/rebuild', {
    preHandler: requireAdmin,
    schema: { operationId: 'rebuildKpiSnapshots', tags, summary: 'Recompute the weekly snapshots from history (same as `tend kpis snapshot`)', body: RebuildBodySchema, response: { 200: RebuildResultSchema } },
  }, async (req) => rebuild(db, actorOf(req), req.body.since))

  app.get('/api/v1/kpis/roi', {
    preHandler: requireAggregates,
    schema: { operationId: 'getRoi', tags, summary: 'Trust and business on your own data: growth and retention by trust band, correlation with n and 95 % interval, and what it cannot prove', description: csvNote, querystring: RoiQuerySchema, response: { 200: RoiSchema } },
  }, async (req, reply) => {
    const roi = await getRoi(db, actorOf(req), req.query)
    if (req.query.format !== 'csv') return roi
    return sendCsv(reply, `roi-${roi.periodStart}`, toCsv(roi.accounts, [
      { header: 'account_id', value: (r) => r.accountId }, { header: 'account', value: (r) => r.name }, { header: 'trust', value: (r) => r.trust }, { header: 'band', value: (r) => r.band },
      { header: `revenue_before_${roi.currency}`, value: (r) => r.revenueBefore }, { header: `revenue_after_${roi.currency}`, value: (r) => r.revenueAfter }, { header: 'growth', value: (r) => r.growth }, { header: 'retained', value: (r) => r.retained },
    ]))
  })
}
