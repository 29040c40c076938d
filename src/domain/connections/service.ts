import type { Db } from '../../db/connect.ts'
import { notFound } from '../../lib/errors.ts'
import type { Actor } from '../auth/roles.ts'
import type { ExperienceKind } from '../experiences/vocabulary.ts'
import { computeTrustScore, DEFAULT_CADENCE_DAYS } from '../trust/model.ts'
import { toTrustExperience } from '../trust/refresh.ts'
import type { Connections } from './schema.ts'

// Who knows whom: for a stakeholder, each of our people who has a relationship with them or
// shared experiences, ranked by strength. Strength is the stored trust score of the
// relationship when there is one, else the same model computed on the shared experiences.

export async function getConnections(db: Db, actor: Actor, stakeholderId: string, now = new Date()): Promise<Connections> {
  const orgId = actor.orgId
  const stakeholder = await db.selectFrom('stakeholders').select(['id', 'name']).where('org_id', '=', orgId).where('id', '=', stakeholderId).executeTakeFirst()
  if (!stakeholder) throw notFound('Stakeholder')
  const [relationships, shared] = await Promise.all([
    db.selectFrom('relationships as r')
      .leftJoin('relationship_scores as rs', (j) => j.onRef('rs.org_id', '=', 'r.org_id').onRef('rs.relationship_id', '=', 'r.id'))
      .select(['r.id', 'r.user_id', 'r.cadence_days', 'rs.score', 'rs.state'])
      .where('r.org_id', '=', orgId).where('r.stakeholder_id', '=', stakeholderId).where('r.archived_at', 'is', null).execute(),
    db.selectFrom('experience_stakeholders as es')
      .innerJoin('experience_users as eu', (j) => j.onRef('eu.org_id', '=', 'es.org_id').onRef('eu.experience_id', '=', 'es.experience_id'))
      .innerJoin('experiences as e', (j) => j.onRef('e.org_id', '=', 'es.org_id').onRef('e.id', '=', 'es.experience_id'))
      .select(['eu.user_id', 'e.id', 'e.occurred_at', 'e.kind', 'e.valence', 'e.direction', 'e.initiator', 'e.depth', 'e.source'])
      .where('es.org_id', '=', orgId).where('es.stakeholder_id', '=', stakeholderId).where('e.archived_at', 'is', null).where('e.occurred_at', '<=', now).execute(),
  ])
  const userIds = [...new Set([...relationships.map((r) => r.user_id), ...shared.map((s) => s.user_id)])]
  const users = userIds.length ? await db.selectFrom('users').select(['id', 'name', 'email', 'archived_at']).where('org_id', '=', orgId).where('id', 'in', userIds).execute() : []
  const people = users.filter((u) => !u.archived_at).map((user) => {
    const rel = relationships.find((r) => r.user_id === user.id)
    const mine = shared.filter((s) => s.user_id === user.id)
    const last = mine.reduce<Date | null>((max, s) => (!max || s.occurred_at > max ? s.occurred_at : max), null)
    const computed = rel?.score == null ? computeTrustScore(mine.map(toTrustExperience), { cadenceDays: rel?.cadence_days ?? DEFAULT_CADENCE_DAYS }, now.getTime()) : null
    const kinds: Partial<Record<ExperienceKind, number>> = {}
    for (const s of mine) kinds[s.kind as ExperienceKind] = (kinds[s.kind as ExperienceKind] ?? 0) + 1
    return {
      userId: user.id,
      name: user.name,
      email: user.email,
      relationshipId: rel?.id ?? null,
      strength: Math.round((rel?.score ?? computed!.score) * 10) / 10,
      state: (rel?.state ?? computed!.state) as Connections['people'][number]['state'],
      experienceCount: mine.length,
      experienceKinds: kinds,
      lastContactAt: last?.toISOString() ?? null,
    }
  })
  people.sort((a, b) => b.strength - a.strength || (b.lastContactAt ?? '').localeCompare(a.lastContactAt ?? '') || b.experienceCount - a.experienceCount)
  return { stakeholderId: stakeholder.id, stakeholderName: stakeholder.name, people }
}

/** Stakeholders by an address (folded) or a name, for the CLI: at most `limit`. */
export async function findStakeholders(db: Db, orgId: string, term: string, limit = 5) {
  const needle = term.trim().toLowerCase()
  let q = db.selectFrom('stakeholders').select(['id', 'name']).where('org_id', '=', orgId).where('archived_at', 'is', null)
  if (needle.includes('@')) {
    const folded = needle.replace(/\+[^@]*@/, '@')
    q = q.where((eb) => eb.or([eb(eb.val(needle), '=', eb.fn.any('emails')), eb(eb.val(folded), '=', eb.fn.any('emails'))]))
  } else q = q.where('search_text', 'like', `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
  return q.orderBy('name').limit(limit).execute()
}
