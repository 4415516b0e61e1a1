import type ICAL from 'ical.js';
import { DavError } from '../dav/errors.js';
import { caldav, NS, splitClark } from '../dav/xml/names.js';
import { attr, localName, type XmlElement } from '../dav/xml/element.js';
import { parseUtcDateTime } from './filterParse.js';
import { parseCalendar, type ParsedCalendarObject } from './parse.js';
import { SELECT_ALL, selectCalendarText, type CompSelection, type PropSelection } from './calendarDataSelect.js';
import { expandCalendar, limitRecurrenceSet } from './expand.js';
import { limitFreeBusySet } from './freeBusy.js';
import { resolverFor, type TimezoneResolver } from './timezones.js';

/**
 * CALDAV:calendar-data in a REPORT request (RFC 4791 §9.6) and the text it asks for.
 * Without any selection/expansion the stored text is returned as is (never re-serialised, so what
 * a client gets is what it stored). comp/prop selection works on the text line by line
 * (calendarDataSelect.ts); expand / limit-recurrence-set / limit-freebusy-set need a rebuilt
 * object (expand.ts, freeBusy.ts) and are serialised by ical.js, then selected from.
 */

export interface UtcInterval {
  start: Date;
  end: Date;
}

export interface CalendarDataRequest {
  /** comp/prop selection rooted at VCALENDAR; absent = everything. */
  select?: CompSelection;
  expand?: UtcInterval;
  limitRecurrence?: UtcInterval;
  limitFreeBusy?: UtcInterval;
  /** As requested (defaults applied): always text/calendar and 2.0 once parsing succeeded. */
  contentType: string;
  version: string;
}

export type { CompSelection, PropSelection } from './calendarDataSelect.js';

const E = {
  calendarData: caldav('calendar-data'),
  comp: caldav('comp'),
  allcomp: caldav('allcomp'),
  prop: caldav('prop'),
  allprop: caldav('allprop'),
  expand: caldav('expand'),
  limitRecurrence: caldav('limit-recurrence-set'),
  limitFreeBusy: caldav('limit-freebusy-set'),
};

const badRequest = (message: string) => new DavError(400, message);

/** CalDAV-namespace children; whitespace text and foreign elements are skipped. */
function ours(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of e.children) {
    if (typeof c === 'string') {
      if (c.trim() !== '') throw badRequest(`unexpected text in CALDAV:${localName(e)}`);
    } else if (splitClark(c.name).ns === NS.CALDAV) out.push(c);
  }
  return out;
}

/** Parse `<C:calendar-data>` of a calendar-query / calendar-multiget request. */
export function parseCalendarDataRequest(e: XmlElement): CalendarDataRequest {
  if (e.name !== E.calendarData) throw badRequest(`expected CALDAV:calendar-data, got ${e.name}`);
  const contentType = (attr(e, 'content-type') ?? 'text/calendar').trim();
  const version = (attr(e, 'version') ?? '2.0').trim();
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'text/calendar' || version !== '2.0') {
    throw new DavError(403, `calendar data is available as text/calendar version 2.0 only, not ${contentType} version ${version}`, {
      condition: caldav('supported-calendar-data'),
    });
  }
  const out: CalendarDataRequest = { contentType: 'text/calendar', version: '2.0' };
  for (const k of ours(e)) {
    switch (k.name) {
      case E.comp:
        if (out.select) throw badRequest('calendar-data holds at most one CALDAV:comp');
        out.select = parseComp(k);
        if (out.select.name !== 'VCALENDAR') throw badRequest(`the outer CALDAV:comp must name VCALENDAR, not ${out.select.name}`);
        break;
      case E.expand:
        if (out.expand || out.limitRecurrence) throw badRequest('calendar-data holds one expand or limit-recurrence-set');
        out.expand = parseInterval(k);
        break;
      case E.limitRecurrence:
        if (out.expand || out.limitRecurrence) throw badRequest('calendar-data holds one expand or limit-recurrence-set');
        out.limitRecurrence = parseInterval(k);
        break;
      case E.limitFreeBusy:
        if (out.limitFreeBusy) throw badRequest('calendar-data holds at most one limit-freebusy-set');
        out.limitFreeBusy = parseInterval(k);
        break;
      default:
        throw badRequest(`unexpected CALDAV:${localName(k)} in calendar-data`);
    }
  }
  return out;
}

function parseComp(e: XmlElement): CompSelection {
  const name = attr(e, 'name')?.trim().toUpperCase();
  if (!name) throw badRequest('CALDAV:comp without a name attribute');
  const kids = ours(e);
  // An empty comp returns the whole component: RFC 4791 §7.8.1 asks for <C:comp name="VTIMEZONE"/>
  // and gets every VTIMEZONE property and sub-component back.
  if (kids.length === 0) return SELECT_ALL(name);
  const sel: CompSelection = { name, allProps: false, props: [], allComps: false, comps: [] };
  for (const k of kids) {
    switch (k.name) {
      case E.allprop:
        sel.allProps = true;
        break;
      case E.prop:
        sel.props.push(parseProp(k));
        break;
      case E.allcomp:
        sel.allComps = true;
        break;
      case E.comp:
        sel.comps.push(parseComp(k));
        break;
      default:
        throw badRequest(`unexpected CALDAV:${localName(k)} in CALDAV:comp`);
    }
  }
  return sel;
}

function parseProp(e: XmlElement): PropSelection {
  const name = attr(e, 'name')?.trim().toUpperCase();
  if (!name) throw badRequest('CALDAV:prop without a name attribute');
  const novalue = attr(e, 'novalue') ?? 'no';
  if (novalue !== 'yes' && novalue !== 'no') throw badRequest(`novalue must be "yes" or "no", not "${novalue}"`);
  return { name, novalue: novalue === 'yes' };
}

function parseInterval(e: XmlElement): UtcInterval {
  const what = localName(e);
  const s = attr(e, 'start');
  const en = attr(e, 'end');
  if (s === undefined || en === undefined) throw badRequest(`CALDAV:${what} needs both start and end`);
  const start = parseUtcDateTime(s);
  const end = parseUtcDateTime(en);
  if (!start || !end) throw badRequest(`CALDAV:${what} start and end must be UTC date-times like 20260101T000000Z`);
  if (end.getTime() <= start.getTime()) throw badRequest(`CALDAV:${what} end must be after start`);
  return { start, end };
}

/** Nothing to select, expand or limit: the answer is the stored text, no parse needed. */
export function wantsWholeObject(request: Omit<CalendarDataRequest, 'contentType' | 'version'>): boolean {
  return !request.select && !request.expand && !request.limitRecurrence && !request.limitFreeBusy;
}

export interface RenderContext {
  /** Resolver for the object's TZIDs; built from the object when absent. */
  tz?: TimezoneResolver;
  /** Zone for floating times when `tz` is built here (query CALDAV:timezone, else calendar-timezone). */
  floatingZone?: ICAL.Timezone | null;
}

/**
 * The calendar-data text for one object. `source` is the stored text (or the cached parse of it).
 * With nothing to select, expand or limit, the stored text comes back unchanged.
 */
export function renderCalendarData(source: string | ParsedCalendarObject, request: Omit<CalendarDataRequest, 'contentType' | 'version'>, ctx: RenderContext = {}): string {
  const text = typeof source === 'string' ? source : source.text;
  if (wantsWholeObject(request)) return text;
  let current = text;
  if (request.expand || request.limitRecurrence || request.limitFreeBusy) {
    const vcalendar = typeof source === 'string' ? parseCalendar(text) : source.vcalendar;
    const tz = ctx.tz ?? resolverFor(vcalendar, { floatingZone: ctx.floatingZone ?? null });
    let comp = vcalendar;
    let changed = false;
    if (request.expand) {
      comp = expandCalendar(comp, request.expand, tz);
      changed = true;
    } else if (request.limitRecurrence) {
      const limited = limitRecurrenceSet(comp, request.limitRecurrence, tz);
      // Nothing dropped: keep the stored text rather than a re-serialisation of it.
      if (limited.getAllSubcomponents().length !== comp.getAllSubcomponents().length) {
        comp = limited;
        changed = true;
      }
    }
    if (request.limitFreeBusy && comp.getFirstSubcomponent('vfreebusy')) {
      comp = limitFreeBusySet(comp, request.limitFreeBusy, tz);
      changed = true;
    }
    if (changed) current = comp.toString() + '\r\n';
  }
  return request.select ? selectCalendarText(current, request.select) : current;
}
