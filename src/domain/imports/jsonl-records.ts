import type { Db } from '../../db/connect.ts'
import { addDetail, addFailure, type ImportReport } from './report.ts'
import { anyRef, isUuid, recordRef, requiredUserRef, rewriteUuids, userRef, type Mapper } from './ids.ts'

// Re-import of the export's API-shaped records (users, accounts, stakeholders, relationships,
// experiences with their participants, audit entries), every reference rewritten by the Mapper.
// The generic table records are in export-tables.ts.

export type Row = Record<string, unknown>
/** One record of the file: where it is (file:line) and its data. */
export type Item = { where: string; data: Row }
/** What one batch changes, kept only if its transaction commits. */
export type Local = { report: ImportReport; users: Map<string, string>; managers: [string, string][]; reportsTo: [string, string][] }

const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : null)
const text = (v: unknown) => (typeof v === 'string' ? v : null)
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** A survey answer's experience: its external id is the id of the survey response, rewritten like it. */
const surveyAnswer = (e: Row) => e.source === 'survey' && isUuid(e.externalId)

/** Created and skipped counts of a batch whose inserts returned `inserted` rows. */
export function countInserted(local: Local, label: string, rows: number, inserted: number) {
  local.report.created += inserted
  local.report.skippedDuplicate += rows - inserted
  addDetail(local.report, label, inserted)
}

/**
 * Users are matched by e-mail in the target organisation; the others are created (without
 * password), with their manager when already known (the caller sorts managers first). An address
 * used in another organisation of this server cannot be imported: reported, and that user's
 * references fall back (see requiredUserRef).
 */
async function insertUsers(trx: Db, m: Mapper, items: Item[], local: Local) {
  const known = (old: unknown) => (typeof old === 'string' ? (local.users.get(old) ?? m.users.get(old) ?? null) : null)
  for (const { where, data: u } of items) {
    const email = String(u.email)
    const oldId = String(u.id)
    const existing = await trx.selectFrom('users').select(['id', 'org_id', 'manager_id']).where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst()
    if (existing && existing.org_id !== m.orgId) {
      addFailure(local.report, `${where} (user ${email})`, `this address belongs to a user of another organisation on this server; their records keep no user, or ${m.actingUserId ? 'go to the importing user' : 'fail (import with --as to take them over)'} where a user is required`)
      continue
    }
    const manager = known(u.managerId)
    if (existing) {
      local.users.set(oldId, existing.id)
      if (existing.id === m.record(oldId)) {
        local.report.skippedDuplicate++
        if (typeof u.managerId === 'string' && !existing.manager_id) local.managers.push([existing.id, u.managerId])
      } else local.report.matched++
      continue
    }
    const row = await trx.insertInto('users').values({
      id: m.record(oldId), org_id: m.orgId, email, name: String(u.name), role: String(u.role), manager_id: manager,
      time_zone: text(u.timeZone) ?? undefined, digest_opt_out: u.digestOptOut === true, archived_at: date(u.archivedAt), created_at: date(u.createdAt) ?? undefined,
    }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst()
    if (!row) {
      addFailure(local.report, `${where} (user ${email})`, 'its id is taken by another record on this server')
      continue
    }
    local.users.set(oldId, row.id)
    if (typeof u.managerId === 'string' && !manager) local.managers.push([row.id, u.managerId])
    local.report.created++
    addDetail(local.report, 'users', 1)
  }
}

/** Items whose required user can be resolved; the others are reported. */
function withUser(m: Mapper, items: Item[], local: Local, field: string): [Item, string][] {
  const out: [Item, string][] = []
  for (const item of items) {
    const user = requiredUserRef(m, item.data[field])
    if (user) out.push([item, user])
    else addFailure(local.report, item.where, `its user ${String(item.data[field])} was not imported and the import runs without a user to take it over (--as)`)
  }
  return out
}

export async function insertRecords(trx: Db, m: Mapper, type: string, items: Item[], local: Local): Promise<void> {
  const orgId = m.orgId
  const rows = items.map((i) => i.data)
  if (type === 'user') return insertUsers(trx, m, items, local)
  if (type === 'account') {
    const r = await trx.insertInto('accounts').values(rows.map((a) => ({
      id: m.record(String(a.id)), org_id: orgId, name: String(a.name), domains: list(a.domains), tier: String(a.tier), industry: text(a.industry), owner_id: userRef(m, a.ownerId),
      status: String(a.status), notes: text(a.notes), created_at: date(a.createdAt) ?? undefined, updated_at: date(a.updatedAt) ?? undefined, archived_at: date(a.archivedAt),
    }))).onConflict((oc) => oc.doNothing()).returning('id').execute()
    return countInserted(local, 'accounts', rows.length, r.length)
  }
  if (type === 'stakeholder') {
    const r = await trx.insertInto('stakeholders').values(rows.map((s) => ({
      id: m.record(String(s.id)), org_id: orgId, account_id: recordRef(m, s.accountId), name: String(s.name), emails: list(s.emails), phones: list(s.phones), title: text(s.title),
      influence: Number(s.influence), attitude: String(s.attitude), goals: text(s.goals), pains: text(s.pains), interests: text(s.interests),
      personal_notes: text(s.personalNotes), has_consent: s.hasConsent === true, consent_at: date(s.consentAt),
      search_text: [s.name, ...list(s.emails), s.title ?? ''].join(' ').toLowerCase().trim(),
      created_at: date(s.createdAt) ?? undefined, updated_at: date(s.updatedAt) ?? undefined, archived_at: date(s.archivedAt),
    }))).onConflict((oc) => oc.doNothing()).returning('id').execute()
    for (const s of rows) if (typeof s.reportsToId === 'string') local.reportsTo.push([m.record(String(s.id)), m.record(s.reportsToId)])
    return countInserted(local, 'stakeholders', rows.length, r.length)
  }
  if (type === 'relationship') {
    const values = withUser(m, items, local, 'userId').map(([{ data: x }, user]) => ({
      id: m.record(String(x.id)), org_id: orgId, user_id: user, stakeholder_id: m.record(String(x.stakeholderId)), importance: Number(x.importance), cadence_days: Number(x.cadenceDays),
      target_strength: Number(x.targetStrength), private_notes: text(x.privateNotes), created_at: date(x.createdAt) ?? undefined, updated_at: date(x.updatedAt) ?? undefined, archived_at: date(x.archivedAt),
    }))
    const r = values.length ? await trx.insertInto('relationships').values(values).onConflict((oc) => oc.doNothing()).returning('id').execute() : []
    return countInserted(local, 'relationships', values.length, r.length)
  }
  if (type === 'experience') {
    const r = await trx.insertInto('experiences').values(rows.map((e) => ({
      id: m.record(String(e.id)), org_id: orgId, occurred_at: String(e.occurredAt), kind: String(e.kind), valence: typeof e.valence === 'number' ? e.valence : null, direction: String(e.direction),
      initiator: String(e.initiator), depth: String(e.depth), title: text(e.title), notes: text(e.notes), source: String(e.source), external_id: surveyAnswer(e) ? m.record(String(e.externalId)) : text(e.externalId),
      account_id: recordRef(m, e.accountId), created_by: userRef(m, e.createdBy), created_at: date(e.createdAt) ?? undefined, updated_at: date(e.updatedAt) ?? undefined, archived_at: date(e.archivedAt),
    }))).onConflict((oc) => oc.doNothing()).returning('id').execute()
    const created = new Set(r.map((x) => x.id))
    const fresh = rows.filter((e) => created.has(m.record(String(e.id))))
    const es = fresh.flatMap((e) => list(e.stakeholderIds).map((s) => ({ org_id: orgId, experience_id: m.record(String(e.id)), stakeholder_id: m.record(s) })))
    const eu = fresh.flatMap((e) => list(e.userIds).map((u) => userRef(m, u)).filter((u): u is string => !!u).map((u) => ({ org_id: orgId, experience_id: m.record(String(e.id)), user_id: u })))
    if (es.length) await trx.insertInto('experience_stakeholders').values(es).onConflict((oc) => oc.doNothing()).execute()
    if (eu.length) await trx.insertInto('experience_users').values(eu).onConflict((oc) => oc.doNothing()).execute()
    return countInserted(local, 'experiences', rows.length, r.length)
  }
  if (type === 'audit') return insertAudit(trx, m, rows, local)
}

/**
 * The history of the exported organisation, kept as it was (dates and actors), ids rewritten in
 * the entries and in their before/after. An entry already there (same time, action and entity)
 * is skipped, so re-running an import does not repeat history.
 */
async function insertAudit(trx: Db, m: Mapper, rows: Row[], local: Local) {
  const map = anyRef(m)
  const values = rows.map((a) => ({
    org_id: m.orgId, actor_id: userRef(m, a.actorId), action: String(a.action), entity_type: String(a.entityType), entity_id: isUuid(a.entityId) ? map(a.entityId) : text(a.entityId),
    before: a.before == null ? null : JSON.stringify(rewriteUuids(a.before, map)), after: a.after == null ? null : JSON.stringify(rewriteUuids(a.after, map)), at: date(a.at) ?? new Date(),
  }))
  const key = (v: { at: Date; action: string; entity_id: string | null }) => `${v.at.toISOString()}|${v.action}|${v.entity_id ?? ''}`
  const times = values.map((v) => v.at.getTime())
  const existing = await trx.selectFrom('audit_log').select(['at', 'action', 'entity_id']).where('org_id', '=', m.orgId)
    .where('at', '>=', new Date(Math.min(...times))).where('at', '<=', new Date(Math.max(...times))).execute()
  const seen = new Set(existing.map(key))
  const fresh = values.filter((v) => !seen.has(key(v)))
  if (fresh.length) await trx.insertInto('audit_log').values(fresh).execute()
  local.report.skippedDuplicate += values.length - fresh.length
  addDetail(local.report, 'audit entries', fresh.length)
}
