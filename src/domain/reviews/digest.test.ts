import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildDigest } from './digest.ts'

describe('weekly digest content', () => {
  test("a rep's week: cold relationships by importance, commitments by due date, overdue marked", () => {
    const d = buildDigest({
      userName: 'Ann',
      weekStart: '2026-01-12',
      cold: [
        { stakeholderName: 'Bo', accountName: 'Globex', daysSinceMeaningful: 40, importance: 3 },
        { stakeholderName: 'Cy', accountName: null, daysSinceMeaningful: null, importance: 5 },
      ],
      commitmentsDue: [{ text: 'Send the case study', dueOn: '2026-01-14', ownerName: 'Ann' }, { text: 'Call Bo', dueOn: '2026-01-09', ownerName: 'Ann' }],
    })
    assert.equal(d.subject, 'Your relationships this week: 2 gone cold, 2 commitments due')
    assert.equal(d.isEmpty, false)
    const lines = d.text.split('\n')
    const cold = lines.indexOf('Gone cold (2): no meaningful contact within their cadence')
    assert.deepEqual(lines.slice(cold + 1, cold + 3), ['- Cy: never met meaningfully', '- Bo (Globex): 40 days since a meaningful contact'])
    const due = lines.indexOf('Commitments due (2)')
    assert.deepEqual(lines.slice(due + 1, due + 3), ['- Call Bo (Ann, due 2026-01-09, overdue)', '- Send the case study (Ann, due 2026-01-14)'])
  })

  test("a manager's digest adds the team's coverage and cold relationships; a quiet week says so", () => {
    const d = buildDigest({
      userName: 'Mo', weekStart: '2026-01-12', cold: [], commitmentsDue: [],
      team: { name: 'Team of Mo', coverage: 0.75, coverageBefore: 0.8, cold: [{ stakeholderName: 'Bo', accountName: null, daysSinceMeaningful: 31, importance: 4, ownerName: 'Ann' }], commitmentsDue: [] },
    })
    assert.match(d.text, /Team of Mo: 75 % of key relationships within cadence \(80 % the week before\)\./)
    assert.match(d.text, /- Bo, Ann: 31 days since a meaningful contact/)
    assert.equal(d.subject, 'Your relationships this week')
    const quiet = buildDigest({ userName: 'Mo', weekStart: '2026-01-12', cold: [], commitmentsDue: [] })
    assert.equal(quiet.isEmpty, true)
    assert.match(quiet.text, /Nothing has gone cold/)
  })
})
