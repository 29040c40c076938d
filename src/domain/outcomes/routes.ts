import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireAdmin, requireAggregates, requireRecords } from '../../http/guard.ts'
import { moneyCell, toCsv } from '../../lib/csv.ts'
import { sendCsv } from '../kpis/routes.ts'
import { importOutcomes } from './import.ts'
import { CreateOpportunityBodySchema, CreateRevenueBodySchema, ImportBodySchema, ImportReportSchema, OpportunitySchema, OutcomeSettingsSchema, OutcomesReportSchema, PeriodQuerySchema, RevenueSchema, type AccountOutcome } from './schema.ts'
import { createOpportunity, createRevenue, getOutcomeSettings, getOutcomesReport, setOutcomeSettings } from './service.ts'

const tags = ['outcomes']
const conv = (c: AccountOutcome['revenueConverted']) => (c.amount === null ? `no rate for ${c.missingRates?.join(', ')}` : `${c.currency} ${c.amount}`)

export const outcomeRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/outcomes', {
    preHandler: requireAggregates,
    schema: { operationId: 'getOutcomes', tags, summary: 'Business outcomes per account over a period: revenue, leads, opportunities, RFPs, lifetime value and its stated projection', description: 'With format=csv the accounts come back as text/csv.', querystring: PeriodQuerySchema, response: { 200: OutcomesReportSchema } },
  }, async (req, reply) => {
    const report = await getOutcomesReport(db, actorOf(req), req.query)
    if (req.query.format !== 'csv') return report
    return sendCsv(reply, `outcomes-${report.from}-${report.to}`, toCsv([...report.accounts, report.total], [
      { header: 'account_id', value: (r) => r.accountId }, { header: 'account', value: (r) => r.name }, { header: 'tier', value: (r) => r.tier },
      { header: 'revenue', value: (r) => moneyCell(r.revenue) }, { header: 'revenue_converted', value: (r) => conv(r.revenueConverted) },
      { header: 'lifetime_value', value: (r) => moneyCell(r.lifetimeValue) }, { header: 'projected_lifetime_value', value: (r) => moneyCell(r.projectedLifetimeValue) },
      { header: 'new_leads', value: (r) => r.newLeads.count }, { header: 'new_opportunities', value: (r) => r.newOpportunities.count }, { header: 'new_opportunity_value', value: (r) => moneyCell(r.newOpportunities.value) },
      { header: 'won', value: (r) => r.won.count }, { header: 'won_value', value: (r) => moneyCell(r.won.value) }, { header: 'lost', value: (r) => r.lost.count },
      { header: 'open_pipeline', value: (r) => r.openPipeline.count }, { header: 'open_pipeline_value', value: (r) => moneyCell(r.openPipeline.value) },
      { header: 'rfps_retained', value: (r) => r.rfps.retained }, { header: 'rfps_won', value: (r) => r.rfps.won }, { header: 'rfps_lost', value: (r) => r.rfps.lost }, { header: 'rfps_open', value: (r) => r.rfps.open },
    ]))
  })

  app.get('/api/v1/outcomes/settings', {
    preHandler: requireAggregates,
    schema: { operationId: 'getOutcomeSettings', tags, summary: 'The stated currency rate table and lifetime-value projection horizon', response: { 200: OutcomeSettingsSchema } },
  }, async (req) => getOutcomeSettings(db, actorOf(req).orgId))

  app.put('/api/v1/outcomes/settings', {
    preHandler: requireAdmin,
    schema: { operationId: 'setOutcomeSettings', tags, body: OutcomeSettingsSchema, response: { 200: OutcomeSettingsSchema } },
  }, async (req) => setOutcomeSettings(db, actorOf(req), req.body))

  app.post('/api/v1/outcomes/import', {
    preHandler: requireAdmin,
    schema: { operationId: 'importOutcomes', tags, summary: 'Import revenue and opportunities from CSV (maven-pipeline or saas-sales); idempotent, reports per row', body: ImportBodySchema, response: { 200: ImportReportSchema } },
  }, async (req) => importOutcomes(db, actorOf(req), { format: req.body.format, csv: req.body.csv, currency: req.body.currency ?? 'USD' }))

  app.post('/api/v1/outcomes/opportunities', {
    preHandler: requireRecords,
    schema: { operationId: 'createOpportunity', tags, summary: 'Record a lead, opportunity or RFP', body: CreateOpportunityBodySchema, response: { 201: OpportunitySchema } },
  }, async (req, reply) => reply.code(201).send(await createOpportunity(db, actorOf(req), req.body)))

  app.post('/api/v1/outcomes/revenue', {
    preHandler: requireRecords,
    schema: { operationId: 'createRevenue', tags, summary: 'Record revenue booked for an account', body: CreateRevenueBodySchema, response: { 201: RevenueSchema } },
  }, async (req, reply) => reply.code(201).send(await createRevenue(db, actorOf(req), req.body)))
}
