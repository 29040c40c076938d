import type { Db } from '../../db/connect.ts'
import type { MailMessage } from '../../lib/mail.ts'
import { sendSurveyInvite, sendSurveyReminder } from '../surveys/jobs.ts'
import { SURVEY_INVITE, SURVEY_REMINDER } from '../surveys/service.ts'
import { enqueue } from './queue.ts'
import { DIGEST_KIND, sendWeeklyDigest, weeklyDigestTask } from '../reviews/digest-mail.ts'
import { kpiSnapshotTask } from '../kpis/task.ts'
import { REMINDER_KIND } from '../moments/personal-data.ts'
import { momentReminderTask, sendMomentReminder } from '../moments/reminders.ts'
import { PermanentJobError, type JobContext, type JobHandlers, type ScheduledTask } from './worker.ts'

/** The generic kind: send the MailMessage in the payload. Enqueue it to send any e-mail durably. */
export const MAIL_SEND = 'mail.send'

export async function sendMailJob({ mailer, job }: JobContext<MailMessage>) {
  const m = job.payload
  if (!m || !m.to || !m.subject || typeof m.text !== 'string' || typeof m.html !== 'string') throw new PermanentJobError('mail.send payload needs to, subject, text and html')
  // A Message-ID fixed per job: should a crash fall between the SMTP acceptance and our commit,
  // the resend carries the same id and mail clients thread or collapse it.
  const result = await mailer.send({ ...m, messageId: m.messageId ?? `<job-${job.id}@tend>` })
  return result
}

/** Every job kind the server's worker runs: add one line per kind. */
export const JOB_HANDLERS: JobHandlers = {
  [MAIL_SEND]: sendMailJob,
  [REMINDER_KIND]: sendMomentReminder,
  [SURVEY_INVITE]: sendSurveyInvite,
  [SURVEY_REMINDER]: sendSurveyReminder,
  [DIGEST_KIND]: sendWeeklyDigest,
}

/** Queue an e-mail (durable, retried, sent once per dedupeKey). Pass a transaction to enqueue atomically with a write. */
export function enqueueMail(db: Db, input: { orgId: string; dedupeKey: string; message: MailMessage; runAt?: Date }) {
  return enqueue(db, { orgId: input.orgId, kind: MAIL_SEND, dedupeKey: input.dedupeKey, payload: input.message, ...(input.runAt ? { runAt: input.runAt } : {}) })
}

/** Periodic, idempotent tasks the worker runs (e.g. enqueue due reminders): add one line per task. */
export const JOB_TASKS: ScheduledTask[] = [momentReminderTask, weeklyDigestTask, kpiSnapshotTask]
