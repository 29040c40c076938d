import { escapeHtml as h } from '../../lib/mail.ts'
import { PermanentJobError, type JobContext } from '../jobs/worker.ts'
import * as q from './queries.ts'
import { issueLink } from './service.ts'

type Payload = { recipientId: string }

/**
 * Send a survey invitation (or the one reminder). Each message carries a fresh link made here, so
 * no raw token is ever stored, not even in the job. Nothing is sent when the survey was closed or
 * the recipient has already answered. An earlier link stays valid: whichever is used first counts.
 */
async function sendSurveyMail(ctx: JobContext<Payload>, isReminder: boolean) {
  const { db, job, mailer, now, publicUrl } = ctx
  const recipient = await q.getRecipientRow(db, job.orgId, job.payload?.recipientId ?? '')
  if (!recipient) throw new PermanentJobError('The recipient no longer exists')
  const survey = await q.getSurveyRow(db, job.orgId, recipient.survey_id)
  if (!survey || survey.closed_at) return { skipped: 'survey closed' }
  if (recipient.responded_at) return { skipped: 'already answered' }
  if (isReminder && !recipient.sent_at) return { skipped: 'never invited' }
  if (!recipient.email) throw new PermanentJobError('The recipient has no e-mail address')
  const org = await db.selectFrom('organisations').select('name').where('id', '=', job.orgId).executeTakeFirstOrThrow()
  const link = await issueLink(db, job.orgId, recipient.id, survey.link_days, publicUrl, now)
  const subject = `${isReminder ? 'Reminder: ' : ''}${survey.question}`.slice(0, 200)
  const intro = survey.intro ? `${survey.intro}\n\n` : ''
  const anonymity = survey.audience === 'staff' ? '\nYour answer is anonymous: results are shown only for groups of five or more.\n' : ''
  const result = await mailer.send({
    to: recipient.email,
    subject,
    text: `Hello ${recipient.name},\n\n${intro}${survey.question}\nIt takes less than a minute: ${link.url}\n${anonymity}\nThis link is personal and works once, until ${link.expiresAt.slice(0, 10)}.\n\n${org.name}`,
    html: `<p>Hello ${h(recipient.name)},</p>${survey.intro ? `<p>${h(survey.intro)}</p>` : ''}<p>${h(survey.question)}</p>`
      + `<p><a href="${h(link.url)}">Answer in less than a minute</a></p>${anonymity ? `<p>${h(anonymity.trim())}</p>` : ''}`
      + `<p style="color:#555">This link is personal and works once, until ${h(link.expiresAt.slice(0, 10))}.</p><p>${h(org.name)}</p>`,
    messageId: `<${job.kind}-${recipient.id}@tend>`,
  })
  await q.markRecipient(db, job.orgId, recipient.id, isReminder ? { reminded_at: now } : { sent_at: now })
  return { sent: result.sent }
}

export const sendSurveyInvite = (ctx: JobContext<Payload>) => sendSurveyMail(ctx, false)
export const sendSurveyReminder = (ctx: JobContext<Payload>) => sendSurveyMail(ctx, true)
