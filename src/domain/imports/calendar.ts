import { createHash } from 'node:crypto'
import ICAL from 'ical.js'
import { foldAddress } from '../email/headers.ts'

// Reading iCalendar files into meeting occurrences: pure, no database. ical.js does the parsing,
// the recurrence rules (RRULE, RDATE, EXDATE) and the exceptions (RECURRENCE-ID); this file
// decides what counts as a meeting and what a time means (see docs/decisions/0008).

export type Attendee = { email: string; name: string | null; declined: boolean }

/** One occurrence of a meeting: a single event, or one instance of a recurring one. */
export type MeetingOccurrence = {
  uid: string
  /** Stable across re-imports: the UID and the start (a recurring instance: its original start, its RECURRENCE-ID). */
  externalId: string
  start: Date
  end: Date | null
  summary: string | null
  organizer: Attendee | null
  attendees: Attendee[]
  /** Position of the VEVENT in its file (0-based), for reports. */
  index: number
}

export type CalendarIssue = { index: number | null; uid: string | null; reason: string }

export type CalendarWindow = {
  from: Date
  to: Date
  /** Zone of floating times and of TZIDs the file neither defines nor names in IANA terms. */
  timeZone: string
  /** Safety cap for rules such as FREQ=SECONDLY with no end. */
  maxOccurrencesPerEvent: number
}

export type ParsedCalendar = { occurrences: MeetingOccurrence[]; issues: CalendarIssue[]; cancelled: number; outsideWindow: number }

export const DEFAULT_MAX_OCCURRENCES = 5000
// Instances walked per event, inside the window or not (a minutely rule since 1990 stops here).
const MAX_ITERATIONS = 200_000

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/

/** An attendee's address as we match it (`mailto:` dropped, folded like mail addresses), or null. */
export function foldEmail(raw: string): string | null {
  const value = raw.trim().replace(/^mailto:/i, '').trim()
  return ADDRESS.test(value) ? foldAddress(value) : null
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>()
function zoneFormat(timeZone: string): Intl.DateTimeFormat | null {
  let format = zoneFormats.get(timeZone)
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    } catch {
      return null
    }
    zoneFormats.set(timeZone, format)
  }
  return format
}

/** Whether a name is an IANA time zone this runtime knows. */
export function isKnownZone(timeZone: string): boolean {
  return zoneFormat(timeZone) !== null
}

/** The UTC instant of a wall-clock time in an IANA zone (two passes settle DST transitions). */
export function wallClockToUtc(parts: { year: number; month: number; day: number; hour: number; minute: number; second: number }, timeZone: string): Date {
  const format = zoneFormat(timeZone) ?? zoneFormat('UTC')!
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second)
  const offsetAt = (t: number) => {
    const p = Object.fromEntries(format.formatToParts(new Date(t)).map((x) => [x.type, x.value]))
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - t
  }
  let t = asUtc - offsetAt(asUtc)
  t = asUtc - offsetAt(t)
  return new Date(t)
}

/**
 * The instant of an ical.js time. Times in a zone the file defines (VTIMEZONE) or in UTC are
 * exact; a TZID the file does not define is read as an IANA name when it is one; floating times
 * and all-day dates are read in the fallback zone.
 */
function toInstant(time: ICAL.Time, tzid: string | null, fallbackZone: string): Date {
  const zoneId = time.zone?.tzid
  if (!time.isDate && zoneId && zoneId !== 'floating') return time.toJSDate()
  const zone = tzid && isKnownZone(tzid) ? tzid : fallbackZone
  return wallClockToUtc({ year: time.year, month: time.month, day: time.day, hour: time.isDate ? 0 : time.hour, minute: time.isDate ? 0 : time.minute, second: time.isDate ? 0 : time.second }, zone)
}

function person(prop: ICAL.Property | null): Attendee | null {
  if (!prop) return null
  const value = prop.getFirstValue()
  const param = prop.getParameter('email')
  const email = foldEmail(typeof param === 'string' ? param : typeof value === 'string' ? value : '')
  if (!email) return null
  const cn = prop.getParameter('cn')
  const partstat = prop.getParameter('partstat')
  return { email, name: typeof cn === 'string' && cn.trim() ? cn.trim() : null, declined: typeof partstat === 'string' && partstat.toUpperCase() === 'DECLINED' }
}

function text(component: ICAL.Component, name: string): string | null {
  const value = component.getFirstPropertyValue(name)
  return typeof value === 'string' && value.trim() ? value.trim() : null
}

const isCancelled = (component: ICAL.Component) => text(component, 'status')?.toUpperCase() === 'CANCELLED'

// Real files write all-day dates without VALUE=DATE (`DTSTART:20220101`), which ical.js rejects
// as a broken date-time; a byte-order mark also stops it. Both are repaired before parsing.
const BARE_DATE = /^(DTSTART|DTEND|DUE|RECURRENCE-ID|EXDATE|RDATE)((?:;(?![^:\r\n]*VALUE=)[^:\r\n]*)?):(\d{8}(?:,\d{8})*)(\r?)$/gim
export function repairCalendarText(source: string): string {
  return source.replace(/^\uFEFF/, '').replace(BARE_DATE, (_m, name: string, params: string, value: string, cr: string) => `${name}${params};VALUE=DATE:${value}${cr}`)
}

/** A UID for an event that has none (old exports): a digest of its start, summary and organizer, stable across imports. */
function uidOf(component: ICAL.Component): string {
  const uid = text(component, 'uid')
  if (uid) return uid
  const raw = ['dtstart', 'summary', 'organizer', 'location'].map((n) => String(component.getFirstProperty(n)?.toICALString() ?? '')).join('\n')
  return `tend-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`
}

const sequenceOf = (c: ICAL.Component) => Number(c.getFirstPropertyValue('sequence') ?? 0) || 0
const stampOf = (c: ICAL.Component) => String(c.getFirstPropertyValue('dtstamp') ?? c.getFirstPropertyValue('last-modified') ?? '')

/** Parse one .ics text. Never throws: a file that cannot be read at all is one issue with index null. */
export function parseCalendar(source: string, window: CalendarWindow): ParsedCalendar {
  const result: ParsedCalendar = { occurrences: [], issues: [], cancelled: 0, outsideWindow: 0 }
  let roots: ICAL.Component[]
  try {
    const parsed = ICAL.parse(repairCalendarText(source)) as unknown
    const list = (Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : parsed) as unknown[]
    roots = list.map((jcal) => new ICAL.Component(jcal as never))
  } catch (err) {
    result.issues.push({ index: null, uid: null, reason: `not a readable iCalendar file: ${(err as Error).message}` })
    return result
  }
  const events = roots.flatMap((root) => (root.name === 'vevent' ? [root] : root.getAllSubcomponents('vevent')))
  if (roots.length === 0 || (events.length === 0 && !roots.some((r) => r.name === 'vcalendar'))) {
    result.issues.push({ index: null, uid: null, reason: 'no VCALENDAR or VEVENT in the file' })
    return result
  }

  // Exceptions (RECURRENCE-ID) belong to the master event with the same UID. The same UID met
  // twice (updates in an iTIP stream) keeps the latest version: highest SEQUENCE, then DTSTAMP.
  const masters = new Map<string, { event: ICAL.Event; index: number }>()
  const exceptions: { component: ICAL.Component; index: number }[] = []
  events.forEach((component, index) => {
    try {
      const uid = uidOf(component)
      if (component.hasProperty('recurrence-id')) {
        exceptions.push({ component, index })
        return
      }
      const seen = masters.get(uid)?.event.component
      if (seen && (sequenceOf(seen) > sequenceOf(component) || (sequenceOf(seen) === sequenceOf(component) && stampOf(seen) >= stampOf(component)))) return
      if (!component.hasProperty('uid')) component.addPropertyWithValue('uid', uid)
      masters.set(uid, { event: new ICAL.Event(component), index })
    } catch (err) {
      result.issues.push({ index, uid: text(component, 'uid'), reason: (err as Error).message })
    }
  })
  for (const { component, index } of exceptions) {
    const uid = uidOf(component)
    if (!component.hasProperty('uid')) component.addPropertyWithValue('uid', uid)
    const master = masters.get(uid)
    try {
      if (master) master.event.relateException(new ICAL.Event(component))
      // An exception whose series is not in the file (a single invitation to one instance) stands alone.
      else masters.set(`${uid}#${index}`, { event: new ICAL.Event(component), index })
    } catch (err) {
      result.issues.push({ index, uid, reason: (err as Error).message })
    }
  }

  for (const { event, index } of masters.values()) {
    try {
      expand(event, index, window, result)
    } catch (err) {
      result.issues.push({ index, uid: event.uid ?? null, reason: (err as Error).message })
    }
  }
  return result
}

// ical.js normalises durations step by step: a bogus DURATION:P999999999999999999W never ends.
const MAX_DURATION_SECONDS = 100 * 366 * 86_400
function checkDuration(component: ICAL.Component) {
  const duration = component.getFirstPropertyValue('duration')
  if (duration instanceof ICAL.Duration) {
    const seconds = Math.abs(duration.weeks * 604_800 + duration.days * 86_400 + duration.hours * 3600 + duration.minutes * 60 + duration.seconds)
    if (!Number.isFinite(seconds) || seconds > MAX_DURATION_SECONDS) throw new Error('DURATION is longer than a century')
  }
}

function expand(event: ICAL.Event, index: number, window: CalendarWindow, result: ParsedCalendar) {
  const component = event.component
  if (!component.hasProperty('dtstart')) throw new Error('the event has no DTSTART')
  checkDuration(component)
  for (const exception of Object.values(event.exceptions)) checkDuration(exception.component)
  const tzidOf = (c: ICAL.Component, name: string) => {
    const tzid = c.getFirstProperty(name)?.getParameter('tzid')
    return typeof tzid === 'string' ? tzid : null
  }
  const masterAttendees = component.getAllProperties('attendee').map(person).filter((a): a is Attendee => a !== null)
  const add = (occurrence: ICAL.Component, start: Date, end: Date | null, key: Date) => {
    if (start < window.from || start > window.to) {
      result.outsideWindow += 1
      return
    }
    if (isCancelled(component) || isCancelled(occurrence)) {
      result.cancelled += 1
      return
    }
    const organizer = person(occurrence.getFirstProperty('organizer') ?? component.getFirstProperty('organizer'))
    // An exception that lists no attendees (Zimbra, Exchange) keeps the series' attendees.
    const own = occurrence.getAllProperties('attendee').map(person).filter((a): a is Attendee => a !== null)
    const attendees = own.length || occurrence === component ? own : masterAttendees
    result.occurrences.push({ uid: event.uid, externalId: `${event.uid}|${key.toISOString()}`, start, end, summary: text(occurrence, 'summary') ?? text(component, 'summary'), organizer, attendees, index })
  }

  if (!event.isRecurring()) {
    const start = toInstant(event.startDate, tzidOf(component, 'dtstart'), window.timeZone)
    const end = event.endDate ? toInstant(event.endDate, tzidOf(component, 'dtend'), window.timeZone) : null
    if (Number.isNaN(start.getTime())) throw new Error('DTSTART is not a valid date')
    add(component, start, end, start)
    return
  }
  const iterator = event.iterator()
  let inWindow = 0
  for (let n = 0; n < MAX_ITERATIONS && inWindow < window.maxOccurrencesPerEvent; n++) {
    const next = iterator.next()
    if (!next) return
    const details = event.getOccurrenceDetails(next)
    const occurrence = details.item.component
    const start = toInstant(details.startDate, tzidOf(occurrence, 'dtstart') ?? tzidOf(component, 'dtstart'), window.timeZone)
    if (Number.isNaN(start.getTime())) throw new Error('an occurrence has no valid start')
    // The rule's instances come in order of their original start: stop once past the window
    // (an exception moved back into it is still met, since it keeps its original slot).
    const original = toInstant(next, tzidOf(component, 'dtstart'), window.timeZone)
    if (original > window.to && start > window.to) return
    const end = details.endDate ? toInstant(details.endDate, tzidOf(occurrence, 'dtend') ?? tzidOf(component, 'dtend'), window.timeZone) : null
    if (start >= window.from && start <= window.to) inWindow += 1
    // Keyed by the instance's original slot (its RECURRENCE-ID): moving it again keeps the same experience.
    add(occurrence, start, end, original)
  }
  result.issues.push({ index, uid: event.uid, reason: `too many occurrences (${window.maxOccurrencesPerEvent} in the window or ${MAX_ITERATIONS} in all); the rest were not expanded` })
}
