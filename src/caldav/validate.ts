import ICAL from 'ical.js';
import { DavError } from '../dav/errors.js';
import { caldav, dav } from '../dav/xml/names.js';
import { el } from '../dav/xml/element.js';
import { CalendarParseError, decodeUtf8, describeCalendar, parseCalendar } from './parse.js';
import { checkPropertyValues } from './validateValues.js';
import { unresolvedTzids } from './timezones.js';
import { isUtf8Charset, parseMediaType } from '../dav/mediaType.js';

/**
 * Validation of a calendar object resource on PUT/COPY/MOVE (RFC 4791 §4.1, §5.3.2.1).
 * Every refusal is a 403 with the RFC's precondition element: RFC 4791 §1.3 says a failed
 * precondition answers 403 (always fails) or 409 (the user can fix the state), so even an
 * unsupported media type answers 403 + CALDAV:supported-calendar-data rather than 415.
 * Leniency follows what real clients send: PRODID/VERSION may be missing (only a VERSION other
 * than 2.0 is refused), DTSTAMP may be missing, a byte-order mark is ignored.
 */

export interface ValidateOptions {
  /** Content-Type request header; absent = accepted (several clients send none). */
  contentType?: string | undefined;
  /** Upper-case component names the collection accepts (CALDAV:supported-calendar-component-set). */
  supportedComponents: readonly string[];
  /** CALDAV:max-resource-size in octets. */
  maxResourceSize: number;
  minDateTime?: Date | undefined;
  maxDateTime?: Date | undefined;
}

export interface ValidatedCalendarObject {
  uid: string;
  /** Upper-case main component name (VEVENT, VTODO, VJOURNAL, VFREEBUSY, VAVAILABILITY). */
  component: string;
  summary?: string;
  vcalendar: ICAL.Component;
  /** Decoded text (the bytes themselves are stored untouched). */
  text: string;
}

const C = {
  supportedData: caldav('supported-calendar-data'),
  validData: caldav('valid-calendar-data'),
  validObject: caldav('valid-calendar-object-resource'),
  supportedComponent: caldav('supported-calendar-component'),
  maxSize: caldav('max-resource-size'),
  minDate: caldav('min-date-time'),
  maxDate: caldav('max-date-time'),
  noUidConflict: caldav('no-uid-conflict'),
};

const refuse = (condition: string, message: string) => new DavError(403, message, { condition });

/** Components whose type decides what the resource is; VTIMEZONE only supports them. */
const SCHEDULABLE = new Set(['vevent', 'vtodo', 'vjournal', 'vfreebusy', 'vavailability']);

export function validateCalendarObject(bytes: Uint8Array, opts: ValidateOptions): ValidatedCalendarObject {
  checkCalendarContentType(opts.contentType);
  if (bytes.byteLength > opts.maxResourceSize) {
    throw refuse(C.maxSize, `calendar object is ${bytes.byteLength} octets; this calendar accepts at most ${opts.maxResourceSize}`);
  }

  let text: string;
  let vcalendar: ICAL.Component;
  try {
    text = decodeUtf8(bytes);
    vcalendar = parseCalendar(text);
  } catch (e) {
    if (e instanceof CalendarParseError) {
      throw refuse(C.validData, e.line ? `${e.message} (line ${e.line})` : e.message);
    }
    throw e;
  }

  const version = vcalendar.getFirstPropertyValue('version');
  if (version !== null && String(version).trim() !== '2.0') {
    throw refuse(C.validData, `iCalendar VERSION must be 2.0, got ${String(version)}`);
  }
  const valueProblem = checkPropertyValues(vcalendar);
  if (valueProblem) throw refuse(C.validData, valueProblem);

  if (vcalendar.hasProperty('method')) {
    throw refuse(C.validObject, 'calendar object resources must not contain a METHOD property (RFC 4791 §4.1)');
  }

  const comps = vcalendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
  if (comps.length === 0) throw refuse(C.validObject, 'the calendar object contains no VEVENT, VTODO, VJOURNAL or VFREEBUSY component');
  const type = comps[0]!.name;
  const other = comps.find((c) => c.name !== type);
  if (other) {
    throw refuse(C.validObject, `a calendar object resource holds one component type; found ${type.toUpperCase()} and ${other.name.toUpperCase()}`);
  }
  if (!SCHEDULABLE.has(type)) {
    throw refuse(C.supportedComponent, `component ${type.toUpperCase()} is not a calendar component this server stores`);
  }
  const uids = new Set<string>();
  for (const c of comps) {
    const uid = c.getFirstPropertyValue('uid');
    if (uid === null || String(uid).trim() === '') throw refuse(C.validObject, `${type.toUpperCase()} without UID`);
    if (c.getAllProperties('uid').length > 1) throw refuse(C.validObject, `${type.toUpperCase()} with more than one UID`);
    uids.add(String(uid));
  }
  if (uids.size > 1) {
    throw refuse(C.validObject, `one calendar object resource holds one UID; found ${[...uids].map((u) => `"${u}"`).join(', ')}`);
  }
  const recurrenceProblem = checkRecurrenceSet(comps);
  if (recurrenceProblem) throw refuse(C.validObject, recurrenceProblem);
  const componentProblem = checkComponentRules(comps);
  if (componentProblem) throw refuse(C.validData, componentProblem);

  if (!opts.supportedComponents.some((s) => s.toLowerCase() === type)) {
    throw refuse(
      C.supportedComponent,
      `this calendar accepts ${opts.supportedComponents.join(', ') || 'no components'}, not ${type.toUpperCase()}`,
    );
  }

  const missingTz = unresolvedTzids(vcalendar);
  if (missingTz.length) {
    throw refuse(
      C.validData,
      `TZID ${missingTz.map((t) => `"${t}"`).join(', ')} has no VTIMEZONE in the object and is not an IANA time zone name; include the VTIMEZONE`,
    );
  }

  checkDateLimits(comps, opts.minDateTime, opts.maxDateTime);

  const described = describeCalendar(vcalendar, text);
  const out: ValidatedCalendarObject = { uid: [...uids][0]!, component: type.toUpperCase(), vcalendar, text };
  if (described.summary !== undefined) out.summary = described.summary;
  return out;
}

/**
 * CALDAV:supported-calendar-data for a request Content-Type: text/calendar (any parameters) with a
 * UTF-8 (or US-ASCII, its subset) charset or none. A missing header is accepted.
 */
export function checkCalendarContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') return;
  const { type, params } = parseMediaType(contentType);
  if (type !== 'text/calendar') {
    throw refuse(C.supportedData, `calendar object resources must be sent as text/calendar, not ${type}`);
  }
  const charset = params.get('charset');
  if (!isUtf8Charset(charset)) throw refuse(C.supportedData, `calendar data must be UTF-8, not charset=${charset}`);
}

/** The CALDAV:no-uid-conflict error naming the resource that already holds the UID. */
export function noUidConflict(existingHref: string, uid?: string): DavError {
  const what = uid === undefined ? 'this UID' : `UID "${uid}"`;
  return new DavError(403, `${what} is already used by ${existingHref}`, {
    condition: C.noUidConflict,
    content: [el(dav('href'), [existingHref])],
  });
}

/** One master at most; each RECURRENCE-ID once. */
function checkRecurrenceSet(comps: ICAL.Component[]): string | undefined {
  let masters = 0;
  const seen = new Set<string>();
  for (const c of comps) {
    const rid = c.getFirstProperty('recurrence-id');
    if (!rid) {
      masters++;
      continue;
    }
    const key = String(rid.getFirstValue());
    if (seen.has(key)) return `two overridden instances with RECURRENCE-ID ${key}`;
    seen.add(key);
  }
  return masters > 1 ? 'more than one component without RECURRENCE-ID for the same UID' : undefined;
}

/** The RFC 5545 rules a time-range query depends on. */
function checkComponentRules(comps: ICAL.Component[]): string | undefined {
  for (const c of comps) {
    const name = c.name.toUpperCase();
    if (name === 'VEVENT' && !c.hasProperty('dtstart')) return 'VEVENT without DTSTART (RFC 5545 §3.6.1)';
    if ((name === 'VEVENT' && c.hasProperty('dtend') && c.hasProperty('duration'))) return 'VEVENT with both DTEND and DURATION';
    if (name === 'VTODO' && c.hasProperty('due') && c.hasProperty('duration')) return 'VTODO with both DUE and DURATION';
    if (name === 'VTODO' && c.hasProperty('duration') && !c.hasProperty('dtstart')) return 'VTODO with DURATION but no DTSTART';
  }
  return undefined;
}

const DATE_PROPS = ['dtstart', 'dtend', 'due', 'recurrence-id', 'rdate', 'exdate'];
/** A local time is at most 14 hours away from UTC: compare with that slack, never refuse wrongly. */
const LOCAL_SLACK_MS = 14 * 3600_000;

/**
 * CALDAV:min-date-time / max-date-time on the scheduling values (DTSTART, DTEND, DUE,
 * RECURRENCE-ID, RDATE, EXDATE, RRULE UNTIL). Floating and TZID values are compared with ±14 h of
 * slack instead of being resolved. An RRULE without end is not refused (every server would refuse
 * every open-ended series otherwise).
 */
function checkDateLimits(comps: ICAL.Component[], min: Date | undefined, max: Date | undefined): void {
  if (!min && !max) return;
  const check = (t: ICAL.Time, what: string) => {
    const utc = t.zone?.tzid === 'UTC' || (t as unknown as { timezone?: string }).timezone === 'Z';
    const ms = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
    const slack = utc ? 0 : LOCAL_SLACK_MS;
    if (min && ms + slack < min.getTime()) {
      throw refuse(C.minDate, `${what} ${t.toString()} is before this calendar's min-date-time ${min.toISOString()}`);
    }
    if (max && ms - slack >= max.getTime()) {
      throw refuse(C.maxDate, `${what} ${t.toString()} is not before this calendar's max-date-time ${max.toISOString()}`);
    }
  };
  for (const c of comps) {
    for (const name of DATE_PROPS) {
      for (const p of c.getAllProperties(name)) {
        for (const v of p.getValues() as unknown[]) {
          if (v instanceof ICAL.Time) check(v, name.toUpperCase());
          else if (v instanceof ICAL.Period) {
            check(v.start, name.toUpperCase());
            if (v.end) check(v.end, name.toUpperCase());
          }
        }
      }
    }
    for (const p of c.getAllProperties('rrule')) {
      const r = p.getFirstValue();
      if (r instanceof ICAL.Recur && r.until) check(r.until, 'RRULE UNTIL');
    }
  }
}
