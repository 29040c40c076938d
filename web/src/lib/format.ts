// Words and numbers as people read them: labels for the API's vocabulary, dates, relative times.

export const KIND_LABELS: Record<string, string> = {
  meeting: 'Meeting', call: 'Call', email: 'Email', message: 'Message', meal: 'Meal', visit: 'Visit', event: 'Event',
  introduction: 'Introduction', insight: 'Insight shared', help: 'Help given', gift: 'Gift', invitation: 'Invitation',
  personal_moment: 'Personal moment', referral: 'Referral', service_failure: 'Service failure', escalation: 'Escalation',
  complaint: 'Complaint', survey_answer: 'Survey answer', other: 'Other',
}
/** Kinds a person logs by hand: survey answers arrive from the survey pages only. */
export const LOGGABLE_KIND_LABELS: Record<string, string> = Object.fromEntries(Object.entries(KIND_LABELS).filter(([k]) => k !== 'survey_answer'))

export const DIRECTION_LABELS: Record<string, string> = { we_gave: 'We gave', we_asked: 'We asked', mutual: 'Mutual', they_gave: 'They gave' }
export const INITIATOR_LABELS: Record<string, string> = { us: 'We reached out', them: 'They reached out' }
export const DEPTH_LABELS: Record<string, string> = { routine: 'Routine', meaningful: 'Meaningful', personal: 'Personal' }
export const VALENCE_LABELS: Record<string, string> = { '-2': 'Bad', '-1': 'Poor', '0': 'Neutral', '1': 'Good', '2': 'Great' }
export const ATTITUDE_LABELS: Record<string, string> = { champion: 'Champion', supporter: 'Supporter', neutral: 'Neutral', skeptic: 'Skeptic', detractor: 'Detractor' }
export const TIER_LABELS: Record<string, string> = { strategic: 'Strategic', key: 'Key', standard: 'Standard' }
export const STATUS_LABELS: Record<string, string> = { prospect: 'Prospect', active: 'Active', at_risk: 'At risk', churned: 'Churned' }
export const ROLE_LABELS: Record<string, string> = { admin: 'Admin', manager: 'Manager', rep: 'Rep', analyst: 'Analyst' }

export const label = (map: Record<string, string>, key: string | null | undefined) => (key ? (map[key] ?? key) : '—')

/** The headline of an experience: its title, "Subject private" when the server withheld it (mail you are not part of), else its kind. */
export const experienceHeadline = (e: { title: string | null; titleHidden: boolean; kind: string }) => e.title || (e.titleHidden ? 'Subject private' : label(KIND_LABELS, e.kind))

export const options = (map: Record<string, string>) => Object.entries(map).map(([value, text]) => ({ value, label: text }))

const dateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
const shortFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return d.getFullYear() === new Date().getFullYear() ? shortFmt.format(d) : dateFmt.format(d)
}

export function formatDateTime(iso: string): string {
  return `${formatDate(iso)}, ${timeFmt.format(new Date(iso))}`
}

export function formatDaysAgo(days: number | null | undefined): string {
  if (days === null || days === undefined) return 'never'
  if (days <= 0) return 'today'
  if (days === 1) return 'yesterday'
  if (days < 45) return `${days} days ago`
  if (days < 540) return `${Math.round(days / 30)} months ago`
  return `${Math.round(days / 365)} years ago`
}

export function relativeTime(iso: string): string {
  return formatDaysAgo(Math.floor((Date.now() - new Date(iso).getTime()) / 86_400_000))
}

/** A value for <input type="datetime-local"> in local time. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/)
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase()
}
