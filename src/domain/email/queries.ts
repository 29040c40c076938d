import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'

// Reads over captured mail. Addresses of users and stakeholders are folded in SQL the way
// headers.ts folds those of messages: lower case, "+tag" removed.
const fold = (column: ReturnType<typeof sql.ref> | ReturnType<typeof sql.raw>) => sql`lower(regexp_replace(${column}, '\\+[^@]*@', '@'))`

export type Window = { from?: Date | undefined; to?: Date | undefined }

const inWindow = (w: Window, column = sql.ref('m.sent_at')) =>
  sql`${w.from ? sql`${column} >= ${w.from}` : sql`true`} AND ${w.to ? sql`${column} < ${w.to}` : sql`true`}`

export type SuggestionRow = { address: string; name: string | null; messages: number; last_at: Date }

/**
 * Addresses that correspond with our people, are not users and not at one of our users'
 * domains, with how many messages they share with us, most first. Whether they are stakeholders
 * already is left to the caller (it folds addresses the way matching does): `limit` should
 * allow for them.
 */
export async function listCorrespondents(db: Db, orgId: string, minMessages: number, limit: number): Promise<SuggestionRow[]> {
  const { rows } = await sql<SuggestionRow>`
    WITH us AS (
      SELECT coalesce(array_agg(${fold(sql.ref('email'))}), '{}') AS addresses,
        coalesce(array_agg(DISTINCT split_part(${fold(sql.ref('email'))}, '@', 2)), '{}') AS domains
      FROM users WHERE org_id = ${orgId}
    ),
    pairs AS (
      SELECT DISTINCT m.id, p.address, m.sent_at, CASE WHEN p.address = m.from_address THEN m.from_name END AS name
      FROM us, email_messages m, unnest(array[m.from_address] || m.to_addresses || m.cc_addresses) AS p (address)
      WHERE m.org_id = ${orgId} AND (array[m.from_address] || m.to_addresses || m.cc_addresses) && us.addresses
        AND NOT (p.address = ANY(us.addresses)) AND NOT (split_part(p.address, '@', 2) = ANY(us.domains))
    )
    SELECT p.address, max(p.name) AS name, count(*)::int AS messages, max(p.sent_at) AS last_at
    FROM pairs p
    GROUP BY p.address
    HAVING count(*) >= ${minMessages}
    ORDER BY messages DESC, p.address
    LIMIT ${limit}`.execute(db)
  return rows
}

export type InboundRow = {
  id: string
  sent_at: Date
  from_address: string
  thread_key: string
  stakeholder_id: string
  account_id: string | null
  /** Our people it was sent to (user ids). */
  recipient_ids: string[]
  replied_at: Date | null
  replied_by: string | null
}

/**
 * Mail a stakeholder sent to our people in the window, each with the first reply one of our
 * people sent back: the same In-Reply-To, or a reply ("Re:") with the same subject from one of
 * its recipients to its sender (archives without In-Reply-To), within 30 days.
 */
export async function listInbound(db: Db, orgId: string, window: Window): Promise<InboundRow[]> {
  const { rows } = await sql<InboundRow>`
    WITH us AS (SELECT id, ${fold(sql.ref('email'))} AS address FROM users WHERE org_id = ${orgId}),
    them AS (SELECT DISTINCT ON (address) s.id, s.account_id, ${fold(sql.ref('e'))} AS address FROM stakeholders s, unnest(s.emails) AS e WHERE s.org_id = ${orgId} AND s.archived_at IS NULL ORDER BY address, s.id)
    SELECT m.id, m.sent_at, m.from_address, m.thread_key, them.id AS stakeholder_id, them.account_id,
      array(SELECT us.id FROM us WHERE us.address = ANY(m.to_addresses || m.cc_addresses) ORDER BY us.id) AS recipient_ids,
      r.sent_at AS replied_at, r.user_id AS replied_by
    FROM email_messages m
    JOIN them ON them.address = m.from_address
    LEFT JOIN LATERAL (
      SELECT c.sent_at, us.id AS user_id
      FROM (
        SELECT x.sent_at, x.from_address FROM email_messages x
        WHERE x.org_id = m.org_id AND m.message_id IS NOT NULL AND x.in_reply_to = m.message_id
        UNION ALL
        SELECT x.sent_at, x.from_address FROM email_messages x
        WHERE x.org_id = m.org_id AND m.subject_key IS NOT NULL AND x.subject_key = m.subject_key AND x.is_reply
          AND m.from_address = ANY(x.to_addresses || x.cc_addresses)
          AND x.sent_at > m.sent_at AND x.sent_at < m.sent_at + interval '30 days'
      ) c JOIN us ON us.address = c.from_address
      WHERE c.sent_at > m.sent_at AND c.sent_at < m.sent_at + interval '30 days'
      ORDER BY c.sent_at LIMIT 1
    ) r ON true
    WHERE m.org_id = ${orgId} AND ${inWindow(window)}
      AND (m.to_addresses || m.cc_addresses) && (SELECT coalesce(array_agg(address), '{}') FROM us)
    ORDER BY m.sent_at`.execute(db)
  return rows
}

export function listThreadRows(db: Db, orgId: string, threadKey: string) {
  return db.selectFrom('email_messages').selectAll().where('org_id', '=', orgId).where('thread_key', '=', threadKey).orderBy('sent_at').orderBy('id').limit(500).execute()
}

export function getMessageRow(db: Db, orgId: string, id: string) {
  return db.selectFrom('email_messages').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
}

/** Stored messages with no experience yet that involve one of these addresses (after new stakeholders). */
export function listUnlinkedMessages(db: Db, orgId: string, addresses: string[]) {
  return db
    .selectFrom('email_messages')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('experience_id', 'is', null)
    .where(sql<boolean>`(array[from_address] || to_addresses || cc_addresses) && ${sql.val(addresses)}::text[]`)
    .orderBy('sent_at')
    .execute()
}
