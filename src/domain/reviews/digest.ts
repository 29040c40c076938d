// Weekly digest content: a pure function of the week's facts. digest-mail.ts gathers the facts,
// sends it through the job runner (once per user and week) and honours each user's opt-out.

export type DigestRelationship = { stakeholderName: string; accountName: string | null; daysSinceMeaningful: number | null; importance: number; ownerName?: string }
export type DigestCommitment = { text: string; dueOn: string | null; ownerName: string }
export type DigestInput = {
  userName: string
  weekStart: string
  cold: DigestRelationship[]
  commitmentsDue: DigestCommitment[]
  /** For a manager: their team's figures. */
  team?: { name: string; cold: DigestRelationship[]; commitmentsDue: DigestCommitment[]; coverage: number | null; coverageBefore: number | null } | undefined
  // EXTENSION POINT (issue 6, moments): moments of the coming week go here.
}
export type Digest = { subject: string; text: string; isEmpty: boolean }

const MAX_ITEMS = 10

function relLine(r: DigestRelationship): string {
  const since = r.daysSinceMeaningful === null ? 'never met meaningfully' : `${r.daysSinceMeaningful} days since a meaningful contact`
  return `- ${r.stakeholderName}${r.accountName ? ` (${r.accountName})` : ''}${r.ownerName ? `, ${r.ownerName}` : ''}: ${since}`
}
const commitmentLine = (c: DigestCommitment, weekStart: string) => `- ${c.text} (${c.ownerName}${c.dueOn ? `, due ${c.dueOn}${c.dueOn < weekStart ? ', overdue' : ''}` : ''})`

function section(title: string, lines: string[], total: number): string[] {
  if (total === 0) return []
  const more = total > lines.length ? [`…and ${total - lines.length} more`] : []
  return [title, ...lines, ...more, '']
}

const byPriority = (a: DigestRelationship, b: DigestRelationship) => b.importance - a.importance || (b.daysSinceMeaningful ?? Infinity) - (a.daysSinceMeaningful ?? Infinity)

/** The digest of one user's week (and their team's, for a manager), as plain text. */
export function buildDigest(input: DigestInput): Digest {
  const cold = [...input.cold].sort(byPriority)
  const due = [...input.commitmentsDue].sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'))
  const lines = [`Hello ${input.userName},`, '', `Your week starting ${input.weekStart}.`, '']
  lines.push(...section(`Gone cold (${cold.length}): no meaningful contact within their cadence`, cold.slice(0, MAX_ITEMS).map(relLine), cold.length))
  lines.push(...section(`Commitments due (${due.length})`, due.slice(0, MAX_ITEMS).map((c) => commitmentLine(c, input.weekStart)), due.length))
  const t = input.team
  if (t) {
    const coverage = t.coverage === null ? 'no key relationships' : `${Math.round(t.coverage * 100)} % of key relationships within cadence${t.coverageBefore === null ? '' : ` (${Math.round(t.coverageBefore * 100)} % the week before)`}`
    lines.push(`${t.name}: ${coverage}.`, '')
    lines.push(...section(`Gone cold in your team (${t.cold.length})`, [...t.cold].sort(byPriority).slice(0, MAX_ITEMS).map(relLine), t.cold.length))
    lines.push(...section(`Team commitments due (${t.commitmentsDue.length})`, t.commitmentsDue.slice(0, MAX_ITEMS).map((c) => commitmentLine(c, input.weekStart)), t.commitmentsDue.length))
  }
  const isEmpty = cold.length === 0 && due.length === 0 && (!t || (t.cold.length === 0 && t.commitmentsDue.length === 0))
  if (isEmpty) lines.push('Nothing has gone cold and nothing is due. A good week to give something to someone who matters.', '')
  const counts = [cold.length ? `${cold.length} gone cold` : '', due.length ? `${due.length} commitment${due.length === 1 ? '' : 's'} due` : ''].filter(Boolean).join(', ')
  return { subject: `Your relationships this week${counts ? `: ${counts}` : ''}`, text: lines.join('\n').trimEnd() + '\n', isEmpty }
}
