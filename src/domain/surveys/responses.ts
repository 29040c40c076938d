import type { Db } from '../../db/connect.ts'
import { notFound } from '../../lib/errors.ts'
import type { Actor } from '../auth/roles.ts'
import * as q from './queries.ts'
import { categoryOf } from './results.ts'
import type { SurveyKind, SurveyResponse } from './schema.ts'
import { MIN_ESAT_GROUP } from './stats.ts'

/**
 * The answers of a survey, optionally of one category (promoter, passive, detractor, satisfied, …).
 * Staff (ESAT) answers are anonymous: below MIN_ESAT_GROUP answers none is shown, and above it they
 * carry no date and come sorted by score and text, never in the order they arrived.
 */
export async function listResponses(db: Db, actor: Actor, surveyId: string, category: string | undefined): Promise<{ items: SurveyResponse[]; hidden: boolean }> {
  const survey = await q.getSurveyRow(db, actor.orgId, surveyId)
  if (!survey) throw notFound('Survey')
  const rows = await q.listResponseRows(db, actor.orgId, surveyId)
  const isStaff = survey.audience === 'staff'
  if (isStaff && rows.length < MIN_ESAT_GROUP) return { items: [], hidden: rows.length > 0 }
  let items = rows.map((r): SurveyResponse => ({
    id: r.id,
    surveyId: r.survey_id,
    kind: r.kind as SurveyKind,
    score: r.score,
    category: categoryOf(r.kind, r.score),
    comment: r.comment,
    answers: (r.answers ?? {}) as Record<string, number | string>,
    stakeholderId: r.stakeholder_id,
    stakeholderName: r.stakeholder_name,
    accountId: r.account_id,
    accountName: r.account_name,
    ownerId: r.owner_id,
    submittedAt: isStaff ? null : r.submitted_at.toISOString(),
    followUpId: r.follow_up_id,
  }))
  if (category) items = items.filter((r) => r.category === category)
  if (isStaff) items.sort((a, b) => (a.score ?? -1) - (b.score ?? -1) || (a.comment ?? '').localeCompare(b.comment ?? '') || a.id.localeCompare(b.id))
  return { items, hidden: false }
}
