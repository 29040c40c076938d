// Calendar-date maths for moments. Moments are whole days ('YYYY-MM-DD', a `date` column), never
// instants: a birthday is the same day in every time zone, so nothing here shifts by offsets.
// "Today" is the only time-zone-dependent value and is always computed for an explicit zone.

export type Recurrence = 'once' | 'yearly'
export type DatedMoment = { onDate: string; recurrence: Recurrence }

const DAY_MS = 86_400_000

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

function parts(day: string): [number, number, number] {
  const [y, m, d] = day.split('-').map(Number)
  return [y!, m!, d!]
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
const format = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`

/** The day `n` days after (or before) `day`. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parts(day)
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10)
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  const [ay, am, ad] = parts(a)
  const [by, bm, bd] = parts(b)
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / DAY_MS)
}

/**
 * A yearly date in a given year. 29 February falls on 28 February in non-leap years (the last day
 * of the month the person celebrates in, and what most people born on 29 Feb choose; 1 March would
 * move the moment into another month).
 */
export function occurrenceInYear(onDate: string, year: number): string {
  const [, m, d] = parts(onDate)
  if (m === 2 && d === 29 && !isLeap(year)) return format(year, 2, 28)
  return format(year, m, d)
}

/** The first occurrence on or after `fromDay`, or null (a one-off moment that has passed). */
export function nextOccurrence(moment: DatedMoment, fromDay: string): string | null {
  if (moment.recurrence === 'once') return moment.onDate >= fromDay ? moment.onDate : null
  if (moment.onDate >= fromDay) return moment.onDate
  const [fromYear] = parts(fromDay)
  const thisYear = occurrenceInYear(moment.onDate, fromYear)
  return thisYear >= fromDay ? thisYear : occurrenceInYear(moment.onDate, fromYear + 1)
}

/** Every occurrence in [from, to], in order. */
export function occurrencesBetween(moment: DatedMoment, from: string, to: string): string[] {
  const out: string[] = []
  let next = nextOccurrence(moment, from)
  while (next !== null && next <= to) {
    out.push(next)
    if (moment.recurrence === 'once') break
    next = occurrenceInYear(moment.onDate, parts(next)[0] + 1)
  }
  return out
}

/** How many years an occurrence marks (age at a birthday, years of a wedding), or null for one-off moments. */
export function yearsAt(moment: DatedMoment, occursOn: string): number | null {
  if (moment.recurrence === 'once') return null
  return parts(occursOn)[0] - parts(moment.onDate)[0]
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/** Reminders go out from this local hour on their day, not at midnight. */
export const REMINDER_HOUR = 8

/**
 * The last day whose REMINDER_HOUR has passed in a time zone: before 08:00 local time that is
 * yesterday, from 08:00 today. A reminder is due once its day is on or before this one.
 */
export function reminderDayIn(timeZone: string, now: Date = new Date()): string {
  return todayIn(timeZone, new Date(now.getTime() - REMINDER_HOUR * 3_600_000))
}

/** The calendar date it is now in a time zone (IANA name), e.g. still yesterday in Honolulu. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}
