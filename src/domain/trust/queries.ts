import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { AccountScoreValues, RelationshipScoreValues, StakeholderScoreValues } from './scoring.ts'

/** The columns the trust model reads, plus what an explanation shows. */
const EXPERIENCE_FIELDS = ['e.id', 'e.occurred_at', 'e.kind', 'e.valence', 'e.direction', 'e.initiator', 'e.depth', 'e.source', 'e.title'] as const

export type TrustExperienceRow = {
  id: string
  occurred_at: Date
  kind: string
  valence: number | null
  direction: string
  initiator: string
  depth: string
  source: string
  title: string | null
}

/**
 * All our people in each experience, for explanations: whether a viewer may see the title of
 * mail depends on who took part (experiences/privacy.ts). In the same query, not one per row.
 */
const userIdsOf = sql<string[]>`coalesce((select array_agg(x.user_id) from experience_users x where x.org_id = e.org_id and x.experience_id = e.id), '{}')`.as('user_ids')

/** Every active experience shared by each relationship's user and stakeholder, tagged with the relationship; with its users when asked. */
export function listRelationshipExperienceRows(db: Db, orgId: string, relationshipIds: string[], asOf: Date, withUserIds = false) {
  if (relationshipIds.length === 0) return Promise.resolve([] as (TrustExperienceRow & { relationship_id: string; user_ids?: string[] })[])
  return db
    .selectFrom('relationships as r')
    .innerJoin('experience_stakeholders as es', (j) => j.onRef('es.org_id', '=', 'r.org_id').onRef('es.stakeholder_id', '=', 'r.stakeholder_id'))
    .innerJoin('experience_users as eu', (j) => j.onRef('eu.org_id', '=', 'r.org_id').onRef('eu.experience_id', '=', 'es.experience_id').onRef('eu.user_id', '=', 'r.user_id'))
    .innerJoin('experiences as e', (j) => j.onRef('e.org_id', '=', 'r.org_id').onRef('e.id', '=', 'es.experience_id'))
    .select(['r.id as relationship_id', ...EXPERIENCE_FIELDS])
    .where('r.org_id', '=', orgId)
    .where('r.id', 'in', relationshipIds)
    .where('e.archived_at', 'is', null)
    .where('e.occurred_at', '<=', asOf)
    .$if(withUserIds, (qb) => qb.select(userIdsOf))
    .execute()
}

/** Every active experience of each stakeholder, with any of our people; with those people when asked. */
export function listStakeholderExperienceRows(db: Db, orgId: string, stakeholderIds: string[], asOf: Date, withUserIds = false) {
  if (stakeholderIds.length === 0) return Promise.resolve([] as (TrustExperienceRow & { stakeholder_id: string; user_ids?: string[] })[])
  return db
    .selectFrom('experience_stakeholders as es')
    .innerJoin('experiences as e', (j) => j.onRef('e.org_id', '=', 'es.org_id').onRef('e.id', '=', 'es.experience_id'))
    .select(['es.stakeholder_id', ...EXPERIENCE_FIELDS])
    .where('es.org_id', '=', orgId)
    .where('es.stakeholder_id', 'in', stakeholderIds)
    .where('e.archived_at', 'is', null)
    .where('e.occurred_at', '<=', asOf)
    .$if(withUserIds, (qb) => qb.select(userIdsOf))
    .execute()
}

/** Per stakeholder: the shortest cadence and highest importance among its active relationships, and its influence and account. */
export function listStakeholderParams(db: Db, orgId: string, stakeholderIds: string[]) {
  if (stakeholderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('stakeholders as s')
    .leftJoin('relationships as r', (j) => j.onRef('r.org_id', '=', 's.org_id').onRef('r.stakeholder_id', '=', 's.id').on('r.archived_at', 'is', null))
    .select(['s.id', 's.account_id', 's.influence', sql<number | null>`min(r.cadence_days)`.as('cadence_days'), sql<number | null>`max(r.importance)`.as('importance')])
    .where('s.org_id', '=', orgId)
    .where('s.id', 'in', stakeholderIds)
    .groupBy(['s.id', 's.account_id', 's.influence'])
    .execute()
}

/** Relationships whose stored score is older than `before` (or missing), oldest first. */
export async function listStaleRelationships(db: Db, before: Date, limit: number) {
  return db
    .selectFrom('relationships as r')
    .leftJoin('relationship_scores as rs', (j) => j.onRef('rs.org_id', '=', 'r.org_id').onRef('rs.relationship_id', '=', 'r.id'))
    .select(['r.org_id', 'r.id', 'r.stakeholder_id'])
    .where((eb) => eb.or([eb('rs.computed_at', 'is', null), eb('rs.computed_at', '<', before)]))
    .orderBy(sql`rs.computed_at nulls first`)
    .limit(limit)
    .execute()
}

/** Accounts whose score waits in the queue, the longest waiting first; of one organisation when given. */
export async function listQueuedAccounts(db: Db, limit: number, orgId?: string) {
  return db.selectFrom('account_score_queue').select(['org_id', 'account_id'])
    .$if(orgId !== undefined, (qb) => qb.where('org_id', '=', orgId!))
    .orderBy('queued_at').limit(limit).execute()
}

export async function listStaleStakeholders(db: Db, before: Date, limit: number) {
  return db
    .selectFrom('stakeholder_scores')
    .select(['org_id', 'stakeholder_id'])
    .where('computed_at', '<', before)
    .orderBy('computed_at')
    .limit(limit)
    .execute()
}

/**
 * A stakeholder's history as one bytea: a 44-byte entry per experience and user of ours (SQL
 * function tend_trust_entry, migrations 0014 and 0015, read by parseHistory), in no particular
 * order. An experience shared with several of our people appears once per user.
 *
 * One value per stakeholder keeps the bulk read cheap on both sides: the database groups with a
 * hash aggregate (no sort of millions of rows) and appends to each entry's first 28 bytes, stored
 * when the experience was written (experiences.trust_entry), the user's 16; JavaScript reads
 * fixed offsets rather than splitting text or receiving a row object per experience.
 */
const ENTRY = sql<Uint8Array>`tend_trust_entry(e.trust_entry, eu.user_id)`
const HISTORY = sql<Uint8Array>`string_agg(${ENTRY}, ''::bytea)`
const HISTORY_SOURCE = sql`experience_stakeholders es
    JOIN experiences e ON e.org_id = es.org_id AND e.id = es.experience_id
    LEFT JOIN experience_users eu ON eu.org_id = e.org_id AND eu.experience_id = e.id`

export type HistoryBytes = { stakeholder_id: string; history: Uint8Array }

/** Every history of the organisation as of asOf, one row per stakeholder with experiences. */
function allHistoriesQuery(orgId: string, asOf: Date) {
  return sql<HistoryBytes>`SELECT es.stakeholder_id, ${HISTORY} AS history FROM ${HISTORY_SOURCE}
    WHERE es.org_id = ${orgId} AND e.archived_at IS NULL AND e.occurred_at <= ${asOf}
    GROUP BY es.stakeholder_id`
}

/**
 * Store the history of every stakeholder of the organisation that has experiences and no stored
 * history (migration 0016 did so for the data of its day). Without locks: for an organisation
 * nothing else writes to yet (the demo's, a benchmark's); elsewhere each refresh builds the
 * missing ones it needs.
 */
export async function storeMissingHistories(db: Db, orgId: string): Promise<number> {
  const { numAffectedRows } = await sql`INSERT INTO stakeholder_histories (org_id, stakeholder_id, history)
    SELECT es.org_id, es.stakeholder_id, ${HISTORY} FROM ${HISTORY_SOURCE}
    WHERE es.org_id = ${orgId} AND e.archived_at IS NULL
      AND NOT EXISTS (SELECT FROM stakeholder_histories h WHERE h.org_id = es.org_id AND h.stakeholder_id = es.stakeholder_id)
    GROUP BY es.org_id, es.stakeholder_id
    ON CONFLICT DO NOTHING`.execute(db)
  return Number(numAffectedRows ?? 0)
}

/** A relationship as a scoring row carries it: id, user, cadence, importance, is active. */
export type RelationshipTuple = [id: string, userId: string, cadenceDays: number, importance: number, isActive: boolean]

/**
 * A stakeholder with what scoring needs: its relationships, its stored score (nulls when none),
 * and, when it is one of the stakeholders to score (`is_given`) in a refresh, its history (null,
 * or no bytes, when it has no experience). The columns tend_trust_scoring_rows returns for the
 * refresh (migrations 0013, 0014 and 0016); listAllScoringRows gives the same for the recompute,
 * and trust.test.ts and recompute.test.ts compare both paths row for row.
 */
export type ScoringRow = {
  id: string
  account_id: string | null
  influence: number
  is_active: boolean
  is_given: boolean
  score: number | null
  score_28d: number | null
  state: string | null
  experience_count: number | null
  relationships: RelationshipTuple[]
  history: Uint8Array | null
  /** the refresh found no stored history and built this one from the experiences: it is to be stored */
  history_built?: boolean | null
  /** with a stored history: the entries the refresh's changed experiences now give it (migration 0016) */
  changes?: Uint8Array | null
}

/**
 * Say, in this transaction, that its writer patches the stored histories of what it writes (the
 * experience service): the triggers of migration 0016 then leave them, and the refresh that
 * follows, given the changed experiences, patches them. It also clears the setting.
 */
export async function patchHistoriesInThisTransaction(db: Db): Promise<void> {
  await sql`SELECT set_config('tend.trust_patch', 'on', true)`.execute(db)
}

/**
 * What a refresh reads, after taking its locks, in one call (tend_trust_scoring_rows, migrations
 * 0013, 0014 and 0016): these stakeholders (`is_given`) with their stored histories (every active
 * experience, future ones too: scoring leaves out what is after its time; built from the
 * experiences where none is stored) and the entries the `changed` experiences now give them, and
 * the other stakeholders of their accounts and of `accountIds` with their stored scores.
 *
 * The locks serialise score refreshes per account (per stakeholder when it has none) until the
 * caller's transaction ends, so that a refresh reads the histories and stored scores that
 * concurrent refreshes committed: the function reads in a statement of its own, after the locks
 * are granted (a statement sees the data committed when it started). Keys are locked in one
 * order, so refreshes cannot deadlock.
 */
export async function lockAndListScoringRows(db: Db, orgId: string, stakeholderIds: readonly string[], accountIds: readonly string[], changed: readonly string[] = []): Promise<ScoringRow[]> {
  if (stakeholderIds.length + accountIds.length === 0) return []
  const { rows } = await sql<ScoringRow>`SELECT * FROM tend_trust_scoring_rows(${orgId}, ${stakeholderIds}::uuid[], ${accountIds}::uuid[], ${changed}::uuid[])`.execute(db)
  return rows
}

/**
 * Every stakeholder of the organisation with its relationships (histories come from
 * openHistories), as one JSON value: a row object per stakeholder costs far more in the drivers
 * (several microseconds each on PGlite) than parsing one large JSON text, and the relationships
 * are grouped by a hash aggregate rather than a lookup per stakeholder.
 */
export async function listAllScoringRows(db: Db, orgId: string): Promise<ScoringRow[]> {
  type Tuple = [id: string, accountId: string | null, influence: number, isActive: boolean, relationships: RelationshipTuple[]]
  const { rows: [row] } = await sql<{ stakeholders: Tuple[] }>`SELECT coalesce(json_agg(json_build_array(s.id, s.account_id, s.influence,
        s.archived_at IS NULL, coalesce(r.list, '[]'))), '[]') AS stakeholders
    FROM stakeholders s
    LEFT JOIN (SELECT stakeholder_id, json_agg(json_build_array(id, user_id, cadence_days, importance, archived_at IS NULL)) AS list
      FROM relationships WHERE org_id = ${orgId} GROUP BY stakeholder_id) r ON r.stakeholder_id = s.id
    WHERE s.org_id = ${orgId}`.execute(db)
  return row!.stakeholders.map(([id, account_id, influence, is_active, relationships]) => ({
    id, account_id, influence, is_active, relationships, is_given: true, score: null, score_28d: null, state: null, experience_count: null, history: null,
  }))
}

export async function listAccountIds(db: Db, orgId: string): Promise<string[]> {
  return (await db.selectFrom('accounts').select('id').where('org_id', '=', orgId).execute()).map((r) => r.id)
}

/** Reads every history of an organisation, a page at a time, then lets go of what it kept. */
export type HistoryReader = { fetch: (count: number) => Promise<HistoryBytes[]>; close: () => Promise<void> }

const HISTORIES = sql.raw('trust_histories')

/** Whether the database runs queries on parallel workers (a PostgreSQL server; not PGlite). */
export async function hasParallelWorkers(db: Db): Promise<boolean> {
  const { rows: [row] } = await sql<{ parallel: boolean }>`SELECT current_setting('max_parallel_workers_per_gather')::int > 0 AS parallel`.execute(db)
  return row?.parallel ?? false
}

/**
 * Build every history of the organisation as of asOf in one pass over all experiences, and
 * return a reader over them. The reader's pages and `close` use `db`, which must be one session
 * (one connection, or a transaction).
 *
 * Where the database has parallel workers (hasParallelWorkers: a PostgreSQL server), the
 * histories go into a temporary table, built in a transaction of its own (`inTransaction`):
 * CREATE TABLE AS may run its query in parallel, which a cursor's query never does, so the
 * workers build the entries while the session aggregates them (at scale 0.25 of bench:trust,
 * 1.1 s against 2.0 s); lz4, where the server has it, compresses them several times faster than
 * the default. Pages are then read in stakeholder order by key.
 * Elsewhere (PGlite, one process) a cursor reads them, and `db` must be a transaction, which the
 * cursor lives in until it closes: a WITH HOLD cursor would outlive it but copies every history
 * when the transaction commits (5 of 17 s at full scale on PGlite).
 *
 * Either way the hash aggregate gets the memory to stay off disk (at 100,000 stakeholders about
 * 150 MB; larger organisations spill to temporary files, slower but the same) and JIT
 * compilation, which costs more than it saves on these simple expressions, is off.
 */
export async function openHistories(db: Db, orgId: string, asOf: Date, inTransaction: (work: (trx: Db) => Promise<void>) => Promise<void>): Promise<HistoryReader> {
  if (await hasParallelWorkers(db)) {
    const { rows: [can] } = await sql<{ lz4: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) AS lz4`.execute(db)
    await inTransaction(async (trx) => {
      await sql`SET LOCAL work_mem = '512MB'`.execute(trx)
      await sql`SET LOCAL jit = off`.execute(trx)
      // Each entry goes to the aggregating session once, as it would in a single process: passing
      // it on costs next to nothing, so the planner need not shy away from the workers.
      await sql`SET LOCAL parallel_setup_cost = 0`.execute(trx)
      await sql`SET LOCAL parallel_tuple_cost = 0.001`.execute(trx)
      if (can?.lz4) await sql`SET LOCAL default_toast_compression = lz4`.execute(trx)
      await sql`DROP TABLE IF EXISTS ${HISTORIES}`.execute(trx)
      // OFFSET 0 keeps the entries in a subquery of their own, built by the workers.
      await sql`CREATE TEMPORARY TABLE ${HISTORIES} AS SELECT stakeholder_id, string_agg(entry, ''::bytea) AS history FROM (
          SELECT es.stakeholder_id, ${ENTRY} AS entry FROM ${HISTORY_SOURCE}
          WHERE es.org_id = ${orgId} AND e.archived_at IS NULL AND e.occurred_at <= ${asOf} OFFSET 0) AS entries
        GROUP BY stakeholder_id`.execute(trx)
      await sql`CREATE INDEX ON ${HISTORIES} (stakeholder_id)`.execute(trx)
    })
    let after: string | null = null
    return {
      fetch: async (count) => {
        const { rows } = await sql<HistoryBytes>`SELECT stakeholder_id, history FROM ${HISTORIES}
          WHERE ${after === null ? sql`true` : sql`stakeholder_id > ${after}`} ORDER BY stakeholder_id LIMIT ${sql.lit(count)}`.execute(db)
        after = rows.at(-1)?.stakeholder_id ?? after
        return rows
      },
      close: async () => void (await sql`DROP TABLE IF EXISTS ${HISTORIES}`.execute(db)),
    }
  }
  if (!db.isTransaction) throw new Error('openHistories: without parallel workers the histories are read by a cursor, in a transaction')
  await sql`SET LOCAL work_mem = '512MB'`.execute(db)
  // A cursor is otherwise planned to return its first rows fast: it is read to the end.
  await sql`SET LOCAL cursor_tuple_fraction = 1`.execute(db)
  await sql`SET LOCAL jit = off`.execute(db)
  await sql`DECLARE ${HISTORIES} NO SCROLL CURSOR FOR ${allHistoriesQuery(orgId, asOf)}`.execute(db)
  return {
    fetch: async (count) => (await sql<HistoryBytes>`FETCH FORWARD ${sql.lit(count)} FROM ${HISTORIES}`.execute(db)).rows,
    close: async () => void (await sql`CLOSE ${HISTORIES}`.execute(db)),
  }
}

export type ScoreWrites = {
  relationships: readonly RelationshipScoreValues[]
  stakeholders: readonly StakeholderScoreValues[]
  accounts: readonly AccountScoreValues[]
  /** accounts left with no scored stakeholder: their score is removed */
  unscoredAccounts: readonly string[]
  /** histories a refresh built or patched (migration 0016) */
  histories?: readonly HistoryBytes[]
  /** accounts whose score is left to settleQueuedAccounts (migration 0017) */
  queuedAccounts?: readonly string[]
  /** accounts scored here: off the queue */
  settledAccounts?: readonly string[]
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString())
const column = <T, V>(rows: readonly T[], value: (row: T) => V) => rows.map(value)

/**
 * Store scores in one statement: relationship, stakeholder and account scores upserted from
 * arrays (UNNEST), scores of unscored accounts deleted, histories stored, accounts queued or taken
 * off the queue. With `keepNewer`, a row computed after
 * `computedAt` (by a write while a full recompute ran) is left as it is.
 */
export async function writeScores(db: Db, orgId: string, computedAt: Date, w: ScoreWrites, { keepNewer = false } = {}): Promise<void> {
  const h = w.histories ?? []
  const queued = w.queuedAccounts ?? []
  const settled = w.settledAccounts ?? []
  if (w.relationships.length + w.stakeholders.length + w.accounts.length + w.unscoredAccounts.length + h.length + queued.length + settled.length === 0) return
  const guard = (table: string) => (keepNewer ? sql` WHERE ${sql.raw(table)}.computed_at <= excluded.computed_at` : sql``)
  const r = w.relationships
  const s = w.stakeholders
  const a = w.accounts
  await sql`WITH
    r AS (INSERT INTO relationship_scores (org_id, relationship_id, score, score_28d, state, last_meaningful_at, experience_count, computed_at)
      SELECT ${orgId}, u.*, ${computedAt}::timestamptz FROM unnest(${column(r, (x) => x.relationship_id)}::uuid[], ${column(r, (x) => x.score)}::float8[],
        ${column(r, (x) => x.score_28d)}::float8[], ${column(r, (x) => x.state)}::text[], ${column(r, (x) => iso(x.last_meaningful_at))}::timestamptz[],
        ${column(r, (x) => x.experience_count)}::int[]) AS u
      ON CONFLICT (org_id, relationship_id) DO UPDATE SET score = excluded.score, score_28d = excluded.score_28d, state = excluded.state,
        last_meaningful_at = excluded.last_meaningful_at, experience_count = excluded.experience_count, computed_at = excluded.computed_at${guard('relationship_scores')}),
    s AS (INSERT INTO stakeholder_scores (org_id, stakeholder_id, score, score_28d, state, last_meaningful_at, cadence_days, experience_count, computed_at)
      SELECT ${orgId}, u.*, ${computedAt}::timestamptz FROM unnest(${column(s, (x) => x.stakeholder_id)}::uuid[], ${column(s, (x) => x.score)}::float8[],
        ${column(s, (x) => x.score_28d)}::float8[], ${column(s, (x) => x.state)}::text[], ${column(s, (x) => iso(x.last_meaningful_at))}::timestamptz[],
        ${column(s, (x) => x.cadence_days)}::int[], ${column(s, (x) => x.experience_count)}::int[]) AS u
      ON CONFLICT (org_id, stakeholder_id) DO UPDATE SET score = excluded.score, score_28d = excluded.score_28d, state = excluded.state,
        last_meaningful_at = excluded.last_meaningful_at, cadence_days = excluded.cadence_days, experience_count = excluded.experience_count,
        computed_at = excluded.computed_at${guard('stakeholder_scores')}),
    a AS (INSERT INTO account_scores (org_id, account_id, score, score_28d, state, stakeholder_count, computed_at)
      SELECT ${orgId}, u.*, ${computedAt}::timestamptz FROM unnest(${column(a, (x) => x.account_id)}::uuid[], ${column(a, (x) => x.score)}::float8[],
        ${column(a, (x) => x.score_28d)}::float8[], ${column(a, (x) => x.state)}::text[], ${column(a, (x) => x.stakeholder_count)}::int[]) AS u
      ON CONFLICT (org_id, account_id) DO UPDATE SET score = excluded.score, score_28d = excluded.score_28d, state = excluded.state,
        stakeholder_count = excluded.stakeholder_count, computed_at = excluded.computed_at${guard('account_scores')}),
    d AS (DELETE FROM account_scores WHERE org_id = ${orgId} AND account_id = ANY(${w.unscoredAccounts}::uuid[])${keepNewer ? sql` AND computed_at <= ${computedAt}` : sql``}),
    h AS (INSERT INTO stakeholder_histories (org_id, stakeholder_id, history)
      SELECT ${orgId}, u.id, decode(u.hex, 'hex') FROM unnest(${column(h, (x) => x.stakeholder_id)}::uuid[], ${column(h, (x) => Buffer.from(x.history).toString('hex'))}::text[]) AS u (id, hex)
      ON CONFLICT (org_id, stakeholder_id) DO UPDATE SET history = excluded.history),
    q AS (INSERT INTO account_score_queue (org_id, account_id, queued_at) SELECT ${orgId}, u, ${computedAt}::timestamptz FROM unnest(${queued}::uuid[]) AS u
      ON CONFLICT DO NOTHING),
    sq AS (DELETE FROM account_score_queue WHERE org_id = ${orgId} AND account_id = ANY(${settled}::uuid[]))
    SELECT 1`.execute(db)
}
