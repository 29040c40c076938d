import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { notFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { searchTextOf } from '../stakeholders/schema.ts'
import { refreshTrustAfterWrite } from '../trust/refresh.ts'
import { actingUserId } from '../imports/report.ts'
import { managedUserIds } from '../users/visibility.ts'
import { loadDirectory } from './directory.ts'
import { domainOf, foldAddress } from './headers.ts'
import * as q from './queries.ts'
import {
  toEmailMessage,
  type AcceptSuggestionsBody, type AcceptSuggestionsResult, type EmailSettings, type ListMessagesQuery, type Suggestions, type SuggestionsQuery,
  type UnansweredQuery,
} from './schema.ts'
import { linkExperiences } from './write.ts'

export async function getEmailSettings(db: Db, actor: Actor): Promise<EmailSettings> {
  const org = await db.selectFrom('organisations').select('settings').where('id', '=', actor.orgId).executeTakeFirstOrThrow()
  return { captureSubjects: org.settings.captureSubjects === true }
}

/** Subjects kept from now on (or no longer: stored subjects are erased when it is turned off). */
export async function updateEmailSettings(db: Db, actor: Actor, body: EmailSettings): Promise<EmailSettings> {
  return db.transaction().execute(async (trx) => {
    const before = await getEmailSettings(trx, actor)
    await trx.updateTable('organisations').set({ settings: sql`settings || ${JSON.stringify({ captureSubjects: body.captureSubjects })}::jsonb` as never }).where('id', '=', actor.orgId).execute()
    if (!body.captureSubjects) {
      await trx.updateTable('email_messages').set({ subject: null }).where('org_id', '=', actor.orgId).where('subject', 'is not', null).execute()
      // The subjects were the titles of the experiences made from that mail: they go too.
      await trx.updateTable('experiences').set({ title: null }).where('org_id', '=', actor.orgId).where('source', '=', 'email').where('title', 'is not', null)
        .where('id', 'in', (eb) => eb.selectFrom('email_messages').select('experience_id').where('org_id', '=', actor.orgId).where('experience_id', 'is not', null)).execute()
    }
    await recordAudit(trx, actor, 'email.settings_updated', 'organisation', actor.orgId, before, body)
    return body
  })
}

type MessageRow = Awaited<ReturnType<typeof q.listThreadRows>>[number]

/** The folded addresses of the users whose mail subjects the actor sees (undefined: everyone's, for an admin). */
async function managedAddresses(db: Db, actor: Actor): Promise<Set<string> | undefined> {
  const managed = await managedUserIds(db, actor)
  if (!managed) return undefined
  const rows = await db.selectFrom('users').select('email').where('org_id', '=', actor.orgId).where('id', 'in', [...managed]).execute()
  return new Set(rows.map((r) => foldAddress(r.email)))
}

const tookPart = (row: MessageRow, addresses: Set<string>) =>
  addresses.has(row.from_address) || row.to_addresses.some((a) => addresses.has(a)) || row.cc_addresses.some((a) => addresses.has(a))

/**
 * Messages as the actor may see them: a subject only to the people in the mail (sender, to, cc),
 * the managers above them and admins. Who the actor manages is read once, and only when a
 * message has a subject at all.
 */
async function messagesForActor(db: Db, actor: Actor, rows: MessageRow[]) {
  const addresses = rows.some((r) => r.subject !== null) ? await managedAddresses(db, actor) : undefined
  return rows.map((r) => toEmailMessage(r, r.subject !== null && addresses !== undefined && !tookPart(r, addresses)))
}

export async function listMessages(db: Db, actor: Actor, query: ListMessagesQuery) {
  let select = db.selectFrom('email_messages').selectAll().where('org_id', '=', actor.orgId)
  if (query.experienceId) select = select.where('experience_id', '=', query.experienceId)
  if (query.address) {
    const address = foldAddress(query.address)
    select = select.where(sql<boolean>`(from_address = ${address} OR ${address} = ANY(to_addresses) OR ${address} = ANY(cc_addresses))`)
  }
  const rows = await select.orderBy('sent_at', 'desc').orderBy('id').limit(query.limit ?? 100).execute()
  return { items: await messagesForActor(db, actor, rows) }
}

export async function getMessage(db: Db, actor: Actor, id: string) {
  const row = await q.getMessageRow(db, actor.orgId, id)
  if (!row) throw notFound('Message')
  return (await messagesForActor(db, actor, [row]))[0]!
}

/** A thread's messages in order; two-way when both our people and others wrote in it. */
export async function getThread(db: Db, actor: Actor, threadKey: string) {
  const rows = await q.listThreadRows(db, actor.orgId, threadKey)
  if (rows.length === 0) throw notFound('Thread')
  const users = await db.selectFrom('users').select('email').where('org_id', '=', actor.orgId).execute()
  const ours = new Set(users.map((u) => foldAddress(u.email)))
  const fromUs = rows.filter((r) => ours.has(r.from_address)).length
  return { threadKey, isTwoWay: fromUs > 0 && fromUs < rows.length, messages: await messagesForActor(db, actor, rows) }
}

/** Frequent correspondents of our people who are not stakeholders yet, by domain, most messages first. */
export async function getSuggestions(db: Db, actor: Actor, query: SuggestionsQuery): Promise<Suggestions> {
  const limit = query.limit ?? 300
  const directory = await loadDirectory(db, actor.orgId)
  const rows = await q.listCorrespondents(db, actor.orgId, query.minMessages ?? 3, limit + directory.stakeholders.size)
  const domains = new Map<string, Suggestions['domains'][number]>()
  for (const r of rows.filter((row) => !directory.stakeholders.has(row.address)).slice(0, limit)) {
    const domain = domainOf(r.address) ?? r.address
    const group = domains.get(domain) ?? { domain, accountId: null, accountName: null, messages: 0, people: [] }
    group.messages += r.messages
    group.people.push({ address: r.address, name: r.name, messages: r.messages, lastAt: r.last_at.toISOString() })
    domains.set(domain, group)
  }
  if (domains.size) {
    const accounts = await db.selectFrom('accounts').select(['id', 'name', 'domains']).where('org_id', '=', actor.orgId).where('archived_at', 'is', null)
      .where(sql<boolean>`domains && ${sql.val([...domains.keys()])}::text[]`).execute()
    for (const a of accounts) {
      for (const d of a.domains) {
        const group = domains.get(d.toLowerCase())
        if (group && !group.accountId) Object.assign(group, { accountId: a.id, accountName: a.name })
      }
    }
  }
  return { domains: [...domains.values()].sort((a, b) => b.messages - a.messages || a.domain.localeCompare(b.domain)) }
}

const nameFromAddress = (address: string) =>
  address.split('@')[0]!.split(/[._-]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ').slice(0, 200) || address.slice(0, 200)

/**
 * Make stakeholders of suggested correspondents: each at the account of their domain (created,
 * named after the domain, when none has it), then turn the captured messages they took part in
 * into experiences, and refresh the trust of everyone touched. One transaction.
 */
export async function acceptSuggestions(db: Db, actor: Actor, body: AcceptSuggestionsBody): Promise<AcceptSuggestionsResult> {
  return db.transaction().execute(async (trx) => {
    const directory = await loadDirectory(trx, actor.orgId)
    const people = new Map<string, string | undefined>()
    const alreadyKnown: string[] = []
    for (const p of body.people) {
      const address = foldAddress(p.address)
      if (directory.users.has(address) || directory.stakeholders.has(address)) alreadyKnown.push(p.address)
      else if (!people.has(address)) people.set(address, p.name?.trim())
    }
    let accountsCreated = 0
    const stakeholderIds: string[] = []
    for (const [address, name] of people) {
      const domain = domainOf(address)!
      let accountId = directory.accountsByDomain.get(domain) ?? null
      if (!accountId) {
        const account = await trx.insertInto('accounts').values({ org_id: actor.orgId, name: domain.slice(0, 200), domains: [domain] }).returning(['id', 'name', 'domains']).executeTakeFirstOrThrow()
        await recordAudit(trx, actor, 'account.created', 'account', account.id, null, { ...account, via: 'email suggestions' })
        directory.accountsByDomain.set(domain, account.id)
        accountId = account.id
        accountsCreated++
      }
      const stakeholderName = name || nameFromAddress(address)
      const row = await trx.insertInto('stakeholders')
        .values({ org_id: actor.orgId, name: stakeholderName, emails: [address], account_id: accountId, search_text: searchTextOf({ name: stakeholderName, emails: [address], title: null }) })
        .returning(['id', 'name', 'emails', 'account_id']).executeTakeFirstOrThrow()
      await recordAudit(trx, actor, 'stakeholder.created', 'stakeholder', row.id, null, { ...row, via: 'email suggestions' })
      directory.stakeholders.set(address, { id: row.id, accountId })
      stakeholderIds.push(row.id)
    }
    let experiencesCreated = 0
    if (people.size) {
      const rows = await q.listUnlinkedMessages(trx, actor.orgId, [...people.keys()])
      const touched = { stakeholders: new Set<string>(), users: new Set<string>() }
      // In slices: the lookup by content hash is one bound parameter per message.
      for (let i = 0; i < rows.length; i += 5000) {
        const facts = rows.slice(i, i + 5000).map((r) => ({ contentHash: r.content_hash, from: r.from_address, to: r.to_addresses, cc: r.cc_addresses }))
        const linked = await linkExperiences(trx, actor.orgId, directory, facts, actingUserId(actor))
        experiencesCreated += linked.experiences
        linked.touched.stakeholders.forEach((id) => touched.stakeholders.add(id))
        linked.touched.users.forEach((id) => touched.users.add(id))
      }
      if (experiencesCreated) await refreshTrustAfterWrite(trx, actor.orgId, [...touched.stakeholders], [...touched.users])
    }
    return { stakeholderIds, stakeholdersCreated: stakeholderIds.length, accountsCreated, alreadyKnown, experiencesCreated }
  })
}

export async function listUnanswered(db: Db, actor: Actor, query: UnansweredQuery, now = new Date()) {
  const cutoff = now.getTime() - (query.olderThanHours ?? 24) * 3_600_000
  const rows = (await q.listInbound(db, actor.orgId, {})).filter((r) => r.replied_at === null && r.sent_at.getTime() <= cutoff)
  rows.sort((a, b) => a.sent_at.getTime() - b.sent_at.getTime())
  return {
    total: rows.length,
    items: rows.slice(0, query.limit ?? 100).map((r) => ({
      messageId: r.id,
      threadKey: r.thread_key,
      sentAt: r.sent_at.toISOString(),
      from: r.from_address,
      stakeholderId: r.stakeholder_id,
      accountId: r.account_id,
      recipientUserIds: r.recipient_ids,
      ageHours: Math.floor((now.getTime() - r.sent_at.getTime()) / 3_600_000),
    })),
  }
}
