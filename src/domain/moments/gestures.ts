import type { MomentKind } from './schema.ts'

// Meaningful gestures rather than a reflex gift: something that shows we know the person. Ideas
// by occasion, then ones drawn from what the stakeholder cares about (interests), which come first.

const BY_KIND: Record<MomentKind, string[]> = {
  birthday: ['Call rather than e-mail, and ask about their plans', 'A handwritten card with a personal line', 'A book linked to something they mentioned recently'],
  wedding: ['A handwritten card to both, by name', 'A small gift for the home, not branded', 'Ask about the day the next time you meet'],
  graduation: ['Congratulate and ask about what comes next', 'Offer an introduction useful for their first steps', 'A book or tool for the field they studied'],
  new_job: ['Congratulate personally within the week', 'Offer an introduction in their new world', 'Send an insight useful in the first 90 days'],
  promotion: ['Congratulate personally, naming what they achieved', 'Offer help with their new remit', 'Introduce a peer who did the same role'],
  company_anniversary: ['A short note on what you have built together', 'Share a milestone or story from the years', 'Invite them to a moment that celebrates their team'],
  custom: ['A personal note that shows you remembered', 'Ask how it went the next time you speak'],
}

const BY_RELATION: Record<string, string> = {
  child: 'Ask about them by name; a small gift for the child, not for the parent',
  spouse: 'Mention both of them in your note',
  partner: 'Mention both of them in your note',
  parent: 'A warm word acknowledging the family occasion',
  assistant: 'Thank the assistant directly: they make every meeting happen',
}

const INTEREST_HINTS: [RegExp, string][] = [
  [/\b(run|running|marathon|cycling|bike|hiking|climb)/i, 'Something for their sport (e.g. a route guide or event entry)'],
  [/\b(wine|whisky|coffee|tea|cook|food|restaurant)/i, 'Invite them to a place that matches their taste'],
  [/\b(book|read|history|novel)/i, 'A book you have read yourself, with a note on why'],
  [/\b(music|concert|jazz|opera|piano)/i, 'Tickets to a concert they would choose'],
  [/\b(garden|plant|nature|bird)/i, 'Something for the garden or a nature outing'],
  [/\b(art|museum|photograph)/i, 'An exhibition invitation or a print they would like'],
  [/\b(charity|volunteer|cause|foundation)/i, 'A donation in their name to a cause they support'],
]

/** Gesture ideas for one occurrence: interest-based first, then the relation, then the occasion. At most 5. */
export function suggestGestures(kind: MomentKind, relation: string | null, interests: string | null): string[] {
  const ideas: string[] = []
  for (const [pattern, idea] of INTEREST_HINTS) if (interests && pattern.test(interests)) ideas.push(idea)
  const forRelation = relation ? BY_RELATION[relation] : undefined
  if (forRelation) ideas.push(forRelation)
  ideas.push(...BY_KIND[kind])
  return [...new Set(ideas)].slice(0, 5)
}

const KIND_LABEL: Record<MomentKind, string> = {
  birthday: 'Birthday', wedding: 'Wedding', graduation: 'Graduation', new_job: 'New job', promotion: 'Promotion',
  company_anniversary: 'Company anniversary', custom: 'Moment',
}

/** "Birthday of Anna (daughter of Maria Lopez)", "Wedding anniversary (10 years)", or the moment's own title. */
export function momentLabel(m: { kind: MomentKind; title: string | null; recurrence: string }, stakeholderName: string, person: { name: string; relation: string } | null, years: number | null): string {
  const base = m.title ?? (m.kind === 'wedding' && m.recurrence === 'yearly' ? 'Wedding anniversary' : KIND_LABEL[m.kind])
  const whose = person ? `${person.name} (${person.relation} of ${stakeholderName})` : stakeholderName
  const count = years !== null && years > 0 && m.kind !== 'birthday' ? `, ${years} years` : years !== null && years > 0 && m.kind === 'birthday' ? `, turns ${years}` : ''
  return `${base}: ${whose}${count}`
}
