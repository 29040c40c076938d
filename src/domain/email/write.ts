import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Actor } from '../auth/roles.ts'
import { actingUserId } from '../imports/report.ts'
import { refreshTrustAfterWrite } from '../trust/refresh.ts'
import { matchParticipants, type Directory } from './directory.ts'
import type { MessageFacts } from './headers.ts'

// One batch of messages in one transaction: the messages (duplicates skipped by the unique
// Message-ID and content hash), the experiences of those that involve our people and
// stakeholders, their participants, and the trust scores of everyone touched. Multi-row
// statements (unnest of one array per column) keep it to a handful of round trips per batch.

export type BatchResult = { inserted: number; experiences: number }

const list = (values: string[]) => values.join(' ')

/**
 * Store the messages not stored yet; returns content hash → id of those written. Duplicates
 * within the batch and those already stored (same content hash or Message-ID) are sorted out
 * first with one indexed lookup, so the insert carries only new rows; ON CONFLICT DO NOTHING
 * still guards against a concurrent import.
 */
export async function insertMessages(db: Db, orgId: string, batch: MessageFacts[], keepSubjects: boolean): Promise<Map<string, string>> {
  const hashes = new Set<string>()
  const ids = new Set<string>()
  const unique = batch.filter((m) => {
    if (hashes.has(m.contentHash) || (m.messageId && ids.has(m.messageId))) return false
    hashes.add(m.contentHash)
    if (m.messageId) ids.add(m.messageId)
    return true
  })
  if (unique.length === 0) return new Map()
  const { rows: known } = await sql<{ content_hash: string; message_id: string | null }>`
    SELECT content_hash, message_id FROM email_messages WHERE org_id = ${orgId} AND content_hash = ANY(${[...hashes]}::text[])
    UNION ALL
    SELECT content_hash, message_id FROM email_messages WHERE org_id = ${orgId} AND message_id = ANY(${[...ids]}::text[])`.execute(db)
  const knownHashes = new Set(known.map((r) => r.content_hash))
  const knownIds = new Set(known.map((r) => r.message_id))
  const fresh = unique.filter((m) => !knownHashes.has(m.contentHash) && !(m.messageId && knownIds.has(m.messageId)))
  if (fresh.length === 0) return new Map()
  const col = <T>(pick: (m: MessageFacts) => T) => fresh.map(pick)
  const result = await sql<{ id: string; content_hash: string }>`
    INSERT INTO email_messages (org_id, message_id, content_hash, sent_at, from_address, from_name, to_addresses, cc_addresses,
      subject, subject_key, thread_key, in_reply_to, reference_ids, is_reply)
    SELECT ${orgId}::uuid, m.message_id, m.content_hash, m.sent_at, m.from_address, m.from_name,
      string_to_array(m.to_list, ' '), string_to_array(m.cc_list, ' '), m.subject, m.subject_key, m.thread_key, m.in_reply_to,
      string_to_array(m.reference_list, ' '), m.is_reply
    FROM unnest(${col((m) => m.messageId)}::text[], ${col((m) => m.contentHash)}::text[], ${col((m) => m.sentAt.toISOString())}::timestamptz[],
      ${col((m) => m.from)}::text[], ${col((m) => m.fromName)}::text[], ${col((m) => list(m.to))}::text[], ${col((m) => list(m.cc))}::text[],
      ${col((m) => (keepSubjects ? m.subject : null))}::text[], ${col((m) => m.subjectKey)}::text[], ${col((m) => m.threadKey)}::text[],
      ${col((m) => m.inReplyTo)}::text[], ${col((m) => list(m.references))}::text[], ${col((m) => m.isReply)}::boolean[])
      AS m (message_id, content_hash, sent_at, from_address, from_name, to_list, cc_list, subject, subject_key, thread_key, in_reply_to, reference_list, is_reply)
    ON CONFLICT DO NOTHING
    RETURNING id, content_hash`.execute(db)
  return new Map(result.rows.map((r) => [r.content_hash, r.id]))
}

type Pending = { messageId: string; contentHash: string; sentAt: Date; subject: string | null; match: ReturnType<typeof matchParticipants> }

/**
 * Experiences for the stored messages among `candidates` that involve one of our people and a
 * stakeholder and have none yet (new ones, and older ones whose people became known since).
 */
export async function linkExperiences(db: Db, orgId: string, directory: Directory, candidates: MessageFacts[], createdBy: string | null, justStored = new Map<string, string>()) {
  const matches = new Map<string, ReturnType<typeof matchParticipants>>()
  const pending: Pending[] = []
  const seen = new Set<string>()
  for (const m of candidates) {
    if (seen.has(m.contentHash)) continue
    seen.add(m.contentHash)
    const match = matchParticipants(directory, m.from, [...m.to, ...m.cc])
    if (!match.userIds.length || !match.stakeholderIds.length) continue
    const id = justStored.get(m.contentHash)
    // Stored by this batch: no experience yet, nothing to look up.
    if (id) pending.push({ messageId: id, contentHash: m.contentHash, sentAt: m.sentAt, subject: directory.keepSubjects ? m.subject : null, match })
    else matches.set(m.contentHash, match)
  }
  const touched = { stakeholders: new Set<string>(), users: new Set<string>() }
  if (matches.size) {
    // Stored before without an experience: their people became known since.
    const stored = await db
      .selectFrom('email_messages')
      .select(['id', 'content_hash', 'sent_at', 'subject'])
      .where('org_id', '=', orgId)
      .where('content_hash', 'in', [...matches.keys()])
      .where('experience_id', 'is', null)
      .execute()
    for (const r of stored) pending.push({ messageId: r.id, contentHash: r.content_hash, sentAt: r.sent_at, subject: r.subject, match: matches.get(r.content_hash)! })
  }
  if (pending.length === 0) return { experiences: 0, touched }
  const created = await sql<{ id: string; external_id: string }>`
    INSERT INTO experiences (org_id, occurred_at, kind, direction, initiator, depth, title, source, external_id, account_id, created_by)
    SELECT ${orgId}::uuid, e.occurred_at, 'email', 'mutual', e.initiator, 'routine', e.title, 'email', e.external_id, e.account_id, ${createdBy}::uuid
    FROM unnest(${pending.map((p) => p.sentAt.toISOString())}::timestamptz[], ${pending.map((p) => (p.match.isFromUs ? 'us' : 'them'))}::text[],
      ${pending.map((p) => p.subject?.slice(0, 300) ?? null)}::text[], ${pending.map((p) => p.contentHash)}::text[], ${pending.map((p) => p.match.accountId)}::uuid[])
      AS e (occurred_at, initiator, title, external_id, account_id)
    ON CONFLICT (org_id, source, external_id) DO NOTHING
    RETURNING id, external_id`.execute(db)
  const byHash = new Map(pending.map((p) => [p.contentHash, p]))
  const links = { experience: [] as string[], message: [] as string[] }
  const people = { se: [] as string[], s: [] as string[], ue: [] as string[], u: [] as string[] }
  for (const row of created.rows) {
    const p = byHash.get(row.external_id)!
    links.experience.push(row.id)
    links.message.push(p.messageId)
    for (const s of p.match.stakeholderIds) {
      people.se.push(row.id)
      people.s.push(s)
      touched.stakeholders.add(s)
    }
    for (const u of p.match.userIds) {
      people.ue.push(row.id)
      people.u.push(u)
      touched.users.add(u)
    }
  }
  if (links.experience.length) {
    await sql`INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id)
      SELECT ${orgId}::uuid, x.e, x.s FROM unnest(${people.se}::uuid[], ${people.s}::uuid[]) AS x (e, s) ON CONFLICT DO NOTHING`.execute(db)
    await sql`INSERT INTO experience_users (org_id, experience_id, user_id)
      SELECT ${orgId}::uuid, x.e, x.u FROM unnest(${people.ue}::uuid[], ${people.u}::uuid[]) AS x (e, u) ON CONFLICT DO NOTHING`.execute(db)
    await sql`UPDATE email_messages m SET experience_id = x.e
      FROM unnest(${links.message}::uuid[], ${links.experience}::uuid[]) AS x (m, e)
      WHERE m.org_id = ${orgId}::uuid AND m.id = x.m`.execute(db)
  }
  return { experiences: created.rows.length, touched }
}

/** Write one batch in one transaction; a crash midway leaves nothing of it. */
export async function writeBatch(db: Db, actor: Actor, directory: Directory, batch: MessageFacts[]): Promise<BatchResult> {
  return db.transaction().execute(async (trx) => {
    // A batch is all or nothing and re-running the import redoes whatever a crash lost, so the
    // commit need not wait for the disk: the last batches before a power cut may be lost, never torn.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx)
    const stored = await insertMessages(trx, actor.orgId, batch, directory.keepSubjects)
    const inserted = stored.size
    const { experiences, touched } = await linkExperiences(trx, actor.orgId, directory, batch, actingUserId(actor), stored)
    // Once per batch for everyone it touched, not once per message.
    if (experiences) await refreshTrustAfterWrite(trx, actor.orgId, [...touched.stakeholders], [...touched.users])
    if (inserted || experiences) {
      await trx.insertInto('audit_log').values({
        org_id: actor.orgId, actor_id: actingUserId(actor),
        action: 'email.imported', entity_type: 'email_import', entity_id: null, before: null,
        after: JSON.stringify({ messages: batch.length, stored: inserted, experiences }),
      }).execute()
    }
    return { inserted, experiences }
  })
}
