import { escapeHtml, type MailMessage } from '../../lib/mail.ts'

/** Everything a reminder carries so the user can act well, not just "it's her birthday". */
export type ReminderContext = {
  userName: string
  userEmail: string
  label: string
  occursOn: string
  daysUntil: number
  stakeholderName: string
  accountName: string | null
  stakeholderUrl: string
  wants: { goals: string | null; pains: string | null; interests: string | null }
  family: { name: string; relation: string; notes: string | null }[]
  recent: { occurredAt: string; title: string; direction: string }[]
  lastGive: { occurredAt: string; title: string } | null
  gestures: string[]
  notes: string | null
}

const when = (days: number) => (days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`)
const DIRECTION: Record<string, string> = { we_gave: 'we gave', we_asked: 'we asked', mutual: 'mutual', they_gave: 'they gave' }

/** The reminder e-mail: the same content as plain text and HTML (names and notes are escaped). */
export function composeReminder(c: ReminderContext): MailMessage {
  const subject = `${when(c.daysUntil)[0]!.toUpperCase()}${when(c.daysUntil).slice(1)}: ${c.label}`
  const sections: [string, string[]][] = [
    ['What they want', [c.wants.goals && `Goals: ${c.wants.goals}`, c.wants.pains && `Pains: ${c.wants.pains}`, c.wants.interests && `Interests: ${c.wants.interests}`].filter((x): x is string => !!x)],
    ['Family and close people', c.family.map((f) => `${f.name} (${f.relation})${f.notes ? `: ${f.notes}` : ''}`)],
    ['Recent experiences', c.recent.map((e) => `${e.occurredAt.slice(0, 10)} · ${e.title} (${DIRECTION[e.direction] ?? e.direction})`)],
    ['Last time we gave', c.lastGive ? [`${c.lastGive.occurredAt.slice(0, 10)} · ${c.lastGive.title}`] : ['Nothing recorded yet: this is a chance to give first.']],
    ['Gesture ideas', c.gestures],
  ]
  const intro = `${c.label} is ${when(c.daysUntil)} (${c.occursOn}).`
  const who = `${c.stakeholderName}${c.accountName ? `, ${c.accountName}` : ''}`
  const text = [
    `Hello ${c.userName},`, '', intro, who, ...(c.notes ? ['', `Note: ${c.notes}`] : []), '',
    ...sections.flatMap(([title, lines]) => (lines.length ? [title, ...lines.map((l) => `  - ${l}`), ''] : [])),
    `Open in Tend: ${c.stakeholderUrl}`, '', 'When you have acted, mark the moment as acted upon in Tend: it is logged as an experience.',
  ].join('\n')
  const html = [
    `<p>Hello ${escapeHtml(c.userName)},</p>`,
    `<p><strong>${escapeHtml(intro)}</strong><br>${escapeHtml(who)}</p>`,
    ...(c.notes ? [`<p><em>Note:</em> ${escapeHtml(c.notes)}</p>`] : []),
    ...sections.flatMap(([title, lines]) => (lines.length ? [`<h3>${escapeHtml(title)}</h3><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`] : [])),
    `<p><a href="${escapeHtml(c.stakeholderUrl)}">Open ${escapeHtml(c.stakeholderName)} in Tend</a></p>`,
    '<p style="color:#666">When you have acted, mark the moment as acted upon in Tend: it is logged as an experience.</p>',
  ].join('\n')
  return { to: c.userEmail, subject, text, html }
}
