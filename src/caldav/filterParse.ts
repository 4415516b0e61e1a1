import type ICAL from 'ical.js';
import { DavError } from '../dav/errors.js';
import { caldav } from '../dav/xml/names.js';
import { attr, el, localName, type XmlElement } from '../dav/xml/element.js';
import { splitClark, NS } from '../dav/xml/names.js';
import { isCollation, type Collation } from '../dav/textMatch.js';
import { parseCalendar } from './parse.js';
import { ianaZone, zoneFromCalendarTimezone } from './timezones.js';
import type { TimeRange } from './timeRange.js';

/**
 * CALDAV:filter (RFC 4791 §9.7) → typed AST. Refusals are 403 with CALDAV:valid-filter,
 * CALDAV:supported-collation (§7.5) or CALDAV:supported-filter (§7.8: time-range where §9.9
 * defines no semantics). Elements of other namespaces are ignored (XML extensibility, RFC 4918
 * §17); unknown CALDAV elements make the filter invalid.
 */

/** A CALDAV:time-range; null = open end (RFC 4791 §9.9). */
export type FilterTimeRange = TimeRange;

export interface TextMatch {
  /** The text to find (CalDAV text-match is always a substring match). */
  value: string;
  collation: Collation;
  negate: boolean;
}

export interface ParamFilter {
  /** Upper-case parameter name. */
  name: string;
  isNotDefined: boolean;
  textMatch?: TextMatch;
}

export interface PropFilter {
  /** Upper-case property name. */
  name: string;
  isNotDefined: boolean;
  timeRange?: FilterTimeRange;
  textMatch?: TextMatch;
  paramFilters: ParamFilter[];
}

export interface CompFilter {
  /** Upper-case component name. */
  name: string;
  isNotDefined: boolean;
  timeRange?: FilterTimeRange;
  propFilters: PropFilter[];
  compFilters: CompFilter[];
}

export interface CalendarFilter {
  /** The top-level comp-filter; always VCALENDAR. */
  root: CompFilter;
}

const C = {
  filter: caldav('filter'),
  compFilter: caldav('comp-filter'),
  propFilter: caldav('prop-filter'),
  paramFilter: caldav('param-filter'),
  isNotDefined: caldav('is-not-defined'),
  timeRange: caldav('time-range'),
  textMatch: caldav('text-match'),
};

/** Components on which RFC 4791 §9.9 (and RFC 7953 for VAVAILABILITY) defines time-range. */
export const TIME_RANGE_COMPONENTS = new Set(['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VALARM', 'VAVAILABILITY', 'AVAILABLE']);
/** Properties on which RFC 4791 §9.9 defines time-range. */
export const TIME_RANGE_PROPERTIES = new Set(['COMPLETED', 'CREATED', 'DTEND', 'DTSTAMP', 'DTSTART', 'DUE', 'LAST-MODIFIED']);

const invalid = (message: string) => new DavError(403, message, { condition: caldav('valid-filter') });
const unsupported = (message: string, which: XmlElement) =>
  new DavError(403, message, { condition: caldav('supported-filter'), content: [el(which.name, [], { '{}name': attr(which, 'name') ?? '' })] });

export function parseCalendarFilter(filter: XmlElement): CalendarFilter {
  if (filter.name !== C.filter) throw invalid(`expected CALDAV:filter, got ${filter.name}`);
  const comps = ours(filter);
  if (comps.length !== 1 || comps[0]!.name !== C.compFilter) throw invalid('CALDAV:filter must contain exactly one CALDAV:comp-filter');
  const root = parseCompFilter(comps[0]!);
  if (root.name !== 'VCALENDAR') throw invalid(`the top-level comp-filter must name VCALENDAR, not ${root.name}`);
  return { root };
}

/** CalDAV-namespace child elements; text and foreign elements are skipped. */
function ours(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of e.children) {
    if (typeof c === 'string') {
      if (c.trim() !== '') throw invalid(`unexpected text in ${localName(e)}`);
      continue;
    }
    if (splitClark(c.name).ns === NS.CALDAV) out.push(c);
  }
  return out;
}

function nameOf(e: XmlElement): string {
  const n = attr(e, 'name');
  if (n === undefined || n.trim() === '') throw invalid(`${localName(e)} without a name attribute`);
  return n.trim().toUpperCase();
}

function parseCompFilter(e: XmlElement): CompFilter {
  const out: CompFilter = { name: nameOf(e), isNotDefined: false, propFilters: [], compFilters: [] };
  const kids = ours(e);
  for (const k of kids) {
    switch (k.name) {
      case C.isNotDefined:
        if (kids.length !== 1) throw invalid(`comp-filter ${out.name}: is-not-defined cannot be combined with other tests`);
        out.isNotDefined = true;
        break;
      case C.timeRange:
        if (out.timeRange) throw invalid(`comp-filter ${out.name}: more than one time-range`);
        if (!TIME_RANGE_COMPONENTS.has(out.name)) throw unsupported(`time-range is not defined on ${out.name} (RFC 4791 §9.9)`, e);
        out.timeRange = parseTimeRange(k);
        break;
      case C.propFilter:
        out.propFilters.push(parsePropFilter(k));
        break;
      case C.compFilter:
        out.compFilters.push(parseCompFilter(k));
        break;
      default:
        throw invalid(`comp-filter ${out.name}: unexpected element ${localName(k)}`);
    }
  }
  return out;
}

function parsePropFilter(e: XmlElement): PropFilter {
  const out: PropFilter = { name: nameOf(e), isNotDefined: false, paramFilters: [] };
  const kids = ours(e);
  for (const k of kids) {
    switch (k.name) {
      case C.isNotDefined:
        if (kids.length !== 1) throw invalid(`prop-filter ${out.name}: is-not-defined cannot be combined with other tests`);
        out.isNotDefined = true;
        break;
      case C.timeRange:
        if (out.timeRange || out.textMatch) throw invalid(`prop-filter ${out.name}: at most one time-range or text-match`);
        if (!TIME_RANGE_PROPERTIES.has(out.name)) throw unsupported(`time-range is not defined on property ${out.name} (RFC 4791 §9.9)`, e);
        out.timeRange = parseTimeRange(k);
        break;
      case C.textMatch:
        if (out.timeRange || out.textMatch) throw invalid(`prop-filter ${out.name}: at most one time-range or text-match`);
        out.textMatch = parseTextMatch(k);
        break;
      case C.paramFilter:
        out.paramFilters.push(parseParamFilter(k));
        break;
      default:
        throw invalid(`prop-filter ${out.name}: unexpected element ${localName(k)}`);
    }
  }
  return out;
}

function parseParamFilter(e: XmlElement): ParamFilter {
  const out: ParamFilter = { name: nameOf(e), isNotDefined: false };
  const kids = ours(e);
  if (kids.length > 1) throw invalid(`param-filter ${out.name}: at most one is-not-defined or text-match`);
  for (const k of kids) {
    if (k.name === C.isNotDefined) out.isNotDefined = true;
    else if (k.name === C.textMatch) out.textMatch = parseTextMatch(k);
    else throw invalid(`param-filter ${out.name}: unexpected element ${localName(k)}`);
  }
  return out;
}

export function parseTextMatch(e: XmlElement): TextMatch {
  const collation = attr(e, 'collation') ?? 'i;ascii-casemap';
  if (!isCollation(collation)) {
    throw new DavError(403, `collation ${collation} is not supported (supported: i;ascii-casemap, i;octet, i;unicode-casemap)`, {
      condition: caldav('supported-collation'),
    });
  }
  const negateAttr = attr(e, 'negate-condition') ?? 'no';
  if (negateAttr !== 'yes' && negateAttr !== 'no') throw invalid(`negate-condition must be "yes" or "no", not "${negateAttr}"`);
  let value = '';
  for (const c of e.children) {
    if (typeof c !== 'string') throw invalid('text-match contains an element; it holds text only');
    value += c;
  }
  return { value, collation, negate: negateAttr === 'yes' };
}

const UTC_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** An iCalendar "date with UTC time" (YYYYMMDDTHHMMSSZ) as a Date, or null when malformed. */
export function parseUtcDateTime(s: string): Date | null {
  const m = UTC_RE.exec(s.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(ms);
  // Reject 20060230T000000Z and friends instead of letting Date roll them over.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return back;
}

/** CALDAV:time-range: at least one of start/end, UTC date-times, end after start. */
export function parseTimeRange(e: XmlElement, opts: { requireBoth?: boolean } = {}): FilterTimeRange {
  const what = localName(e);
  const s = attr(e, 'start');
  const en = attr(e, 'end');
  if (s === undefined && en === undefined) throw invalid(`${what} needs a start or an end attribute`);
  if (opts.requireBoth && (s === undefined || en === undefined)) throw invalid(`${what} needs both start and end attributes`);
  const start = s === undefined ? null : parseUtcDateTime(s);
  const end = en === undefined ? null : parseUtcDateTime(en);
  if (s !== undefined && !start) throw invalid(`${what} start "${s}" is not a UTC date-time like 20260101T000000Z`);
  if (en !== undefined && !end) throw invalid(`${what} end "${en}" is not a UTC date-time like 20260101T000000Z`);
  if (start && end && end.getTime() <= start.getTime()) throw invalid(`${what} end must be after start`);
  return { start, end };
}

/**
 * The time range of the outermost VEVENT/VTODO/VJOURNAL/VFREEBUSY comp-filter directly under
 * VCALENDAR, if every matching object must satisfy it (an index can pre-select candidates with it).
 * With several such comp-filters (all must match) the first one is returned: any of them is a
 * necessary condition.
 */
export function filterTimeRange(filter: CalendarFilter): FilterTimeRange | null {
  for (const cf of filter.root.compFilters) {
    if (!cf.isNotDefined && cf.timeRange && cf.name !== 'VALARM') return cf.timeRange;
  }
  return null;
}

/**
 * The zone of a calendar-query's CALDAV:timezone (RFC 4791 §9.8: an iCalendar object with exactly
 * one VTIMEZONE) or CALDAV:timezone-id (RFC 7809 §5.2: an IANA name). Floating times and DATE
 * values in the query are read in it. Invalid → 403 CALDAV:valid-calendar-data (§7.8) /
 * CALDAV:valid-timezone (RFC 7809).
 */
export function parseQueryTimezone(e: XmlElement): ICAL.Timezone {
  let text = '';
  for (const c of e.children) if (typeof c === 'string') text += c;
  text = text.trim();
  if (e.name === caldav('timezone-id')) {
    const zone = ianaZone(text);
    if (!zone) throw new DavError(403, `unknown time zone "${text}"`, { condition: caldav('valid-timezone') });
    return zone;
  }
  const bad = (why: string) => new DavError(403, `CALDAV:timezone ${why}`, { condition: caldav('valid-calendar-data') });
  let zone: ICAL.Timezone | null;
  try {
    const vcal = parseCalendar(text);
    if (vcal.getAllSubcomponents('vtimezone').length !== 1) throw bad('must contain exactly one VTIMEZONE');
    zone = zoneFromCalendarTimezone(text);
  } catch (err) {
    if (err instanceof DavError) throw err;
    throw bad(`is not a valid iCalendar object: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!zone) throw bad('must contain exactly one VTIMEZONE');
  return zone;
}
