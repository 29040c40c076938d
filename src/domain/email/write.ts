import { randomUUID } from 'node:crypto'
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
 * The messages of a batch not stored yet: duplicates within the batch and those already stored
 * (same content hash or Message-ID) sorted out with one indexed lookup, so that the insert
 * carries only new rows.
 */
export async function freshMessages(db: Db, orgId: string, batch: MessageFacts[]): Promise<MessageFacts[]> {
  const hashes = new Set<string>()
  const ids = new Set<string>()
  const unique = batch.filter((m) => {
    if (hashes.has(m.contentHash) || (m.messageId && ids.has(m.messageId))) return false
    hashes.add(m.contentHash)
    if (m.messageId) ids.add(m.messageId)
    return true
  })
  if (unique.length === 0) return []
  const { rows: known } = await sql<{ content_hash: string; message_id: string | null }>`
    SELECT content_hash, message_id FROM email_messages WHERE org_id = ${orgId} AND content_hash = ANY(${[...hashes]}::text[])
    UNION ALL
    SELECT content_hash, message_id FROM email_messages WHERE org_id = ${orgId} AND message_id = ANY(${[...ids]}::text[])`.execute(db)
  const knownHashes = new Set(known.map((r) => r.content_hash))
  const knownIds = new Set(known.map((r) => r.message_id))
  return unique.filter((m) => !knownHashes.has(m.contentHash) && !(m.messageId && knownIds.has(m.messageId)))
}

/** Store new messages, each with its experience when it has one; ON CONFLICT DO NOTHING guards against a concurrent import. */
export async function insertMessages(db: Db, orgId: string, fresh: MessageFacts[], keepSubjects: boolean, experienceOf: Map<string, string>): Promise<number> {
  if (fresh.length === 0) return 0
  const col = <T>(pick: (m: MessageFacts) => T) => fresh.map(pick)
  const result = await sql`
    INSERT INTO email_messages (org_id, message_id, content_hash, sent_at, from_address, from_name, to_addresses, cc_addresses,
      subject, subject_key, thread_key, in_reply_to, reference_ids, is_reply, experience_id)
    SELECT ${orgId}::uuid, m.message_id, m.content_hash, m.sent_at, m.from_address, m.from_name,
      string_to_array(m.to_list, ' '), string_to_array(m.cc_list, ' '), m.subject, m.subject_key, m.thread_key, m.in_reply_to,
      string_to_array(m.reference_list, ' '), m.is_reply, m.experience_id
    FROM unnest(${col((m) => m.messageId)}::text[], ${col((m) => m.contentHash)}::text[], ${col((m) => m.sentAt.toISOString())}::timestamptz[],
      ${col((m) => m.from)}::text[], ${col((m) => m.fromName)}::text[], ${col((m) => list(m.to))}::text[], ${col((m) => list(m.cc))}::text[],
      ${col((m) => (keepSubjects ? m.subject : null))}::text[], ${col((m) => m.subjectKey)}::text[], ${col((m) => m.threadKey)}::text[],
      ${col((m) => m.inReplyTo)}::text[], ${col((m) => list(m.references))}::text[], ${col((m) => m.isReply)}::boolean[],
      ${col((m) => experienceOf.get(m.contentHash) ?? null)}::uuid[])
      AS m (message_id, content_hash, sent_at, from_address, from_name, to_list, cc_list, subject, subject_key, thread_key, in_reply_to, reference_list, is_reply, experience_id)
    ON CONFLICT DO NOTHING`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

type Match = ReturnType<typeof matchParticipants>
/** An experience to create for a message, its id chosen here so the message can point at it as it is written. */
type Planned = { experienceId: string; contentHash: string; sentAt: Date; subject: string | null; match: Match }

/** The experience of a message, when one of our people and a stakeholder took part. */
function plan(directory: Directory, m: { contentHash: string; from: string; to: string[]; cc: string[]; sentAt: Date }, subject: string | null): Planned | null {
  const match = matchParticipants(directory, m.from, [...m.to, ...m.cc])
  if (!match.userIds.length || !match.stakeholderIds.length) return null
  return { experienceId: randomUUID(), contentHash: m.contentHash, sentAt: m.sentAt, subject, match }
}

/** Create the planned experiences (one per content hash: `external_id`) and their participants; returns the ids created. */
async function insertExperiences(db: Db, orgId: string, planned: Planned[], createdBy: string | null) {
  const touched = { stakeholders: new Set<string>(), users: new Set<string>() }
  if (planned.length === 0) return { created: new Set<string>(), touched }
  const { rows } = await sql<{ id: string }>`
    INSERT INTO experiences (id, org_id, occurred_at, kind, direction, initiator, depth, title, source, external_id, account_id, created_by)
    SELECT e.id, ${orgId}::uuid, e.occurred_at, 'email', 'mutual', e.initiator, 'routine', e.title, 'email', e.external_id, e.account_id, ${createdBy}::uuid
    FROM unnest(${planned.map((p) => p.experienceId)}::uuid[], ${planned.map((p) => p.sentAt.toISOString())}::timestamptz[], ${planned.map((p) => (p.match.isFromUs ? 'us' : 'them'))}::text[],
      ${planned.map((p) => p.subject?.slice(0, 300) ?? null)}::text[], ${planned.map((p) => p.contentHash)}::text[], ${planned.map((p) => p.match.accountId)}::uuid[])
      AS e (id, occurred_at, initiator, title, external_id, account_id)
    ON CONFLICT (org_id, source, external_id) DO NOTHING
    RETURNING id`.execute(db)
  const created = new Set(rows.map((r) => r.id))
  const people = { se: [] as string[], s: [] as string[], ue: [] as string[], u: [] as string[] }
  for (const p of planned) {
    if (!created.has(p.experienceId)) continue
    for (const s of p.match.stakeholderIds) {
      people.se.push(p.experienceId)
      people.s.push(s)
      touched.stakeholders.add(s)
    }
    for (const u of p.match.userIds) {
      people.ue.push(p.experienceId)
      people.u.push(u)
      touched.users.add(u)
    }
  }
  if (created.size) {
    await sql`INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id)
      SELECT ${orgId}::uuid, x.e, x.s FROM unnest(${people.se}::uuid[], ${people.s}::uuid[]) AS x (e, s) ON CONFLICT DO NOTHING`.execute(db)
    await sql`INSERT INTO experience_users (org_id, experience_id, user_id)
      SELECT ${orgId}::uuid, x.e, x.u FROM unnest(${people.ue}::uuid[], ${people.u}::uuid[]) AS x (e, u) ON CONFLICT DO NOTHING`.execute(db)
  }
  return { created, touched }
}

/**
 * Experiences for messages stored earlier without one whose people are known now (a re-run
 * after new stakeholders, or accepted suggestions): `candidates` are looked up by content hash.
 */
export async function linkExperiences(db: Db, orgId: string, directory: Directory, candidates: { contentHash: string; from: string; to: string[]; cc: string[] }[], createdBy: string | null) {
  const matching = new Set(candidates.filter((m) => plan(directory, { ...m, sentAt: new Date(0) }, null)).map((m) => m.contentHash))
  if (matching.size === 0) return { experiences: 0, touched: { stakeholders: new Set<string>(), users: new Set<string>() } }
  const stored = await db
    .selectFrom('email_messages')
    .select(['id', 'content_hash', 'sent_at', 'subject', 'from_address', 'to_addresses', 'cc_addresses'])
    .where('org_id', '=', orgId)
    .where('content_hash', 'in', [...matching])
    .where('experience_id', 'is', null)
    .execute()
  const planned = stored.map((r) => ({ row: r, planned: plan(directory, { contentHash: r.content_hash, from: r.from_address, to: r.to_addresses, cc: r.cc_addresses, sentAt: r.sent_at }, r.subject)! }))
  const { created, touched } = await insertExperiences(db, orgId, planned.map((p) => p.planned), createdBy)
  const linked = planned.filter((p) => created.has(p.planned.experienceId))
  if (linked.length) {
    await sql`UPDATE email_messages m SET experience_id = x.e
      FROM unnest(${linked.map((p) => p.row.id)}::uuid[], ${linked.map((p) => p.planned.experienceId)}::uuid[]) AS x (m, e)
      WHERE m.org_id = ${orgId}::uuid AND m.id = x.m`.execute(db)
  }
  return { experiences: created.size, touched }
}

/** Write one batch in one transaction; a crash midway leaves nothing of it. */
export async function writeBatch(db: Db, actor: Actor, directory: Directory, batch: MessageFacts[]): Promise<BatchResult> {
  return db.transaction().execute(async (trx) => {
    // A batch is all or nothing and re-running the import redoes whatever a crash lost, so the
    // commit need not wait for the disk: the last batches before a power cut may be lost, never torn.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx)
    const createdBy = actingUserId(actor)
    const fresh = await freshMessages(trx, actor.orgId, batch)
    // New messages: their experiences first, so each message is written once, pointing at its own.
    const planned = fresh.map((m) => plan(directory, m, directory.keepSubjects ? m.subject : null)).filter((p): p is Planned => p !== null)
    const made = await insertExperiences(trx, actor.orgId, planned, createdBy)
    const experienceOf = new Map(planned.filter((p) => made.created.has(p.experienceId)).map((p) => [p.contentHash, p.experienceId]))
    const inserted = await insertMessages(trx, actor.orgId, fresh, directory.keepSubjects, experienceOf)
    // Messages stored before: those whose people became known since get their experience now.
    const freshHashes = new Set(fresh.map((m) => m.contentHash))
    const relinked = await linkExperiences(trx, actor.orgId, directory, batch.filter((m) => !freshHashes.has(m.contentHash)), createdBy)
    const experiences = made.created.size + relinked.experiences
    const touched = {
      stakeholders: new Set([...made.touched.stakeholders, ...relinked.touched.stakeholders]),
      users: new Set([...made.touched.users, ...relinked.touched.users]),
    }
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
