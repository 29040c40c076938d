/**
 * A next step for a relationship that needs attention, in plain words. Pure: it only reads
 * the facts given. Giving comes first (an introduction, an insight on their goals), because
 * trust grows from value given, not from asking (docs/trust-model.md, T5).
 */
export function suggestNextStep(facts: { stakeholderName: string; isCold: boolean; state: string; daysSinceMeaningful: number | null; cadenceDays: number; goals: string | null; interests: string | null }): string {
  const first = facts.stakeholderName.split(' ')[0] ?? facts.stakeholderName
  const about = facts.goals ? ` that helps with "${truncate(facts.goals, 60)}"` : ''
  if (facts.daysSinceMeaningful === null) return `No meaningful contact with ${first} yet: open with something useful to them${about}, not a pitch.`
  if (facts.isCold) {
    const overdue = Math.round(facts.daysSinceMeaningful - facts.cadenceDays)
    const personal = facts.interests ? ` or something around their interest in ${truncate(facts.interests, 40)}` : ''
    return `${Math.round(facts.daysSinceMeaningful)} days since a meaningful touch (${overdue} past the ${facts.cadenceDays}-day cadence): give ${first} an introduction or an insight${about}${personal}.`
  }
  if (facts.state === 'cooling') return `Trust with ${first} is slipping: ask how things are going and offer help before they need to ask.`
  return `Keep the rhythm with ${first}: a meaningful touch every ${facts.cadenceDays} days.`
}

function truncate(s: string, n: number): string {
  const line = s.replace(/\s+/g, ' ').trim()
  return line.length > n ? `${line.slice(0, n - 1)}…` : line
}
