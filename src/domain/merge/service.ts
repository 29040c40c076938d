import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { getAccountRow } from '../accounts/queries.ts'
import { toAccount, type Account } from '../accounts/schema.ts'
import { recordAudit } from '../audit/queries.ts'
import type { Actor } from '../auth/roles.ts'
import { getStakeholderRow } from '../stakeholders/queries.ts'
import { searchTextOf, toStakeholder, type Stakeholder } from '../stakeholders/schema.ts'
import { refreshAccountScores, refreshTrustAfterWrite } from '../trust/refresh.ts'
import { AppError, notFound, unprocessable } from '../../lib/errors.ts'
import { repointReferences } from './references.ts'
import type { MergeSuggestions } from './schema.ts'

// Merging duplicates: the kept record takes every experience, relationship and note of the
// other, which is archived with its addresses cleared (it stays in the audit trail). Two
// relationships of the same user with the two people become one. Trust is recomputed for all
// that moved, in the same transaction.

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])]
/** Both notes kept: the kept record's first, the merged one's below a marker. */
function joinNotes(keep: string | null, other: string | null, otherName: string): string | null {
  if (!other?.trim() || other === keep) return keep
  if (!keep?.trim()) return other
  return `${keep}\n\n— merged from ${otherName} —\n${other}`
}

/** Merge stakeholder `mergeId` into `keepId`. */
export async function mergeStakeholders(db: Db, actor: Actor, keepId: string, mergeId: string): Promise<Stakeholder> {
  if (keepId === mergeId) throw unprocessable('#/mergeId', 'is the stakeholder to keep itself')
  return db.transaction().execute(async (trx) => {
    const orgId = actor.orgId
    const keep = await getStakeholderRow(trx, orgId, keepId)
    if (!keep) throw notFound('Stakeholder')
    const other = await getStakeholderRow(trx, orgId, mergeId)
    if (!other) throw new AppError('invalid_reference', 'The stakeholder to merge does not exist in this organisation', [{ pointer: '#/mergeId', detail: 'is not a stakeholder of this organisation' }])
    if (other.archived_at) throw unprocessable('#/mergeId', 'is archived (already merged?)')

    // Experiences: the kept person takes part in everything the other did.
    await sql`INSERT INTO experience_stakeholders (org_id, experience_id, stakeholder_id)
      SELECT org_id, experience_id, ${keepId}::uuid FROM experience_stakeholders WHERE org_id = ${orgId}::uuid AND stakeholder_id = ${mergeId}::uuid
      ON CONFLICT DO NOTHING`.execute(trx)
    await trx.deleteFrom('experience_stakeholders').where('org_id', '=', orgId).where('stakeholder_id', '=', mergeId).execute()

    // Relationships: moved, or folded into the same user's relationship with the kept person.
    const relationships = await trx.selectFrom('relationships').selectAll().where('org_id', '=', orgId).where('stakeholder_id', 'in', [keepId, mergeId]).execute()
    const users = new Set<string>()
    for (const moved of relationships.filter((r) => r.stakeholder_id === mergeId)) {
      users.add(moved.user_id)
      const existing = relationships.find((r) => r.stakeholder_id === keepId && r.user_id === moved.user_id)
      if (!existing) {
        await trx.updateTable('relationships').set({ stakeholder_id: keepId, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', moved.id).execute()
        continue
      }
      await trx.updateTable('relationships').set({
        importance: Math.max(existing.importance, moved.importance),
        cadence_days: Math.min(existing.cadence_days, moved.cadence_days),
        target_strength: Math.max(existing.target_strength, moved.target_strength),
        private_notes: joinNotes(existing.private_notes, moved.private_notes, other.name),
        archived_at: existing.archived_at && moved.archived_at ? existing.archived_at : null,
        updated_at: new Date(),
      }).where('org_id', '=', orgId).where('id', '=', existing.id).execute()
      await trx.deleteFrom('relationships').where('org_id', '=', orgId).where('id', '=', moved.id).execute()
      await recordAudit(trx, actor, 'relationship.merged', 'relationship', existing.id, { merged: moved.id }, { into: existing.id })
    }
    for (const r of relationships) users.add(r.user_id)

    // Reporting lines that pointed at the merged person now point at the kept one.
    const repointed = await repointReferences(trx, orgId, 'stakeholders', mergeId, keepId, ['stakeholders', 'relationships', 'stakeholder_scores', 'stakeholder_histories', 'experience_stakeholders'])
    await trx.updateTable('stakeholders').set({ reports_to_id: keepId }).where('org_id', '=', orgId).where('reports_to_id', '=', mergeId).where('id', '!=', keepId).execute()

    const hasConsent = keep.has_consent || other.has_consent
    const emails = union(keep.emails, other.emails).slice(0, 20)
    await trx.updateTable('stakeholders').set({ emails: [], phones: [], reports_to_id: null, archived_at: new Date(), updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', mergeId).execute()
    await trx.updateTable('stakeholders').set({
      emails,
      phones: union(keep.phones, other.phones).slice(0, 20),
      title: keep.title ?? other.title,
      account_id: keep.account_id ?? other.account_id,
      reports_to_id: keep.reports_to_id ?? (other.reports_to_id === keepId ? null : other.reports_to_id),
      goals: joinNotes(keep.goals, other.goals, other.name),
      pains: joinNotes(keep.pains, other.pains, other.name),
      interests: joinNotes(keep.interests, other.interests, other.name),
      personal_notes: hasConsent ? joinNotes(keep.personal_notes, other.personal_notes, other.name) : null,
      has_consent: hasConsent,
      consent_at: keep.consent_at ?? other.consent_at,
      search_text: searchTextOf({ name: keep.name, emails, title: keep.title ?? other.title }),
      updated_at: new Date(),
    }).where('org_id', '=', orgId).where('id', '=', keepId).execute()

    await trx.deleteFrom('stakeholder_scores').where('org_id', '=', orgId).where('stakeholder_id', '=', mergeId).execute()
    const experienceUsers = await trx.selectFrom('experience_users as eu').innerJoin('experience_stakeholders as es', (j) => j.onRef('es.org_id', '=', 'eu.org_id').onRef('es.experience_id', '=', 'eu.experience_id'))
      .select('eu.user_id').distinct().where('es.org_id', '=', orgId).where('es.stakeholder_id', '=', keepId).execute()
    for (const u of experienceUsers) users.add(u.user_id)
    await refreshTrustAfterWrite(trx, orgId, [keepId], [...users])
    if (other.account_id && other.account_id !== keep.account_id) await refreshAccountScores(trx, orgId, [other.account_id], new Date())

    const after = toStakeholder((await getStakeholderRow(trx, orgId, keepId))!)
    await recordAudit(trx, actor, 'stakeholder.merged', 'stakeholder', keepId, { kept: toStakeholder(keep), merged: toStakeholder(other), moved: repointed }, after)
    await recordAudit(trx, actor, 'stakeholder.merged_away', 'stakeholder', mergeId, toStakeholder(other), { mergedInto: keepId })
    return after
  })
}

/** Merge account `mergeId` into `keepId`: its stakeholders, experiences, domains and notes move. */
export async function mergeAccounts(db: Db, actor: Actor, keepId: string, mergeId: string): Promise<Account> {
  if (keepId === mergeId) throw unprocessable('#/mergeId', 'is the account to keep itself')
  return db.transaction().execute(async (trx) => {
    const orgId = actor.orgId
    const keep = await getAccountRow(trx, orgId, keepId)
    if (!keep) throw notFound('Account')
    const other = await getAccountRow(trx, orgId, mergeId)
    if (!other) throw new AppError('invalid_reference', 'The account to merge does not exist in this organisation', [{ pointer: '#/mergeId', detail: 'is not an account of this organisation' }])
    if (other.archived_at) throw unprocessable('#/mergeId', 'is archived (already merged?)')
    await trx.updateTable('stakeholders').set({ account_id: keepId, updated_at: new Date() }).where('org_id', '=', orgId).where('account_id', '=', mergeId).execute()
    await trx.updateTable('experiences').set({ account_id: keepId }).where('org_id', '=', orgId).where('account_id', '=', mergeId).execute()
    const repointed = await repointReferences(trx, orgId, 'accounts', mergeId, keepId, ['stakeholders', 'experiences', 'account_scores', 'account_score_queue'])
    await trx.updateTable('accounts').set({ domains: [], archived_at: new Date(), updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', mergeId).execute()
    await trx.updateTable('accounts').set({
      domains: union(keep.domains, other.domains),
      industry: keep.industry ?? other.industry,
      owner_id: keep.owner_id ?? other.owner_id,
      notes: joinNotes(keep.notes, other.notes, other.name),
      updated_at: new Date(),
    }).where('org_id', '=', orgId).where('id', '=', keepId).execute()
    await trx.deleteFrom('account_scores').where('org_id', '=', orgId).where('account_id', '=', mergeId).execute()
    await refreshAccountScores(trx, orgId, [keepId], new Date())
    const after = toAccount((await getAccountRow(trx, orgId, keepId))!)
    await recordAudit(trx, actor, 'account.merged', 'account', keepId, { kept: toAccount(keep), merged: toAccount(other), moved: repointed }, after)
    await recordAudit(trx, actor, 'account.merged_away', 'account', mergeId, toAccount(other), { mergedInto: keepId })
    return after
  })
}

/** Likely duplicates: stakeholders sharing an address (plus-addressing folded) or a name at one account; accounts sharing a name or a domain. */
export async function suggestMerges(db: Db, actor: Actor, limit = 100): Promise<MergeSuggestions> {
  const orgId = actor.orgId
  const folded = sql`regexp_replace(lower(e), '\\+[^@]*@', '@')`
  const stakeholders = await sql<{ keep_id: string; keep_name: string; merge_id: string; merge_name: string; reason: string }>`
    WITH addr AS (
      SELECT s.id, s.name, s.created_at, ${folded} AS email FROM stakeholders s, unnest(s.emails) AS e
      WHERE s.org_id = ${orgId}::uuid AND s.archived_at IS NULL
    ), pairs AS (
      SELECT a.id AS keep_id, a.name AS keep_name, b.id AS merge_id, b.name AS merge_name, 'same e-mail address ' || min(a.email) AS reason
      FROM addr a JOIN addr b ON a.email = b.email AND (a.created_at, a.id) < (b.created_at, b.id)
      GROUP BY a.id, a.name, b.id, b.name
      UNION ALL
      SELECT a.id, a.name, b.id, b.name, 'same name at the same account'
      FROM stakeholders a JOIN stakeholders b ON a.org_id = b.org_id AND lower(a.name) = lower(b.name) AND a.account_id = b.account_id AND (a.created_at, a.id) < (b.created_at, b.id)
      WHERE a.org_id = ${orgId}::uuid AND a.archived_at IS NULL AND b.archived_at IS NULL
    )
    SELECT DISTINCT ON (keep_id, merge_id) * FROM pairs ORDER BY keep_id, merge_id, reason LIMIT ${limit}`.execute(db)
  const accounts = await sql<{ keep_id: string; keep_name: string; merge_id: string; merge_name: string; reason: string }>`
    SELECT DISTINCT ON (a.id, b.id) a.id AS keep_id, a.name AS keep_name, b.id AS merge_id, b.name AS merge_name,
      CASE WHEN lower(a.name) = lower(b.name) THEN 'same name' ELSE 'shared domain' END AS reason
    FROM accounts a JOIN accounts b ON a.org_id = b.org_id AND (a.created_at, a.id) < (b.created_at, b.id)
      AND (lower(a.name) = lower(b.name) OR a.domains && b.domains)
    WHERE a.org_id = ${orgId}::uuid AND a.archived_at IS NULL AND b.archived_at IS NULL
    ORDER BY a.id, b.id LIMIT ${limit}`.execute(db)
  const toPair = (r: { keep_id: string; keep_name: string; merge_id: string; merge_name: string; reason: string }) => ({ keep: { id: r.keep_id, name: r.keep_name }, merge: { id: r.merge_id, name: r.merge_name }, reason: r.reason })
  return { stakeholders: stakeholders.rows.map(toPair), accounts: accounts.rows.map(toPair) }
}
