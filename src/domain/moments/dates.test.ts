import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { addDays, daysBetween, nextOccurrence, occurrenceInYear, occurrencesBetween, todayIn, yearsAt } from './dates.ts'

describe('moment dates', () => {
  test('29 February recurs on 28 February in non-leap years and on 29 February in leap years', () => {
    const leapling = { onDate: '1988-02-29', recurrence: 'yearly' as const }
    assert.equal(occurrenceInYear('1988-02-29', 2027), '2027-02-28')
    assert.equal(occurrenceInYear('1988-02-29', 2028), '2028-02-29')
    assert.equal(occurrenceInYear('1988-02-29', 2100), '2100-02-28', '2100 is not a leap year')
    assert.equal(occurrenceInYear('1988-02-29', 2000), '2000-02-29', '2000 is')
    assert.deepEqual(occurrencesBetween(leapling, '2026-01-01', '2029-12-31'), ['2026-02-28', '2027-02-28', '2028-02-29', '2029-02-28'])
    assert.equal(nextOccurrence(leapling, '2027-03-01'), '2028-02-29')
    assert.equal(yearsAt(leapling, '2027-02-28'), 39)
  })

  test('one-off moments occur once; yearly ones not before their first date', () => {
    assert.equal(nextOccurrence({ onDate: '2027-06-12', recurrence: 'once' }, '2026-11-23'), '2027-06-12')
    assert.equal(nextOccurrence({ onDate: '2026-06-12', recurrence: 'once' }, '2026-11-23'), null)
    assert.deepEqual(occurrencesBetween({ onDate: '2028-05-01', recurrence: 'yearly' }, '2026-01-01', '2029-12-31'), ['2028-05-01', '2029-05-01'])
    assert.equal(nextOccurrence({ onDate: '1970-11-23', recurrence: 'yearly' }, '2026-11-23'), '2026-11-23', 'today counts')
    assert.equal(nextOccurrence({ onDate: '1970-11-22', recurrence: 'yearly' }, '2026-11-23'), '2027-11-22')
  })

  test('"today" depends on the time zone asked for', () => {
    const instant = new Date('2026-11-23T03:30:00Z')
    assert.equal(todayIn('UTC', instant), '2026-11-23')
    assert.equal(todayIn('America/Los_Angeles', instant), '2026-11-22')
    assert.equal(todayIn('Pacific/Kiritimati', new Date('2026-11-23T12:30:00Z')), '2026-11-24')
  })

  test('property: the next occurrence is on or after the day asked, within a year, on the same month and day (or 28 Feb)', () => {
    const day = fc.date({ min: new Date('1950-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
    fc.assert(fc.property(day, day, (onDate, from) => {
      const next = nextOccurrence({ onDate, recurrence: 'yearly' }, from)
      assert.ok(next !== null)
      assert.ok(next >= from && next >= onDate)
      if (onDate < from) assert.ok(daysBetween(from, next) <= 366)
      const md = next.slice(5)
      assert.ok(md === onDate.slice(5) || (onDate.slice(5) === '02-29' && md === '02-28'))
      assert.equal(addDays(addDays(next, 40), -40), next)
    }))
  })
})
