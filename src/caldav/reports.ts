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

/** calendar-query (RFC 4791 §7.8): every member whose object matches the filter. */
export async function calendarQuery(ctx: ReportContext): Promise<DavResponse> {
  const filterEl = child(ctx.body, caldav('filter'));
  if (!filterEl) throw new DavError(403, 'calendar-query needs a CALDAV:filter', { condition: caldav('valid-filter') });
  const filter = parseCalendarFilter(filterEl);
  const tzEl = child(ctx.body, caldav('timezone')) ?? child(ctx.body, caldav('timezone-id'));
  const queryZone = tzEl ? parseQueryTimezone(tzEl) : undefined;
  const targets = queryTargets(ctx);
  return queryReport(ctx, targets, async (t) => {
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
