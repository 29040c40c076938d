import { Type, type Static } from 'typebox'
import type { Selectable } from 'kysely'
import type { ImportJobsTable } from '../../db/schema.ts'
import { Nullable, StringEnum, Uuid } from '../../lib/schema.ts'
import { IMPORT_FORMATS } from '../imports/detect.ts'
import type { ImportReport } from '../imports/report.ts'

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const

const Where = Type.Object({ where: Type.String(), reason: Type.String() })
export const ImportReportSchema = Type.Object({
  created: Type.Integer(),
  matched: Type.Integer(),
  skippedDuplicate: Type.Integer(),
  failed: Type.Integer(),
  failures: Type.Array(Where, { description: 'The first 200 failures: file, line or index, and why' }),
  details: Type.Record(Type.String(), Type.Number()),
  merges: Type.Optional(Type.Array(Type.Object({ where: Type.String(), into: Type.String(), reason: Type.String() }))),
})

export const ImportJobSchema = Type.Object({
  id: Uuid,
  filename: Type.String(),
  format: Nullable(StringEnum(IMPORT_FORMATS)),
  sizeBytes: Type.Integer(),
  status: StringEnum(JOB_STATUSES),
  attempts: Type.Integer({ description: 'Runs started; a job interrupted by a restart runs again (imports are idempotent)' }),
  report: Nullable(ImportReportSchema),
  error: Nullable(Type.String()),
  createdBy: Uuid,
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
})
export type ImportJob = Static<typeof ImportJobSchema>

export const CreateImportJobQuerySchema = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255, description: 'The uploaded file\'s name; its extension helps detect the format' }),
    format: Type.Optional(StringEnum(IMPORT_FORMATS, { description: 'Skip detection' })),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Calendars: first instant recorded (default two years back)' })),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'Calendars: last instant recorded (default now)' })),
    timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Calendars: IANA zone of floating times (default UTC)' })),
    columns: Type.Optional(Type.String({ maxLength: 2000, description: 'CSV: column mapping, `Email=email,Company=account`' })),
  },
  { additionalProperties: false },
)
export type CreateImportJobQuery = Static<typeof CreateImportJobQuerySchema>

export function toImportJob(row: Omit<Selectable<ImportJobsTable>, 'content' | 'options'>): ImportJob {
  return {
    id: row.id,
    filename: row.filename,
    format: row.format as ImportJob['format'],
    sizeBytes: Number(row.size_bytes),
    status: row.status as ImportJob['status'],
    attempts: row.attempts,
    report: (row.report as ImportReport | null) ?? null,
    error: row.error,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  }
}
