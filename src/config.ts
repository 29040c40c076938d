import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { StringEnum } from './lib/schema.ts'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const

/** The environment Tend reads, parsed once at boot. Nothing else reads process.env. */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  TEND_DATA_DIR: Type.String({ default: './data' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  LOG_LEVEL: StringEnum(LOG_LEVELS, { default: 'info' }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ default: 'Tend <tend@localhost>' }),
})
type Env = Static<typeof EnvSchema>

export type Config = Readonly<{
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  publicUrl: string
  trustProxy: boolean
  logLevel: Env['LOG_LEVEL']
  smtpUrl: string | undefined
  mailFrom: string
}>

export class ConfigError extends Error {}

/**
 * Parse the environment. Empty strings count as unset; every invalid variable is reported at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const converted = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw))
  const errors = [...Value.Errors(EnvSchema, converted)]
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.instancePath.slice(1) || '(env)'}: ${e.message}`)
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`)
  }
  const parsed = converted as Env
  const dataDir = resolve(parsed.TEND_DATA_DIR)
  const port = parsed.PORT
  return Object.freeze({
    port,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    dataDir,
    publicUrl: (parsed.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    trustProxy: parsed.TRUST_PROXY,
    logLevel: parsed.LOG_LEVEL,
    smtpUrl: parsed.SMTP_URL,
    mailFrom: parsed.MAIL_FROM,
  })
}

/** A secret generated once per data folder, for signing things that must survive restarts. */
export function loadOrCreateSecret(dataDir: string, name: string): string {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, `${name}.secret`)
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}
