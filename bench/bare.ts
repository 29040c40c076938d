import Fastify, { type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../src/db/connect.ts'

// The baseline: a bare Fastify instance running, by hand, the SQL that Tend's services send for
// the same request, on the same Kysely pool. bench/api.ts records both sides' statements
// before measuring and flags any difference, so a change to a service's SQL shows up. No
// auth hook, no validation, no response schema, no row mapping: what is left of Tend's time
// once its own code is taken away. The one query Tend runs that these do not is the API-token
// lookup of every authenticated request.

const STAKEHOLDER = sql.raw(`s.id, s.org_id, s.account_id, s.name, s.emails, s.phones, s.title, s.reports_to_id, s.influence, s.attitude,
  s.goals, s.pains, s.interests, s.personal_notes, s.has_consent, s.consent_at, s.search_text, s.created_at, s.updated_at, s.archived_at,
  a.name AS account_name`)
const FROM_STAKEHOLDERS = sql.raw('stakeholders AS s LEFT JOIN accounts AS a ON a.org_id = s.org_id AND a.id = s.account_id')

type Query = { q?: string; limit?: string }

export function buildBareApp(db: Db, orgId: string): FastifyInstance {
  const app = Fastify({ logger: false })

  // listStakeholderRows: sort by name, first page.
  app.get<{ Querystring: Query }>('/bare/stakeholders', async (req) => {
    const limit = Number(req.query.limit ?? 50)
    const { rows } = await sql`SELECT ${STAKEHOLDER} FROM ${FROM_STAKEHOLDERS}
      WHERE s.org_id = ${orgId} AND true AND s.archived_at IS NULL
      ORDER BY lower(s.name) ASC, s.id ASC LIMIT ${limit + 1}`.execute(db)
    return { items: rows.slice(0, limit) }
  })

  // listStakeholderRows with q: search_text or the company name.
  app.get<{ Querystring: Query }>('/bare/search', async (req) => {
    const limit = Number(req.query.limit ?? 50)
    const pattern = `%${(req.query.q ?? '').toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    const { rows } = await sql`SELECT ${STAKEHOLDER} FROM ${FROM_STAKEHOLDERS}
      WHERE s.org_id = ${orgId} AND true AND s.archived_at IS NULL
        AND s.id IN (SELECT id FROM stakeholders WHERE org_id = ${orgId} AND search_text LIKE ${pattern}
          UNION ALL SELECT x.id FROM stakeholders x JOIN accounts y ON y.org_id = x.org_id AND y.id = x.account_id WHERE y.org_id = ${orgId} AND lower(y.name) LIKE ${pattern})
      ORDER BY lower(s.name) ASC, s.id ASC LIMIT ${limit + 1}`.execute(db)
    return { items: rows.slice(0, limit) }
  })

  // getAccountOverview: the account, then its stakeholders, relationships and recent experiences
  // in parallel, then the organisation's users.
  app.get<{ Params: { accountId: string } }>('/bare/accounts/:accountId/overview', async (req, reply) => {
    const accountId = req.params.accountId
    const { rows: [account] } = await sql<{ owner_id: string | null }>`SELECT a.id, a.org_id, a.name, a.domains, a.tier, a.industry, a.owner_id, a.status, a.notes, a.created_at, a.updated_at, a.archived_at, sc.score, sc.state
      FROM accounts AS a LEFT JOIN account_scores AS sc ON sc.org_id = a.org_id AND sc.account_id = a.id
      WHERE a.org_id = ${orgId} AND a.id = ${accountId}`.execute(db)
    if (!account) return reply.code(404).send({ error: 'not found' })
    const [stakeholders, relationships, experiences] = await Promise.all([
      sql`SELECT ${STAKEHOLDER} FROM ${FROM_STAKEHOLDERS}
        WHERE s.org_id = ${orgId} AND true AND s.archived_at IS NULL AND s.account_id = ${accountId}
        ORDER BY s.influence DESC, s.id DESC LIMIT ${501}`.execute(db),
      sql<{ user_id: string }>`SELECT r.id, r.org_id, r.user_id, r.stakeholder_id, r.importance, r.cadence_days, r.target_strength, r.private_notes, r.created_at, r.updated_at, r.archived_at,
          u.name AS user_name, s.name AS stakeholder_name, s.account_id, a.name AS account_name,
          rs.score, rs.state, rs.last_meaningful_at, rs.computed_at AS score_computed_at
        FROM relationships AS r
          INNER JOIN users AS u ON u.org_id = r.org_id AND u.id = r.user_id
          INNER JOIN stakeholders AS s ON s.org_id = r.org_id AND s.id = r.stakeholder_id
          LEFT JOIN accounts AS a ON a.org_id = s.org_id AND a.id = s.account_id
          LEFT JOIN relationship_scores AS rs ON rs.org_id = r.org_id AND rs.relationship_id = r.id
        WHERE r.org_id = ${orgId} AND true AND r.archived_at IS NULL
          AND r.stakeholder_id IN (SELECT id FROM stakeholders WHERE org_id = ${orgId} AND account_id = ${accountId})
        ORDER BY r.created_at ASC, r.id ASC LIMIT ${1001}`.execute(db),
      sql`SELECT e.id, e.org_id, e.occurred_at, e.kind, e.valence, e.direction, e.initiator, e.depth, e.title, e.notes,
          e.source, e.external_id, e.account_id, e.created_by, e.created_at, e.updated_at, e.archived_at,
          coalesce((SELECT array_agg(es.stakeholder_id ORDER BY es.stakeholder_id) FROM experience_stakeholders es WHERE es.org_id = e.org_id AND es.experience_id = e.id), '{}') AS stakeholder_ids,
          coalesce((SELECT array_agg(eu.user_id ORDER BY eu.user_id) FROM experience_users eu WHERE eu.org_id = e.org_id AND eu.experience_id = e.id), '{}') AS user_ids
        FROM experiences AS e
        WHERE e.org_id = ${orgId} AND true AND e.archived_at IS NULL AND e.account_id = ${accountId}
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${26}`.execute(db),
    ])
    const { rows: users } = await sql<{ id: string }>`SELECT id, org_id, email, name, role, manager_id, created_at, updated_at, archived_at
      FROM users WHERE org_id = ${orgId} AND archived_at IS NULL ORDER BY name, id`.execute(db)
    const peopleIds = new Set([account.owner_id, ...relationships.rows.map((r) => r.user_id)])
    return {
      account,
      stakeholders: stakeholders.rows.slice(0, 500),
      relationships: relationships.rows.slice(0, 1000),
      recentExperiences: experiences.rows.slice(0, 25),
      people: users.filter((u) => peopleIds.has(u.id)),
    }
  })

  return app
}
