import { createHash } from 'node:crypto'
import ICAL from 'ical.js'
import { foldAddress } from '../email/headers.ts'
import { splitLines } from './lines.ts'

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

/** The bounds that keep a calendar's reading flat in memory, whatever the size of the file. */
export const CALENDAR_LIMITS = {
  /** Events held back, grouped by UID, so a series meets its exceptions (RECURRENCE-ID) and later versions. */
  heldEvents: 2000,
  heldBytes: 4 * 1024 * 1024,
  /** One event's text (binary attachments are dropped as they stream past). */
  eventBytes: 1024 * 1024,
  /** VTIMEZONE definitions kept per VCALENDAR. */
  timezones: 500,
  /** UIDs of groups already expanded, remembered (as 52-bit hashes) once the buffer had to let some go. */
  rememberedUids: 200_000,
}

const emptyParsed = (): ParsedCalendar => ({ occurrences: [], issues: [], cancelled: 0, outsideWindow: 0 })

/** A 52-bit FNV-1a hash: remembers a UID in a few bytes. */
function uidHash(uid: string): number {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  for (let i = 0; i < uid.length; i++) {
    const c = uid.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c, 0x01000193) >>> 0
  }
  return (a & 0xfffff) * 0x100000000 + b
}

/** An event held back: its text and the VCALENDAR it was read in (its VTIMEZONEs). */
type Held = { text: string; index: number; frame: ICAL.Component }
type Group = { items: Held[]; bytes: number }
type Collecting = { kind: 'VEVENT' | 'VTIMEZONE'; lines: string[]; bytes: number; depth: number; index: number; isTooLarge: boolean }

const BEGIN = /^BEGIN:([A-Za-z0-9-]+)[\s\p{Cc}]*$/iu
const END = /^END:([A-Za-z0-9-]+)[\s\p{Cc}]*$/iu
// Inline attachments (base64): never used here, dropped before they take memory.
const BINARY_ATTACH = /^ATTACH;[^:]*(ENCODING=BASE64|VALUE=BINARY)/i

/**
 * Reads an iCalendar stream line by line (physical lines, as `readLines` gives them) and turns
 * it into meeting occurrences, with bounded memory: each VEVENT is cut out of the stream
 * (folded lines are unfolded to find BEGIN/END, so a folded line never splits a component) and
 * parsed on its own by ical.js, under a VCALENDAR frame that holds the file's VTIMEZONEs (so
 * TZIDs resolve as in the whole file). Events are held back in groups of the same UID — the
 * series, its exceptions (RECURRENCE-ID) and later versions (SEQUENCE) — and expanded when the
 * stream ends or, in a file of more than CALENDAR_LIMITS.heldEvents events, when the oldest
 * groups must make room. A component for a UID that was expanded already is then reported (not
 * applied) instead of being silently doubled. A VTIMEZONE that comes after the events that
 * use it does not apply to those already expanded. Results are collected in `parsed` and taken
 * with `take()`.
 */
export class CalendarReader {
  private readonly window: CalendarWindow
  private parsed: ParsedCalendar = emptyParsed()
  private logical: string[] = []
  private logicalBytes = 0
  private isDropping = false
  private isLogicalTooLong = false
  private open: string[] = []
  private collecting: Collecting | null = null
  private frame: ICAL.Component | null = null
  private timezoneCount = 0
  private groups = new Map<string, Group>()
  private heldEvents = 0
  private heldBytes = 0
  private readUids = new Set<number>()
  private events = 0
  private sawCalendar = false

  constructor(window: CalendarWindow) {
    this.window = window
  }

  /** Occurrences found and not taken yet. */
  get pendingOccurrences(): number {
    return this.parsed.occurrences.length
  }

  /** What was found since the last call. */
  take(): ParsedCalendar {
    const out = this.parsed
    this.parsed = emptyParsed()
    return out
  }

  /** One physical line, without its line break. */
  push(line: string): void {
    if ((line.startsWith(' ') || line.startsWith('\t')) && this.logical.length) {
      if (this.isDropping) return
      this.logicalBytes += line.length
      if (this.logicalBytes > CALENDAR_LIMITS.eventBytes) this.isLogicalTooLong = true
      else this.logical.push(line)
      return
    }
    this.flushLogical()
    this.isDropping = this.collecting !== null && BINARY_ATTACH.test(line)
    this.logical = [line]
    this.logicalBytes = line.length
  }

  /** The end of the stream: what is still held is expanded. */
  end(): void {
    this.flushLogical()
    const c = this.collecting
    if (c) {
      if (c.kind === 'VEVENT') this.parsed.issues.push({ index: c.index, uid: uidInText(c.lines), reason: 'the event has no END:VEVENT (the file ends inside it)' })
      this.collecting = null
    }
    for (const [uid, group] of this.groups) this.expandGroup(uid, group)
    this.groups.clear()
    if (!this.sawCalendar && this.events === 0) this.parsed.issues.push({ index: null, uid: null, reason: 'no VCALENDAR or VEVENT in the file' })
  }

  private flushLogical() {
    if (!this.logical.length) return
    const physical = this.logical
    const isTooLong = this.isLogicalTooLong
    const isDropped = this.isDropping
    this.logical = []
    this.isLogicalTooLong = false
    this.isDropping = false
    this.takeLogical(physical, isTooLong, isDropped)
  }

  private takeLogical(physical: string[], isTooLong: boolean, isDropped: boolean) {
    const text = physical.length === 1 ? physical[0]! : physical[0]! + physical.slice(1).map((l) => l.slice(1)).join('')
    const begin = BEGIN.exec(text)?.[1]?.toUpperCase()
    const end = begin ? undefined : END.exec(text)?.[1]?.toUpperCase()
    const c = this.collecting
    if (c) {
      if (begin) c.depth += 1
      else if (end) c.depth -= 1
      if (!isDropped && !c.isTooLarge) {
        const bytes = physical.reduce((n, l) => n + l.length + 2, 0)
        c.bytes += bytes
        if (isTooLong || c.bytes > CALENDAR_LIMITS.eventBytes) {
          c.isTooLarge = true
          c.lines = c.lines.filter((l) => /^UID[;:]/i.test(l)).slice(0, 1)
        } else c.lines.push(...physical)
      }
      if (c.depth === 0) {
        this.collecting = null
        if (c.kind === 'VEVENT') this.finishEvent(c)
        else this.finishTimezone(c)
      }
      return
    }
    if (begin) {
      if (begin === 'VCALENDAR') {
        this.open = ['VCALENDAR']
        this.sawCalendar = true
        this.frame = new ICAL.Component('vcalendar')
        this.timezoneCount = 0
        return
      }
      // Wherever they are (a VCALENDAR, the top of a bare file, a custom wrapper component).
      if (begin === 'VEVENT' || begin === 'VTIMEZONE') {
        this.collecting = { kind: begin, lines: [...physical], bytes: text.length + 2, depth: 1, index: begin === 'VEVENT' ? this.events++ : -1, isTooLarge: false }
        return
      }
      this.open.push(begin)
      return
    }
    if (end && this.open[this.open.length - 1] === end) this.open.pop()
    // Properties of the VCALENDAR itself or of components we do not read (VTODO, VJOURNAL…): not needed.
  }

  private frameOf(): ICAL.Component {
    this.frame ??= new ICAL.Component('vcalendar')
    return this.frame
  }

  private finishTimezone(c: Collecting) {
    if (c.isTooLarge || this.timezoneCount >= CALENDAR_LIMITS.timezones) return
    try {
      const component = new ICAL.Component(ICAL.parse(repairCalendarText(c.lines.join('\r\n'))) as never)
      if (component.name !== 'vtimezone') return
      this.frameOf().addSubcomponent(component)
      this.timezoneCount += 1
    } catch (err) {
      const tzid = c.lines.map((l) => /^TZID[^:]*:(.*)$/i.exec(l)?.[1]).find(Boolean)
      this.parsed.issues.push({ index: null, uid: null, reason: `a VTIMEZONE${tzid ? ` (${tzid.trim()})` : ''} is not readable (${(err as Error).message}); times in it are read as an IANA zone of that name, else in the import's zone` })
    }
  }

  private parseEvent(text: string, frame: ICAL.Component): ICAL.Component {
    const component = new ICAL.Component(ICAL.parse(repairCalendarText(text)) as never, frame)
    if (component.name !== 'vevent') throw new Error('not a VEVENT')
    return component
  }

  /** An event's text is held (parsed components weigh ten times more), grouped by its UID. */
  private finishEvent(c: Collecting) {
    if (c.isTooLarge) {
      this.parsed.issues.push({ index: c.index, uid: uidInText(c.lines), reason: `the event is larger than ${CALENDAR_LIMITS.eventBytes / 1024 / 1024} MB (attachments aside)` })
      return
    }
    const text = c.lines.join('\r\n')
    const frame = this.frameOf()
    let uid = uidInText(c.lines)
    if (!uid) {
      // No UID (old exports): the digest that stands for it needs the parsed event.
      try {
        uid = uidOf(this.parseEvent(text, frame))
      } catch (err) {
        this.parsed.issues.push({ index: c.index, uid: null, reason: (err as Error).message })
        return
      }
    }
    const group = this.groups.get(uid)
    if (!group && this.readUids.has(uidHash(uid))) {
      this.parsed.issues.push({ index: c.index, uid, reason: `this version or instance of the event comes more than ${CALENDAR_LIMITS.heldEvents.toLocaleString('en-GB')} events after the first one with its UID, which was already recorded: not applied` })
      return
    }
    if (group) {
      group.items.push({ text, index: c.index, frame })
      group.bytes += text.length
    } else this.groups.set(uid, { items: [{ text, index: c.index, frame }], bytes: text.length })
    this.heldEvents += 1
    this.heldBytes += text.length
    if (this.heldEvents > CALENDAR_LIMITS.heldEvents || this.heldBytes > CALENDAR_LIMITS.heldBytes) this.makeRoom()
  }

  /** Expand the oldest groups until half the buffer is free; remember their UIDs. */
  private makeRoom() {
    for (const [uid, group] of this.groups) {
      if (this.heldEvents <= CALENDAR_LIMITS.heldEvents / 2 && this.heldBytes <= CALENDAR_LIMITS.heldBytes / 2) break
      this.groups.delete(uid)
      this.expandGroup(uid, group)
      this.readUids.add(uidHash(uid))
      if (this.readUids.size > CALENDAR_LIMITS.rememberedUids) this.readUids.delete(this.readUids.values().next().value!)
    }
  }

  /**
   * One UID's components: the series (the latest version: highest SEQUENCE, then DTSTAMP), its
   * exceptions related to it, each expanded in the window. An exception whose series is not in
   * the file (an invitation to one instance) stands alone.
   */
  private expandGroup(uid: string, group: Group) {
    this.heldEvents -= group.items.length
    this.heldBytes -= group.bytes
    const result = this.parsed
    // Keyed by the parsed UID, as a whole-file parse did (the group's key is the UID as written).
    const masters = new Map<string, { event: ICAL.Event; index: number }>()
    const exceptions: { component: ICAL.Component; index: number }[] = []
    for (const { text: source, index, frame } of group.items) {
      let component: ICAL.Component
      try {
        component = this.parseEvent(source, frame)
      } catch (err) {
        result.issues.push({ index, uid: uidInText(source.split('\r\n')), reason: (err as Error).message })
        continue
      }
      try {
        const id = uidOf(component)
        if (!component.hasProperty('uid')) component.addPropertyWithValue('uid', id)
        if (component.hasProperty('recurrence-id')) {
          exceptions.push({ component, index })
          continue
        }
        const seen = masters.get(id)?.event.component
        if (seen && (sequenceOf(seen) > sequenceOf(component) || (sequenceOf(seen) === sequenceOf(component) && stampOf(seen) >= stampOf(component)))) continue
        masters.set(id, { event: new ICAL.Event(component), index })
      } catch (err) {
        result.issues.push({ index, uid: text(component, 'uid') ?? uid, reason: (err as Error).message })
      }
    }
    for (const { component, index } of exceptions) {
      const id = uidOf(component)
      const master = masters.get(id)
      try {
        if (master) master.event.relateException(new ICAL.Event(component))
        // An exception whose series is not in the file (a single invitation to one instance) stands alone.
        else masters.set(`${id}#${index}`, { event: new ICAL.Event(component), index })
      } catch (err) {
        result.issues.push({ index, uid: id, reason: (err as Error).message })
      }
    }
    for (const { event, index } of masters.values()) {
      try {
        expand(event, index, this.window, result)
      } catch (err) {
        result.issues.push({ index, uid: event.uid ?? null, reason: (err as Error).message })
      }
    }
  }
}

/** The UID of a component's text as written (unfolded), or null: groups events before they are parsed. */
function uidInText(lines: string[]): string | null {
  for (let i = 0; i < lines.length; i++) {
    const m = /^UID(?:;[^:]*)?:(.*)$/i.exec(lines[i]!)
    if (!m) continue
    let value = m[1]!
    for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j]!); j++) value += lines[j]!.slice(1)
    return value.trim() || null
  }
  return null
}

/** Parse one .ics text (tests, small inputs): the same reader as the streaming import. Never throws. */
export function parseCalendar(source: string, window: CalendarWindow): ParsedCalendar {
  const reader = new CalendarReader(window)
  for (const line of splitLines(source)) reader.push(line)
  reader.end()
  return reader.take()
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
