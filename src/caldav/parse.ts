import ICAL from 'ical.js';
import { ParseCache } from '../dav/parseCache.js';

/**
 * Parsing of stored/uploaded iCalendar text, and a content-addressed cache of parsed calendar
 * objects (key = Git blob id, so an entry can never be stale; DESIGN.md "Caches are keyed by
 * blob id").
 */

/** The text is not a single well-formed iCalendar object. `line` is 1-based when known. */
export class CalendarParseError extends Error {
  readonly line: number | undefined;
  constructor(message: string, opts: { line?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CalendarParseError';
    this.line = opts.line;
  }
}

/** Component types a calendar object resource is "about" (RFC 4791 §4.1). */
export const MAIN_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VAVAILABILITY'] as const;

export interface ParsedCalendarObject {
  /** The VCALENDAR component. Shared by every user of the cache: treat as read-only. */
  readonly vcalendar: ICAL.Component;
  /** UID of the first non-VTIMEZONE component ('' when absent: stored data may predate validation). */
  readonly uid: string;
  /** Upper-case name of the first non-VTIMEZONE component (VEVENT, VTODO, ...), '' when none. */
  readonly component: string;
  /** SUMMARY of the master component (or the first one), for commit messages and listings. */
  readonly summary: string | undefined;
  /** The text that was parsed (decoded stored bytes). Partial retrieval works on this text. */
  readonly text: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 decode; a leading byte-order mark is dropped. */
export function decodeUtf8(bytes: Uint8Array): string {
  let s: string;
  try {
    s = decoder.decode(bytes);
  } catch (e) {
    throw new CalendarParseError('calendar data is not valid UTF-8', { cause: e });
  }
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * Stored bytes as text for a response, without validation (a file pushed with git may hold
 * anything): invalid UTF-8 becomes U+FFFD, a leading byte-order mark is dropped as when parsing.
 */
export function decodeStored(bytes: Uint8Array): string {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * Parse iCalendar text into its VCALENDAR component. Throws CalendarParseError when the text is
 * not exactly one VCALENDAR or its BEGIN/END lines do not nest (ical.js itself accepts a
 * mismatched END and throws TypeErrors on trailing garbage).
 */
export function parseCalendar(text: string): ICAL.Component {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkStructure(text);
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    throw new CalendarParseError(`invalid iCalendar: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!Array.isArray(jcal) || jcal.length === 0) throw new CalendarParseError('no iCalendar object found');
  if (Array.isArray(jcal[0])) throw new CalendarParseError('more than one iCalendar object in one resource');
  const comp = new ICAL.Component(jcal as unknown[]);
  if (comp.name !== 'vcalendar') throw new CalendarParseError(`expected BEGIN:VCALENDAR, found BEGIN:${comp.name.toUpperCase()}`);
  return comp;
}

/** BEGIN/END nesting check over the raw lines (folded continuation lines start with space/tab). */
function checkStructure(text: string): void {
  const stack: string[] = [];
  let topLevel = 0;
  let lineNo = 0;
  for (const line of text.split(/\r\n|\n|\r/)) {
    lineNo++;
    if (line === '' || line[0] === ' ' || line[0] === '\t') continue;
    const m = /^(BEGIN|END):(.*)$/i.exec(line);
    if (!m) {
      if (stack.length === 0) throw new CalendarParseError(`content outside of BEGIN:VCALENDAR/END:VCALENDAR`, { line: lineNo });
      continue;
    }
    const name = m[2]!.trim().toUpperCase();
    if (m[1]!.toUpperCase() === 'BEGIN') {
      if (stack.length === 0) topLevel++;
      stack.push(name);
    } else {
      const open = stack.pop();
      if (open === undefined) throw new CalendarParseError(`END:${name} without BEGIN`, { line: lineNo });
      if (open !== name) throw new CalendarParseError(`END:${name} closes BEGIN:${open}`, { line: lineNo });
    }
  }
  if (stack.length) throw new CalendarParseError(`BEGIN:${stack[stack.length - 1]} is never closed`);
  if (topLevel === 0) throw new CalendarParseError('no iCalendar object found');
  if (topLevel > 1) throw new CalendarParseError('more than one iCalendar object in one resource');
}

/** Build the summary record of a parsed VCALENDAR (lenient: never throws for missing UID etc.). */
export function describeCalendar(vcalendar: ICAL.Component, text: string): ParsedCalendarObject {
  const comps = vcalendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
  const first = comps[0];
  const master = comps.find((c) => !c.hasProperty('recurrence-id')) ?? first;
  const uid = first ? stringValue(first.getFirstPropertyValue('uid')) : '';
  const summary = master ? stringValue(master.getFirstPropertyValue('summary')) : '';
  return {
    vcalendar,
    uid,
    component: first ? first.name.toUpperCase() : '',
    summary: summary === '' ? undefined : summary,
    text,
  };
}

export function parseCalendarObject(bytesOrText: Uint8Array | string): ParsedCalendarObject {
  const text = typeof bytesOrText === 'string' ? bytesOrText : decodeUtf8(bytesOrText);
  return describeCalendar(parseCalendar(text), text);
}

function stringValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

/** Parsed calendar objects by Git blob id (see ParseCache). */
export class CalendarCache extends ParseCache<ParsedCalendarObject> {
  constructor(maxEntries = 10_000) {
    super(parseCalendarObject, maxEntries);
  }
}
