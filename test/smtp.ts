import { createServer, type AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A real SMTP server in this process: what nodemailer sends arrives, parsed, in `messages`. */
export type TestSmtp = {
  /** smtp://127.0.0.1:<port> — give it to createMailer / SMTP_URL. */
  url: string
  port: number
  messages: ParsedMail[]
  /** Wait until `count` messages have arrived (or fail after timeoutMs). */
  waitFor: (count: number, timeoutMs?: number) => Promise<ParsedMail[]>
  stop: () => Promise<void>
}

/** A free loopback port with nothing listening on it yet ("the SMTP server is down"). */
export async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const messages: ParsedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail)
          callback()
        })
        .catch((err: Error) => callback(err))
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const actual = (server.server.address() as AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${actual}`,
    port: actual,
    messages,
    waitFor: async (count, timeoutMs = 5_000) => {
      const until = Date.now() + timeoutMs
      while (messages.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} messages, got ${messages.length}`)
        await new Promise((r) => setTimeout(r, 20))
      }
      return messages
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
