import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppDeps } from '../../http/deps.ts'
import { actorOf, requireRecords } from '../../http/guard.ts'
import { Uuid } from '../../lib/schema.ts'
import { CreateImportJobQuerySchema, ImportJobSchema } from './schema.ts'
import { createImportJob, getImportJob, importWorkerIdle, kickImportWorker, listImportJobs, MAX_UPLOAD_BYTES, resumeImportJobs } from './service.ts'

// The file is the raw request body (any of these types); options go in the query string.
const UPLOAD_TYPES = ['application/octet-stream', 'text/calendar', 'text/vcard', 'text/x-vcard', 'text/directory', 'text/csv', 'application/mbox', 'message/rfc822', 'text/plain']
const tags = ['imports']

export const importJobRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body))
  app.addHook('onReady', async () => {
    await resumeImportJobs(db)
  })
  app.addHook('onClose', async () => importWorkerIdle(db))

  app.post('/api/v1/imports', {
    preHandler: requireRecords,
    bodyLimit: MAX_UPLOAD_BYTES,
    schema: {
      operationId: 'createImportJob', tags,
      summary: 'Upload a file (mbox, .eml, .ics, .vcf, .csv) as the raw body; it is imported in the background',
      querystring: CreateImportJobQuerySchema, response: { 202: ImportJobSchema },
    },
  }, async (req, reply) => {
    const job = await createImportJob(db, actorOf(req), req.query, req.body as Buffer)
    void kickImportWorker(db)
    return reply.code(202).send(job)
  })

  app.get('/api/v1/imports', {
    preHandler: requireRecords,
    schema: { operationId: 'listImportJobs', tags, summary: 'The latest import jobs of the organisation', response: { 200: Type.Object({ items: Type.Array(ImportJobSchema) }) } },
  }, async (req) => ({ items: await listImportJobs(db, actorOf(req)) }))

  app.get('/api/v1/imports/:jobId', {
    preHandler: requireRecords,
    schema: { operationId: 'getImportJob', tags, summary: 'Status and report of an import job', params: Type.Object({ jobId: Uuid }), response: { 200: ImportJobSchema } },
  }, async (req) => getImportJob(db, actorOf(req), req.params.jobId))
}
