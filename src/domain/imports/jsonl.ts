import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { createInterface } from 'node:readline'
import type { Db } from '../../db/connect.ts'
import { actingUserId, addDetail, addFailure, emptyReport, type ImportReport } from './report.ts'
import type { ImportContext } from './importers.ts'
import { recomputeOrganisation } from '../trust/refresh.ts'

// Re-import of `tend export` (JSON lines, one `{"type":…,"data":{…}}` per record) into an
// organisation, typically a fresh one on another server. Records keep their ids, so running it
// again skips what is there; users are matched by e-mail (they come without passwords: they
// sign in after an invitation or `tend user password`). Scores are recomputed at the end.

type Row = Record<string, unknown>
const BATCH = 500
const ORDER = ['organisation', 'user', 'account', 'stakeholder', 'relationship', 'experience', 'audit']

const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : null)
const text = (v: unknown) => (typeof v === 'string' ? v : null)
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

type State = { users: Map<string, string>; managers: [string, string][]; reportsTo: [string, string][] }

async function insertUsers(trx: Db, ctx: ImportContext, rows: Row[], state: State, report: ImportReport) {
  for (const u of rows) {
    const email = String(u.email)
    const existing = await trx.selectFrom('users').select(['id', 'org_id']).where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst()
    if (existing && existing.org_id !== ctx.orgId) {
      addFailure(report, `user ${email}`, 'this address belongs to a user of another organisation on this server')
      continue
    }
    if (existing) {
      state.users.set(String(u.id), existing.id)
      report.skippedDuplicate++
      continue
    }
    const row = await trx.insertInto('users').values({ id: String(u.id), org_id: ctx.orgId, email, name: String(u.name), role: String(u.role), manager_id: null, archived_at: date(u.archivedAt), created_at: date(u.createdAt) ?? undefined })
      .onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst()
    if (!row) {
      addFailure(report, `user ${email}`, 'its id is taken by another record on this server')
      continue
    }
    state.users.set(String(u.id), row.id)
    if (typeof u.managerId === 'string') state.managers.push([row.id, u.managerId])
    report.created++
  }
}

const userOf = (state: State, id: unknown) => (typeof id === 'string' ? (state.users.get(id) ?? null) : null)

async function insertBatch(trx: Db, ctx: ImportContext, type: string, rows: Row[], state: State, report: ImportReport) {
  const orgId = ctx.orgId
  const count = (inserted: number) => {
    report.created += inserted
    report.skippedDuplicate += rows.length - inserted
    addDetail(report, `${type}s`, inserted)
  }
  if (type === 'user') return insertUsers(trx, ctx, rows, state, report)
  if (type === 'account') {
    const r = await trx.insertInto('accounts').values(rows.map((a) => ({
      id: String(a.id), org_id: orgId, name: String(a.name), domains: list(a.domains), tier: String(a.tier), industry: text(a.industry), owner_id: userOf(state, a.ownerId),
      status: String(a.status), notes: text(a.notes), created_at: date(a.createdAt) ?? undefined, updated_at: date(a.updatedAt) ?? undefined, archived_at: date(a.archivedAt),
    }))).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()
    return count(r.length)
  }
  if (type === 'stakeholder') {
    const r = await trx.insertInto('stakeholders').values(rows.map((s) => ({
      id: String(s.id), org_id: orgId, account_id: text(s.accountId), name: String(s.name), emails: list(s.emails), phones: list(s.phones), title: text(s.title),
      influence: Number(s.influence), attitude: String(s.attitude), goals: text(s.goals), pains: text(s.pains), interests: text(s.interests),
      personal_notes: text(s.personalNotes), has_consent: s.hasConsent === true, consent_at: date(s.consentAt),
      search_text: [s.name, ...list(s.emails), s.title ?? ''].join(' ').toLowerCase().trim(),
      created_at: date(s.createdAt) ?? undefined, updated_at: date(s.updatedAt) ?? undefined, archived_at: date(s.archivedAt),
    }))).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()
    for (const s of rows) if (typeof s.reportsToId === 'string') state.reportsTo.push([String(s.id), s.reportsToId])
    return count(r.length)
  }
  if (type === 'relationship') {
    const values = rows.filter((x) => userOf(state, x.userId)).map((x) => ({
      id: String(x.id), org_id: orgId, user_id: userOf(state, x.userId)!, stakeholder_id: String(x.stakeholderId), importance: Number(x.importance), cadence_days: Number(x.cadenceDays),
      target_strength: Number(x.targetStrength), private_notes: text(x.privateNotes), created_at: date(x.createdAt) ?? undefined, updated_at: date(x.updatedAt) ?? undefined, archived_at: date(x.archivedAt),
    }))
    const r = values.length ? await trx.insertInto('relationships').values(values).onConflict((oc) => oc.doNothing()).returning('id').execute() : []
    return count(r.length)
  }
  if (type === 'experience') {
    const r = await trx.insertInto('experiences').values(rows.map((e) => ({
      id: String(e.id), org_id: orgId, occurred_at: String(e.occurredAt), kind: String(e.kind), valence: typeof e.valence === 'number' ? e.valence : null, direction: String(e.direction),
      initiator: String(e.initiator), depth: String(e.depth), title: text(e.title), notes: text(e.notes), source: String(e.source), external_id: text(e.externalId),
      account_id: text(e.accountId), created_by: userOf(state, e.createdBy), created_at: date(e.createdAt) ?? undefined, updated_at: date(e.updatedAt) ?? undefined, archived_at: date(e.archivedAt),
    }))).onConflict((oc) => oc.doNothing()).returning('id').execute()
    const created = new Set(r.map((x) => x.id))
    const fresh = rows.filter((e) => created.has(String(e.id)))
    const es = fresh.flatMap((e) => list(e.stakeholderIds).map((s) => ({ org_id: orgId, experience_id: String(e.id), stakeholder_id: s })))
    const eu = fresh.flatMap((e) => list(e.userIds).map((u) => userOf(state, u)).filter((u): u is string => !!u).map((u) => ({ org_id: orgId, experience_id: String(e.id), user_id: u })))
    if (es.length) await trx.insertInto('experience_stakeholders').values(es).onConflict((oc) => oc.doNothing()).execute()
    if (eu.length) await trx.insertInto('experience_users').values(eu).onConflict((oc) => oc.doNothing()).execute()
    return count(r.length)
  }
  if (type === 'audit') {
    // History of the other server: kept as it was (dates and actors), after the import's own entries.
    await trx.insertInto('audit_log').values(rows.map((a) => ({
      org_id: orgId, actor_id: userOf(state, a.actorId), action: String(a.action), entity_type: String(a.entityType), entity_id: text(a.entityId),
      before: a.before == null ? null : JSON.stringify(a.before), after: a.after == null ? null : JSON.stringify(a.after), at: date(a.at) ?? undefined,
    }))).execute()
    addDetail(report, 'audit entries', rows.length)
  }
}

/** The importer of the dispatch table for a `tend export` file. */
export async function importExportFile(ctx: ImportContext, path: string): Promise<ImportReport> {
  const report = emptyReport()
  const name = basename(path)
  const state: State = { users: new Map(), managers: [], reportsTo: [] }
  // Users already in the target organisation are known by their e-mail.
  let pending: { type: string; rows: Row[] } = { type: '', rows: [] }
  const alreadyHasAudit = await ctx.db.selectFrom('audit_log').select('id').where('org_id', '=', ctx.orgId).where('action', '=', 'export.imported').executeTakeFirst()
  const flush = async () => {
    if (!pending.rows.length) return
    const { type, rows } = pending
    pending = { type, rows: [] }
    if (type === 'audit' && alreadyHasAudit) return
    await ctx.db.transaction().execute((trx) => insertBatch(trx, ctx, type, rows, state, report))
    ctx.onProgress?.({ records: rows.length, bytes: 0 })
  }
  let line = 0
  let lastOrder = 0
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line++
    if (!text.trim()) continue
    let record: { type?: unknown; data?: unknown }
    try {
      record = JSON.parse(text) as { type?: unknown; data?: unknown }
    } catch {
      addFailure(report, `${name}:${line}`, 'not a JSON line')
      continue
    }
    const type = typeof record.type === 'string' ? record.type : ''
    const order = ORDER.indexOf(type)
    if (order < 0 || typeof record.data !== 'object' || record.data === null) {
      addFailure(report, `${name}:${line}`, `not an export record (type "${type}")`)
      continue
    }
    if (order < lastOrder) {
      addFailure(report, `${name}:${line}`, `a ${type} after the ${ORDER[lastOrder]}s: the file is not in export order`)
      continue
    }
    lastOrder = order
    if (type === 'organisation') continue
    if (type !== pending.type || pending.rows.length >= BATCH) await flush()
    pending.type = type
    pending.rows.push(record.data as Row)
  }
  await flush()
  await ctx.db.transaction().execute(async (trx) => {
    for (const [userId, managerId] of state.managers) {
      const manager = state.users.get(managerId)
      if (manager) await trx.updateTable('users').set({ manager_id: manager }).where('org_id', '=', ctx.orgId).where('id', '=', userId).execute()
    }
    for (const [id, reportsTo] of state.reportsTo) await trx.updateTable('stakeholders').set({ reports_to_id: reportsTo }).where('org_id', '=', ctx.orgId).where('id', '=', id).where('reports_to_id', 'is', null).execute()
    await trx.insertInto('audit_log').values({ org_id: ctx.orgId, actor_id: actingUserId(ctx.actor), action: 'export.imported', entity_type: 'organisation', entity_id: ctx.orgId, before: null, after: JSON.stringify({ file: name, created: report.created }) }).execute()
  })
  await recomputeOrganisation(ctx.db, ctx.orgId, new Date())
  return report
}
