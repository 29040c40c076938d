import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'

export const SURVEY_COLUMNS = [
  's.id', 's.org_id', 's.name', 's.kind', 's.audience', 's.question', 's.intro', 's.questions', 's.reminder_days', 's.follow_up_days',
  's.link_days', 's.created_by', 's.created_at', 's.updated_at', 's.closed_at',
] as const

function withCounts(db: Db, orgId: string) {
  return db
    .selectFrom('surveys as s')
    .select(SURVEY_COLUMNS)
    .select([
      sql<number>`(select count(*)::int from survey_recipients r where r.org_id = s.org_id and r.survey_id = s.id)`.as('recipient_count'),
      sql<number>`(select count(*)::int from survey_responses x where x.org_id = s.org_id and x.survey_id = s.id)`.as('response_count'),
    ])
    .where('s.org_id', '=', orgId)
}
export type SurveyWithCountsRow = NonNullable<Awaited<ReturnType<typeof getSurveyRow>>>

export function getSurveyRow(db: Db, orgId: string, id: string) {
  return withCounts(db, orgId).where('s.id', '=', id).executeTakeFirst()
}

export function listSurveyRows(db: Db, orgId: string, filter: { kind?: string | undefined; includeClosed?: boolean | undefined }) {
  let q = withCounts(db, orgId)
  if (filter.kind) q = q.where('s.kind', '=', filter.kind)
  if (!filter.includeClosed) q = q.where('s.closed_at', 'is', null)
  return q.orderBy('s.created_at', 'desc').orderBy('s.id').limit(500).execute()
}

export async function insertSurvey(db: Db, orgId: string, values: {
  name: string; kind: string; audience: string; question: string; intro: string | null; questions: unknown[]
  reminder_days: number | null; follow_up_days: number; link_days: number; created_by: string | null
}) {
  const { id } = await db.insertInto('surveys').values({ ...values, questions: JSON.stringify(values.questions), org_id: orgId }).returning('id').executeTakeFirstOrThrow()
  return id
}

export function closeSurveyRow(db: Db, orgId: string, id: string, at: Date) {
  return db.updateTable('surveys').set({ closed_at: at, updated_at: at }).where('org_id', '=', orgId).where('id', '=', id).where('closed_at', 'is', null).execute()
}

// ---------------------------------------------------------------- recipients

const RECIPIENT_FIELDS = ['r.id', 'r.survey_id', 'r.stakeholder_id', 'r.user_id', 'r.account_id', 'r.email', 'r.sent_at', 'r.reminded_at', 'r.responded_at'] as const

function recipients(db: Db, orgId: string) {
  return db
    .selectFrom('survey_recipients as r')
    .leftJoin('stakeholders as st', (j) => j.onRef('st.org_id', '=', 'r.org_id').onRef('st.id', '=', 'r.stakeholder_id'))
    .leftJoin('users as u', (j) => j.onRef('u.org_id', '=', 'r.org_id').onRef('u.id', '=', 'r.user_id'))
    .select(RECIPIENT_FIELDS)
    .select(sql<string>`coalesce(st.name, u.name)`.as('name'))
    .where('r.org_id', '=', orgId)
}
export type RecipientRow = NonNullable<Awaited<ReturnType<typeof getRecipientRow>>>

export function getRecipientRow(db: Db, orgId: string, id: string) {
  return recipients(db, orgId).where('r.id', '=', id).executeTakeFirst()
}

export function listRecipientRows(db: Db, orgId: string, surveyId: string) {
  return recipients(db, orgId).where('r.survey_id', '=', surveyId).orderBy('name').orderBy('r.id').execute()
}

/** Active stakeholders among these ids, with their first e-mail and account. */
export function findStakeholders(db: Db, orgId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('stakeholders').select(['id', 'account_id', sql<string | null>`emails[1]`.as('email')])
    .where('org_id', '=', orgId).where('id', 'in', ids).where('archived_at', 'is', null).execute()
}

export function findUsers(db: Db, orgId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('users').select(['id', 'email', 'manager_id']).where('org_id', '=', orgId).where('id', 'in', ids).where('archived_at', 'is', null).execute()
}

/** Add recipients; those already invited to this survey are skipped (returns only the new rows' ids). */
export async function insertRecipients(db: Db, orgId: string, surveyId: string, rows: { stakeholder_id?: string; user_id?: string; account_id: string | null; email: string | null }[]) {
  if (rows.length === 0) return []
  const inserted = await db.insertInto('survey_recipients')
    .values(rows.map((r) => ({ org_id: orgId, survey_id: surveyId, stakeholder_id: r.stakeholder_id ?? null, user_id: r.user_id ?? null, account_id: r.account_id, email: r.email })))
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute()
  return inserted.map((r) => r.id)
}

export function markRecipient(db: Db, orgId: string, id: string, values: { sent_at?: Date; reminded_at?: Date }) {
  return db.updateTable('survey_recipients').set(values).where('org_id', '=', orgId).where('id', '=', id).execute()
}

/** Mark a recipient as having answered; returns nothing when someone already did (single use, race-safe). */
export function markResponded(db: Db, orgId: string, id: string, at: Date) {
  return db.updateTable('survey_recipients').set({ responded_at: at })
    .where('org_id', '=', orgId).where('id', '=', id).where('responded_at', 'is', null)
    .returning('id').executeTakeFirst()
}

// ---------------------------------------------------------------- links

export function insertLink(db: Db, orgId: string, recipientId: string, tokenHash: string, expiresAt: Date) {
  return db.insertInto('survey_links').values({ token_hash: tokenHash, org_id: orgId, recipient_id: recipientId, expires_at: expiresAt }).execute()
}

/** Everything the public page needs, by the hash of a link's token (across organisations, like invitations). */
export function findLinkByHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('survey_links as l')
    .innerJoin('survey_recipients as r', (j) => j.onRef('r.org_id', '=', 'l.org_id').onRef('r.id', '=', 'l.recipient_id'))
    .innerJoin('surveys as s', (j) => j.onRef('s.org_id', '=', 'r.org_id').onRef('s.id', '=', 'r.survey_id'))
    .innerJoin('organisations as o', 'o.id', 'l.org_id')
    .select(['l.expires_at', 'r.id as recipient_id', 'r.stakeholder_id', 'r.user_id', 'r.account_id', 'r.responded_at', 'o.name as org_name', 'o.settings as org_settings'])
    .select(SURVEY_COLUMNS)
    .where('l.token_hash', '=', tokenHash)
    .executeTakeFirst()
}

// ---------------------------------------------------------------- responses

export async function insertResponse(db: Db, orgId: string, values: {
  survey_id: string; kind: string; recipient_id: string | null; stakeholder_id: string | null; account_id: string | null; owner_id: string | null
  team_manager_id: string | null; score: number | null; comment: string | null; answers: Record<string, unknown>; submitted_at: Date
}) {
  const { id } = await db.insertInto('survey_responses').values({ ...values, answers: JSON.stringify(values.answers), org_id: orgId }).returning('id').executeTakeFirstOrThrow()
  return id
}

export function setResponseExperience(db: Db, orgId: string, id: string, experienceId: string) {
  return db.updateTable('survey_responses').set({ experience_id: experienceId }).where('org_id', '=', orgId).where('id', '=', id).execute()
}

export function listResponseRows(db: Db, orgId: string, surveyId: string) {
  return db
    .selectFrom('survey_responses as x')
    .leftJoin('stakeholders as st', (j) => j.onRef('st.org_id', '=', 'x.org_id').onRef('st.id', '=', 'x.stakeholder_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.org_id', '=', 'x.org_id').onRef('a.id', '=', 'x.account_id'))
    .leftJoin('follow_ups as f', (j) => j.onRef('f.org_id', '=', 'x.org_id').onRef('f.response_id', '=', 'x.id'))
    .select(['x.id', 'x.survey_id', 'x.kind', 'x.score', 'x.comment', 'x.answers', 'x.stakeholder_id', 'st.name as stakeholder_name', 'x.account_id', 'a.name as account_name', 'x.owner_id', 'x.submitted_at', 'f.id as follow_up_id'])
    .where('x.org_id', '=', orgId)
    .where('x.survey_id', '=', surveyId)
    .orderBy('x.submitted_at', 'desc')
    .orderBy('x.id')
    .execute()
}
export type ResponseRow = Awaited<ReturnType<typeof listResponseRows>>[number]

/**
 * Who owns what a stakeholder says: the account's owner, else the user with the most important
 * relationship to them. Null when nobody does.
 */
export async function findOwner(db: Db, orgId: string, stakeholderId: string, accountId: string | null): Promise<string | null> {
  if (accountId) {
    const account = await db.selectFrom('accounts').select('owner_id').where('org_id', '=', orgId).where('id', '=', accountId).executeTakeFirst()
    if (account?.owner_id) return account.owner_id
  }
  const rel = await db.selectFrom('relationships as r').innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 'r.org_id').onRef('u.id', '=', 'r.user_id'))
    .select('r.user_id').where('r.org_id', '=', orgId).where('r.stakeholder_id', '=', stakeholderId).where('r.archived_at', 'is', null).where('u.archived_at', 'is', null)
    .orderBy('r.importance', 'desc').orderBy('r.created_at').limit(1).executeTakeFirst()
  return rel?.user_id ?? null
}

/** The users whose relationships an answer from this stakeholder touches (for the trust engine). */
export async function findRelationshipUsers(db: Db, orgId: string, stakeholderId: string): Promise<string[]> {
  const rows = await db.selectFrom('relationships').select('user_id').where('org_id', '=', orgId).where('stakeholder_id', '=', stakeholderId).where('archived_at', 'is', null).execute()
  return rows.map((r) => r.user_id)
}
