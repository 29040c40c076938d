import { Type, type Static } from 'typebox'
import type { Db } from '../../db/connect.ts'
import { notFound } from '../../lib/errors.ts'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import type { Actor } from '../auth/roles.ts'
import { listSubtreeIds } from '../users/queries.ts'
import { suppressNested, suppressPartition } from './anonymity.ts'
import { computeEsat, computeNps, MIN_ESAT_GROUP, computeSatisfaction, npsCategory, periodStart, satisfactionCategory, type Period } from './stats.ts'
import { SURVEY_KINDS, type Question, type SurveyKind } from './schema.ts'

// Results of NPS, CSAT and ESAT by survey, account, owner, team and period. Scores are read once
// and grouped here with the pure functions of stats.ts (answers number in the thousands, not millions).

const IntervalSchema = Type.Object({ low: Type.Number(), high: Type.Number(), level: Type.Number(), method: Type.String() })
export const StatsSchema = Type.Object({
  n: Nullable(Type.Integer({ description: 'null when hidden (ESAT below 5 answers)' })),
  score: Nullable(Type.Number({ description: 'NPS (−100…100) or % satisfied (0…100)' })),
  mean: Nullable(Type.Number()),
  ci: Nullable(IntervalSchema),
  basis: Type.String({ description: 'none, single_answer, sample or suppressed' }),
  counts: Nullable(Type.Record(Type.String(), Type.Integer(), { description: 'promoters/passives/detractors or satisfied/neutral/dissatisfied' })),
})
export type Stats = Static<typeof StatsSchema>

const GroupSchema = Type.Object({ key: Type.String(), label: Type.String(), stats: StatsSchema })
export const ResultsSchema = Type.Object({
  kind: StringEnum(SURVEY_KINDS),
  overall: StatsSchema,
  trend: Type.Array(Type.Object({ period: Type.String({ description: 'First day of the period (YYYY-MM-DD)' }), stats: StatsSchema })),
  groups: Type.Array(GroupSchema),
})
export type Results = Static<typeof ResultsSchema>

export const GROUP_BYS = ['survey', 'account', 'owner', 'team'] as const
export const PERIODS = ['week', 'month', 'quarter', 'year'] as const
export const ResultsQuerySchema = Type.Object({
  kind: StringEnum(['nps', 'csat', 'esat'] as const),
  groupBy: Type.Optional(StringEnum(GROUP_BYS)),
  period: Type.Optional(StringEnum(PERIODS, { default: 'month' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  surveyId: Type.Optional(Uuid),
  accountId: Type.Optional(Uuid),
  ownerId: Type.Optional(Uuid),
  tier: Type.Optional(Type.String({ maxLength: 40, description: "Only answers about accounts of this tier (the account's current tier)" })),
  teamOf: Type.Optional(Type.Union([Uuid, Type.Literal('me')], { description: 'Only this manager\'s reporting subtree' })),
}, { additionalProperties: false })
export type ResultsQuery = Static<typeof ResultsQuerySchema>

/** Stats of one group of scores, in the one shape the API uses for every kind. */
export function statsOf(kind: SurveyKind, scores: number[], isHidden = false): Stats {
  if (isHidden) return { n: null, score: null, mean: null, ci: null, basis: 'suppressed', counts: null }
  if (kind === 'nps') {
    const s = computeNps(scores)
    return { n: s.n, score: s.nps, mean: s.mean, ci: s.ci, basis: s.basis, counts: { promoters: s.promoters, passives: s.passives, detractors: s.detractors } }
  }
  const s = kind === 'esat' ? computeEsat(scores) : computeSatisfaction(scores)
  if ('suppressed' in s) return { n: null, score: null, mean: null, ci: null, basis: 'suppressed', counts: null }
  return { n: s.n, score: s.score, mean: s.mean, ci: s.ci, basis: s.basis, counts: { satisfied: s.satisfied, neutral: s.neutral, dissatisfied: s.dissatisfied } }
}

export function categoryOf(kind: string, score: number | null): string | null {
  if (score === null) return null
  return kind === 'nps' ? npsCategory(score) : kind === 'csat' || kind === 'esat' ? satisfactionCategory(score) : null
}

function group<T>(items: T[], keysOf: (item: T) => string[]): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) for (const key of keysOf(item)) out.set(key, [...(out.get(key) ?? []), item])
  return out
}

export async function computeResults(db: Db, actor: Actor, query: ResultsQuery): Promise<Results> {
  const kind = query.kind
  let q = db
    .selectFrom('survey_responses as x')
    .innerJoin('surveys as s', (j) => j.onRef('s.org_id', '=', 'x.org_id').onRef('s.id', '=', 'x.survey_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 'x.org_id').onRef('a.id', '=', 'x.account_id'))
    .leftJoin('users as o', (j) => j.onRef('o.org_id', '=', 'x.org_id').onRef('o.id', '=', 'x.owner_id'))
    .select(['x.score', 'x.submitted_at', 'x.survey_id', 's.name as survey_name', 'x.account_id', 'a.name as account_name', 'x.owner_id', 'o.name as owner_name', 'x.team_manager_id'])
    .where('x.org_id', '=', actor.orgId)
    .where('x.kind', '=', kind)
    .where('x.score', 'is not', null)
  if (query.from) q = q.where('x.submitted_at', '>=', new Date(query.from))
  if (query.to) q = q.where('x.submitted_at', '<', new Date(query.to))
  if (query.surveyId) q = q.where('x.survey_id', '=', query.surveyId)
  if (query.accountId) q = q.where('x.account_id', '=', query.accountId)
  if (query.ownerId) q = q.where('x.owner_id', '=', query.ownerId)
  if (query.tier) q = q.where('a.tier', '=', query.tier)
  const rows = (await q.execute()).map((r) => ({ ...r, score: r.score! }))

  // A team is a manager's reporting subtree. ESAT answers belong to the respondent's manager's
  // team; customer answers to their owner's.
  // Only team groups need the reporting tree (the KPI series call this three times per request).
  const users = query.groupBy === 'team' ? await db.selectFrom('users').select(['id', 'name', 'manager_id']).where('org_id', '=', actor.orgId).execute() : []
  const memberOf = (id: string | null) => {
    const teams: string[] = []
    let current = users.find((u) => u.id === id)
    for (let guard = 0; current && guard < 100; guard++) {
      teams.push(current.id)
      current = users.find((u) => u.id === current!.manager_id)
    }
    return teams
  }
  const teamMember = (r: (typeof rows)[number]) => (kind === 'esat' ? r.team_manager_id : r.owner_id)
  let kept = rows
  let subtree: Set<string> | undefined
  if (query.teamOf) {
    subtree = new Set(await listSubtreeIds(db, actor.orgId, query.teamOf === 'me' ? actor.userId : query.teamOf))
    kept = rows.filter((r) => subtree!.has(teamMember(r) ?? ''))
  }

  const scoresOf = (items: typeof kept) => items.map((r) => r.score)
  // ESAT groups are hidden beyond the 5-answer rule whenever a small remainder could be subtracted.
  const isEsat = kind === 'esat'
  const partitionHidden = (sizes: number[]) => (isEsat ? suppressPartition(sizes, MIN_ESAT_GROUP) : sizes.map(() => false))
  const periods = [...group(kept, (r) => [periodStart(r.submitted_at, query.period ?? 'month' as Period)])].sort(([a], [b]) => a.localeCompare(b))
  const periodHidden = partitionHidden(periods.map(([, items]) => items.length))
  const trend = periods.map(([period, items], i) => ({ period, stats: statsOf(kind, scoresOf(items), periodHidden[i]) }))

  const names = new Map(users.map((u) => [u.id, u.name]))
  let groups: Results['groups'] = []
  if (query.groupBy) {
    const by = query.groupBy
    const keysOf = (r: (typeof kept)[number]): string[] => {
      if (by === 'survey') return [r.survey_id]
      if (by === 'account') return [r.account_id ?? 'none']
      if (by === 'owner') return [r.owner_id ?? 'none']
      // Every team (manager) above the member, within the subtree asked for.
      return memberOf(teamMember(r)).filter((id) => users.some((u) => u.manager_id === id) && (!subtree || subtree.has(id)))
    }
    const labelOf = (key: string, items: typeof kept) => {
      const first = items[0]!
      if (key === 'none') return by === 'account' ? 'No account' : 'No owner'
      if (by === 'survey') return first.survey_name
      if (by === 'account') return first.account_name ?? key
      if (by === 'owner') return first.owner_name ?? key
      return `Team of ${names.get(key) ?? key}`
    }
    const grouped = [...group(kept, keysOf)]
    const ids = new Map(kept.map((r, i) => [r, String(i)]))
    const hidden = !isEsat ? grouped.map(() => false)
      : by === 'team' ? suppressNested(grouped.map(([, items]) => new Set(items.map((r) => ids.get(r)!))), kept.length, MIN_ESAT_GROUP)
      : partitionHidden(grouped.map(([, items]) => items.length))
    groups = grouped.map(([key, items], i) => ({ key, label: labelOf(key, items), stats: statsOf(kind, scoresOf(items), hidden[i]) }))
      .sort((a, b) => a.label.localeCompare(b.label))
  }
  return { kind, overall: statsOf(kind, scoresOf(kept)), trend, groups }
}

export async function assertSurveyExists(db: Db, orgId: string, surveyId: string) {
  const row = await db.selectFrom('surveys').select(['id', 'kind', 'questions']).where('org_id', '=', orgId).where('id', '=', surveyId).executeTakeFirst()
  if (!row) throw notFound('Survey')
  return { id: row.id, kind: row.kind, questions: (row.questions ?? []) as Question[] }
}

/** The custom-question answers of a survey, for their summaries. */
export async function listAnswers(db: Db, orgId: string, surveyId: string): Promise<Record<string, unknown>[]> {
  const rows = await db.selectFrom('survey_responses').select('answers').where('org_id', '=', orgId).where('survey_id', '=', surveyId).execute()
  return rows.map((r) => (r.answers ?? {}) as Record<string, unknown>)
}
