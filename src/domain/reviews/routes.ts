import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords, requireUser } from '../../http/guard.ts'
import { recordAudit } from '../audit/queries.ts'
import { toCsv } from '../../lib/csv.ts'
import { Uuid } from '../../lib/schema.ts'
import { StringEnum } from '../../lib/schema.ts'
import { sendCsv } from '../kpis/routes.ts'
import { CommitmentSchema, CreateReviewBodySchema, ReviewPrepSchema, ReviewSchema, UpdateCommitmentBodySchema } from './schema.ts'
import { createReview, getReviewPrep, listReviews, setCommitmentDone } from './service.ts'

const tags = ['reviews']

export const reviewRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get('/api/v1/reviews/prep/:reportId', {
    preHandler: requireRecords,
    schema: { operationId: 'getReviewPrep', tags, summary: "A relationship review's agenda: the report's key relationships, trust trend, cold ones and open commitments", params: Type.Object({ reportId: Uuid }), response: { 200: ReviewPrepSchema } },
  }, async (req) => getReviewPrep(db, actorOf(req), req.params.reportId))

  app.get('/api/v1/reviews', {
    preHandler: requireRecords,
    schema: { operationId: 'listReviews', tags, summary: 'Reviews held with one report, newest first', description: 'With format=csv the commitments come back as text/csv.', querystring: Type.Object({ reportId: Uuid, format: Type.Optional(StringEnum(['json', 'csv'] as const)) }), response: { 200: Type.Object({ items: Type.Array(ReviewSchema) }) } },
  }, async (req, reply) => {
    const items = await listReviews(db, actorOf(req), req.query.reportId)
    if (req.query.format !== 'csv') return { items }
    const rows = items.flatMap((r) => (r.commitments.length ? r.commitments : [null]).map((c) => ({ r, c })))
    return sendCsv(reply, 'reviews', toCsv(rows, [
      { header: 'review_id', value: (x) => x.r.id }, { header: 'held_on', value: (x) => x.r.heldOn }, { header: 'notes', value: (x) => x.r.notes },
      { header: 'commitment', value: (x) => x.c?.text }, { header: 'owner', value: (x) => x.c?.ownerName }, { header: 'due_on', value: (x) => x.c?.dueOn }, { header: 'done_at', value: (x) => x.c?.doneAt },
    ]))
  })

  app.post('/api/v1/reviews', {
    preHandler: requireRecords,
    schema: { operationId: 'createReview', tags, summary: 'Record a review: notes, commitments (owner, due date), and carried-forward commitments now done', body: CreateReviewBodySchema, response: { 201: ReviewSchema } },
  }, async (req, reply) => reply.code(201).send(await createReview(db, actorOf(req), req.body)))

  app.patch('/api/v1/reviews/commitments/:commitmentId', {
    preHandler: requireRecords,
    schema: { operationId: 'updateCommitment', tags, summary: 'Mark a commitment done (or open again)', params: Type.Object({ commitmentId: Uuid }), body: UpdateCommitmentBodySchema, response: { 200: CommitmentSchema } },
  }, async (req) => setCommitmentDone(db, actorOf(req), req.params.commitmentId, req.body.done))

  const DigestSchema = Type.Object({ enabled: Type.Boolean({ description: 'Whether the weekly digest e-mail is sent to me' }) }, { additionalProperties: false })
  app.get('/api/v1/me/digest', {
    preHandler: requireUser,
    schema: { operationId: 'getMyDigest', tags, summary: 'Whether I receive the weekly digest e-mail', response: { 200: DigestSchema } },
  }, async (req) => {
    const actor = actorOf(req)
    const row = await db.selectFrom('users').select('digest_opt_out').where('org_id', '=', actor.orgId).where('id', '=', actor.userId).executeTakeFirstOrThrow()
    return { enabled: !row.digest_opt_out }
  })
  app.put('/api/v1/me/digest', {
    preHandler: requireUser,
    schema: { operationId: 'setMyDigest', tags, summary: 'Turn my weekly digest e-mail on or off', body: DigestSchema, response: { 200: DigestSchema } },
  }, async (req) => {
    const actor = actorOf(req)
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ digest_opt_out: !req.body.enabled, updated_at: new Date() }).where('org_id', '=', actor.orgId).where('id', '=', actor.userId).execute()
      await recordAudit(trx, actor, req.body.enabled ? 'user.digest_on' : 'user.digest_off', 'user', actor.userId, null, req.body)
    })
    return { enabled: req.body.enabled }
  })
}
