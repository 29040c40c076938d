import type { Db } from '../../db/connect.ts'
import { domainOf, foldAddress } from './headers.ts'

// Who is who, by folded address: our people (users), their people (stakeholders) and their
// organisations (accounts, by domain). Loaded once per import: a few bytes per person.

export type Directory = {
  users: Map<string, string>
  stakeholders: Map<string, { id: string; accountId: string | null }>
  accountsByDomain: Map<string, string>
  /** The organisation lets us keep subjects (setting `captureSubjects`, default off). */
  keepSubjects: boolean
}

export async function loadDirectory(db: Db, orgId: string): Promise<Directory> {
  const [users, stakeholders, accounts, org] = await Promise.all([
    db.selectFrom('users').select(['id', 'email']).where('org_id', '=', orgId).where('archived_at', 'is', null).execute(),
    db.selectFrom('stakeholders').select(['id', 'emails', 'account_id']).where('org_id', '=', orgId).where('archived_at', 'is', null).execute(),
    db.selectFrom('accounts').select(['id', 'domains']).where('org_id', '=', orgId).where('archived_at', 'is', null).execute(),
    db.selectFrom('organisations').select('settings').where('id', '=', orgId).executeTakeFirst(),
  ])
  const directory: Directory = { users: new Map(), stakeholders: new Map(), accountsByDomain: new Map(), keepSubjects: org?.settings.captureSubjects === true }
  for (const u of users) directory.users.set(foldAddress(u.email), u.id)
  for (const s of stakeholders) for (const e of s.emails) directory.stakeholders.set(foldAddress(e), { id: s.id, accountId: s.account_id })
  for (const a of accounts) for (const d of a.domains) directory.accountsByDomain.set(d.trim().toLowerCase(), a.id)
  return directory
}

export type Match = { userIds: string[]; stakeholderIds: string[]; accountId: string | null; isFromUs: boolean }

/** The known people of a message; an experience needs at least one of ours and one of theirs. */
export function matchParticipants(directory: Directory, from: string, recipients: string[]): Match {
  const userIds = new Set<string>()
  const stakeholderIds = new Set<string>()
  let accountId: string | null = null
  let domainAccount: string | null = null
  for (const address of [from, ...recipients]) {
    const user = directory.users.get(address)
    if (user) {
      userIds.add(user)
      continue
    }
    const stakeholder = directory.stakeholders.get(address)
    if (stakeholder) {
      stakeholderIds.add(stakeholder.id)
      accountId ??= stakeholder.accountId
    }
    const domain = domainOf(address)
    if (domain) domainAccount ??= directory.accountsByDomain.get(domain) ?? null
  }
  return { userIds: [...userIds], stakeholderIds: [...stakeholderIds], accountId: accountId ?? domainAccount, isFromUs: directory.users.has(from) }
}
