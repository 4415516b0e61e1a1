import { DavError } from '../dav/errors.js';
import { queryReport, queryTargets } from '../dav/memberReports.js';
import type { DavResponse, ReportContext } from '../dav/types.js';
import { child } from '../dav/xml/element.js';
import { caldav } from '../dav/xml/names.js';
import { matchesFilter, parseCalendarFilter } from './filter.js';
import { parseQueryTimezone, parseTimeRange } from './filterParse.js';
import { freeBusyPeriods, mergeFreeBusy, renderFreeBusy, type FreeBusyPeriod } from './freeBusy.js';
import { resolverFor } from './timezones.js';
import { calendarZone, parsedObject } from './shared.js';
import { calendarQueryIndex, decide, indexableRange, mayMatch, zoneWithinSlack } from './queryIndex.js';
import type { CalendarFilter } from './filterParse.js';
import type ICAL from 'ical.js';

type FileTarget = ReturnType<typeof queryTargets>[number];

/**
 * The members that can match: with a time-range on a top-level VEVENT/VTODO/VJOURNAL, those whose
 * indexed reach overlaps it (queryIndex.ts); matchesFilter still judges each one.
 */
async function candidates(
  targets: FileTarget[],
  filter: CalendarFilter,
  queryZone: ICAL.Timezone | undefined,
): Promise<{ targets: FileTarget[]; decided: Map<FileTarget, boolean> }> {
  const decided = new Map<FileTarget, boolean>();
  const q = indexableRange(filter);
  const coll = targets[0]?.coll;
  if (!q || !coll || targets.length < 2) return { targets, decided };
  if (!zoneWithinSlack(queryZone ?? calendarZone(coll))) return { targets, decided };
  const summaries = await calendarQueryIndex.summaries(coll);
  const kept = targets.filter((t) => {
    const s = t.coll === coll ? summaries.get(t.blob) : undefined;
    if (s === undefined) return true;
    if (!mayMatch(s, q)) return false;
    // A lone non-recurring event with fixed times and a bare time-range: no parse needed.
    const d = decide(s, filter);
    if (d !== undefined) decided.set(t, d);
    return d !== false;
  });
  return { targets: kept, decided };
}

/** calendar-query (RFC 4791 §7.8): every member whose object matches the filter. */
export async function calendarQuery(ctx: ReportContext): Promise<DavResponse> {
  const filterEl = child(ctx.body, caldav('filter'));
  if (!filterEl) throw new DavError(403, 'calendar-query needs a CALDAV:filter', { condition: caldav('valid-filter') });
  const filter = parseCalendarFilter(filterEl);
  const tzEl = child(ctx.body, caldav('timezone')) ?? child(ctx.body, caldav('timezone-id'));
  const queryZone = tzEl ? parseQueryTimezone(tzEl) : undefined;
  const all = queryTargets(ctx);
  const { targets, decided } = await candidates(all, filter, queryZone);
  return queryReport(ctx, targets, async (t) => {
    const known = decided.get(t);
    if (known !== undefined) return known;
    let obj;
    try {
      obj = await parsedObject(t.coll, t.blob);
    } catch {
      return false; // not a calendar object (a file pushed with git): it matches no filter
    }
    return matchesFilter(obj, filter, { floatingZone: queryZone ?? calendarZone(t.coll) });
  });
}

/** free-busy-query (RFC 4791 §7.10): one VFREEBUSY for the calendar over the range. */
export async function freeBusyQuery(ctx: ReportContext): Promise<DavResponse> {
  const trEl = child(ctx.body, caldav('time-range'));
  if (!trEl) throw new DavError(400, 'free-busy-query needs a CALDAV:time-range');
  const tr = parseTimeRange(trEl, { requireBoth: true });
  const range = { start: tr.start!, end: tr.end! };
  const r = ctx.resource;
  if (r.kind !== 'collection' && r.kind !== 'file') throw new DavError(403, 'free-busy-query needs a calendar');
  const depth = ctx.req.headers['depth'] === undefined && r.kind === 'collection' ? '1' : ctx.depth;
  const targets = queryTargets({ ...ctx, depth });
  const periods: FreeBusyPeriod[] = [];
  for (const t of targets) {
    let obj;
    try {
      obj = await parsedObject(t.coll, t.blob);
    } catch {
      continue;
    }
    const tz = resolverFor(obj.vcalendar, { floatingZone: calendarZone(t.coll) });
    periods.push(...freeBusyPeriods(obj.vcalendar, range, tz));
  }
  return { status: 200, headers: { 'Content-Type': 'text/calendar; charset=utf-8' }, body: renderFreeBusy(mergeFreeBusy(periods), range) };
}
