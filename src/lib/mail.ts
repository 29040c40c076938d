import nodemailer from 'nodemailer'

/** One e-mail. Every message carries both a plain-text and an HTML body. */
export type MailMessage = {
  to: string | string[]
  subject: string
  text: string
  html: string
  replyTo?: string
  /** Stable Message-ID (e.g. derived from the job) so a resend after a crash can be recognised downstream. */
  messageId?: string
  headers?: Record<string, string>
}

/** What happened to a message: `sent` is false when no SMTP server is configured (the message was only logged). */
export type MailResult = { sent: boolean; messageId: string | null; accepted: string[]; reason?: string }

export type Mailer = {
  /** True when SMTP_URL is set: messages really leave the process. */
  readonly isConfigured: boolean
  /** Send one message; throws when the SMTP server is unreachable or refuses it (the job runner retries). */
  send(message: MailMessage): Promise<MailResult>
  close(): void
}

export type MailerOptions = {
  smtpUrl: string | undefined
  mailFrom: string
  /** Where unsent messages go when SMTP_URL is unset (defaults to console.warn). */
  log?: (line: string, message: MailMessage) => void
  /** Connection/greeting/socket timeout in ms (default 15 s): a hung server must not hold a worker forever. */
  timeoutMs?: number
}

const NOT_CONFIGURED = 'SMTP_URL is not set: the message was written to the log and NOT sent'

/**
 * The mail transport: nodemailer over SMTP_URL (smtp:// or smtps://, credentials in the URL).
 * Without SMTP_URL nothing is sent: each message is written to the log and reported `sent: false`.
 */
export function createMailer(options: MailerOptions): Mailer {
  const log = options.log ?? ((line) => console.warn(line))
  if (!options.smtpUrl) {
    return {
      isConfigured: false,
      async send(message) {
        const to = ([] as string[]).concat(message.to).join(', ')
        log(`mail NOT SENT (SMTP_URL is not set) to=${to} subject=${JSON.stringify(message.subject)}\n${message.text}`, message)
        return { sent: false, messageId: message.messageId ?? null, accepted: [], reason: NOT_CONFIGURED }
      },
      close() {},
    }
  }
  const timeout = options.timeoutMs ?? 15_000
  const url = new URL(options.smtpUrl)
  // A plain smtp:// URL to localhost/test servers often has no TLS; opportunistic STARTTLS stays on otherwise.
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(url.searchParams.get('ignoreTLS') === 'true' ? { ignoreTLS: true } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0])
  return {
    isConfigured: true,
    async send(message) {
      const info = await transport.sendMail({
        from: options.mailFrom,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        ...(message.messageId ? { messageId: message.messageId } : {}),
        ...(message.headers ? { headers: message.headers } : {}),
      })
      const accepted = (info.accepted ?? []).map((a: string | { address: string }) => (typeof a === 'string' ? a : a.address))
      if (accepted.length === 0) throw new Error(`SMTP server accepted no recipient (rejected: ${JSON.stringify(info.rejected)})`)
      return { sent: true, messageId: info.messageId ?? null, accepted }
    },
    close() {
      transport.close()
    },
  }
}

/** Escape text for an HTML mail body (templates build HTML from user-entered names and notes). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
