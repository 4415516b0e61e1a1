// Candidate pre-selection for calendar-query: per blob, a conservative UTC reach [a, b] of every
// instance of its VEVENTs, VTODOs and VJOURNALs. A member whose reach misses the query's outer
// time-range cannot match (RFC 4791 §9.9 tables, mirrored below); everything else is still
// judged by matchesFilter, so the index changes the cost of a query, never its answer.
import ICAL from 'ical.js';
import { BlobIndex } from '../dav/blobIndex.js';
import { isFlatMember } from '../dav/uidIndex.js';
import type { CollectionView } from '../dav/types.js';
import type { CalendarFilter, FilterTimeRange } from './filterParse.js';
import { isRecurringMaster, isThisAndFuture, recurrenceSets, storedInstance, type Instance } from './recurrence.js';
import { movedEnd } from './timeRangeTables.js';
import { resolverFor } from './timezones.js';
import { addDuration, contextFor, DAY_MS, propDuration, propTime, propValues, toMs, type TimeContext } from './timezonesValues.js';
import { floatingTime, wallOf } from './timezonesRules.js';
import { calendarCache, parsedObject } from './shared.js';
import { parseCalendarObject } from './parse.js';
import { decideSpans, exactEventSpans, FAR, isExactSpans, type ExactSpans } from './queryIndexExact.js';

export { FAR };

const HOUR_MS = 3_600_000;
/** Floating times and DATEs are read in the query's or calendar's zone: indexed as UTC, widened. */
const STORED_SLACK = 26 * HOUR_MS;
/** Bounds derived from RRULE wall times (UNTIL, last COUNT occurrence) and DST: wider still. */
const RULE_SLACK = 3 * DAY_MS;
/** Occurrences walked to find the last one of a COUNT rule before calling it open-ended. */
const MAX_COUNT_WALK = 50_000;

/** [a, b] reach per component type, null when the object has none of that type. */
export type Reach = [number, number];
/**
 * 0: the blob is no calendar object (matches nothing); else reaches of VEVENT, VTODO, VJOURNAL,
 * and, when no VEVENT instance depends on the query's zone, the exact VEVENT instance spans
 * (queryIndexExact.ts), which decide a bare VEVENT time-range by themselves.
 */
export type CalendarSummary = 0 | [Reach | null, Reach | null, Reach | null] | [Reach | null, Reach | null, Reach | null, ExactSpans];

const NAMES = ['vevent', 'vtodo', 'vjournal'] as const;

/** The reach of one instance per its §9.9 table; null when the table says it never overlaps. */
export function instanceReach(inst: Instance, ctx: TimeContext): Reach | null {
  const c = inst.component;
  const s = inst.start;
  if (c.name === 'vevent') {
    if (!s) return null;
    const S = toMs(s);
    let end = inst.periodEnd ?? movedEnd(inst, 'dtend', ctx);
    if (end === null) {
      const dur = propDuration(c);
      end = dur ? addDuration(s, dur) : s.isDate ? toMs({ ...s, wall: s.wall + DAY_MS }) : S;
    }
    return [S, Math.max(S, end)];
  }
  if (c.name === 'vtodo') {
    const st = s && c.hasProperty('dtstart') ? s : null;
    const due = inst.periodEnd === null ? movedEnd(inst, 'due', ctx) : null;
    const dur = propDuration(c);
    const durEnd = inst.periodEnd ?? (st && dur ? addDuration(st, dur) : null);
    if (st) {
      const S = toMs(st);
      const e = due ?? durEnd ?? S;
      return [Math.min(S, e), Math.max(S, e)];
    }
    if (due !== null) return [due, due];
    const C = propTime(c, 'completed', ctx);
    const R = propTime(c, 'created', ctx);
    if (C && R) return [Math.min(toMs(C), toMs(R)), Math.max(toMs(C), toMs(R))];
    if (C) return [toMs(C), toMs(C)];
    if (R) return [toMs(R), FAR];
    return [-FAR, FAR];
  }
  if (c.name === 'vjournal') {
    if (!s || !c.hasProperty('dtstart')) return null;
    const S = toMs(s);
    return [S, s.isDate ? toMs({ ...s, wall: s.wall + DAY_MS }) : S];
  }
  return null;
}

/** Latest wall time (as if UTC) an RRULE can generate; FAR when open-ended. */
function ruleLastWall(rule: ICAL.Recur, startWall: number, isDate: boolean): number {
  if (rule.until) {
    const u = rule.until;
    return wallOf(u.year, u.month, u.day, u.hour, u.minute, u.second) + (u.isDate ? DAY_MS : 0);
  }
  if (!rule.count) return FAR;
  if (rule.count > MAX_COUNT_WALK) return FAR;
  const it = rule.clone().iterator(floatingTime(startWall, isDate));
  let last = startWall;
  for (let i = 0; i <= rule.count; i++) {
    const t = it.next();
    if (!t) break;
    last = Math.max(last, wallOf(t.year, t.month, t.day, t.hour, t.minute, t.second));
  }
  return last;
}

function widen(r: Reach, slack: number): Reach {
  return [r[0] <= -FAR ? -FAR : r[0] - slack, r[1] >= FAR ? FAR : r[1] + slack];
}

function join(acc: Reach | null, r: Reach | null): Reach | null {
  if (!r) return acc;
  return acc ? [Math.min(acc[0], r[0]), Math.max(acc[1], r[1])] : r;
}

/** Reach of every instance of every component of one type (floating read as UTC, then widened). */
export function componentReach(vcalendar: ICAL.Component, name: string, ctx: TimeContext): Reach | null | undefined {
  const sets = recurrenceSets(vcalendar, name);
  if (sets.length === 0) return undefined;
  let acc: Reach | null = null;
  for (const set of sets) {
    for (const o of set.overrides) {
      const r = instanceReach(storedInstance(o, ctx), ctx);
      if (r) acc = join(acc, widen(r, STORED_SLACK));
    }
    const m = set.master;
    if (!m) continue;
    const own = instanceReach(storedInstance(m, ctx), ctx);
    const dtstart = propTime(m, 'dtstart', ctx);
    if (!dtstart || !isRecurringMaster(m)) {
      acc = join(acc, own && widen(own, STORED_SLACK));
      continue;
    }
    // Generated occurrence at t reaches [t + offA, t + offB]; THISANDFUTURE ones move with their override.
    const S = toMs(dtstart);
    let offA = own ? own[0] - S : 0;
    let offB = own ? own[1] - S : 0;
    for (const o of set.overrides) {
      if (!isThisAndFuture(o)) continue;
      const oi = storedInstance(o, ctx);
      const r = instanceReach(oi, ctx);
      if (!r || !oi.recurrenceId) continue;
      const rid = toMs(oi.recurrenceId);
      offA = Math.min(offA, r[0] - rid);
      offB = Math.max(offB, r[1] - rid);
    }
    let first = S;
    let last = S;
    let periodEnd = -FAR;
    for (const p of m.getAllProperties('rdate')) {
      for (const v of propValues(p, ctx)) {
        const t = toMs(v.start);
        first = Math.min(first, t);
        last = Math.max(last, t);
        if (v.end !== null) periodEnd = Math.max(periodEnd, v.end);
      }
    }
    for (const p of m.getAllProperties('rrule')) {
      const rule = p.getFirstValue();
      if (!(rule instanceof ICAL.Recur)) continue;
      const w = ruleLastWall(rule, dtstart.wall, dtstart.isDate);
      last = w >= FAR ? FAR : Math.max(last, w);
    }
    const lo = first + Math.min(offA, 0);
    const hi = last >= FAR || offB >= FAR ? FAR : Math.max(last + offB, periodEnd);
    acc = join(acc, widen([lo, hi], RULE_SLACK));
  }
  return acc;
}

export function summarise(vcalendar: ICAL.Component): CalendarSummary {
  const tz = resolverFor(vcalendar, { floatingZone: null });
  const ctx = contextFor(tz);
  const out: [Reach | null, Reach | null, Reach | null] = [null, null, null];
  NAMES.forEach((n, i) => {
    const r = componentReach(vcalendar, n, ctx);
    // Components present but no instance can overlap anything: an empty reach.
    out[i] = r === undefined ? null : (r ?? [FAR, -FAR]);
  });
  const exact = out[0] ? exactEventSpans(vcalendar, tz) : null;
  return exact ? [...out, exact] : out;
}

/**
 * The answer for a filter that is nothing but one bare VEVENT time-range, when the summary holds
 * exact spans that settle it; undefined when matchesFilter must decide.
 */
export function decide(summary: CalendarSummary, filter: CalendarFilter): boolean | undefined {
  if (summary === 0 || summary.length !== 4) return undefined;
  const root = filter.root;
  if (root.isNotDefined || root.propFilters.length || root.compFilters.length !== 1) return undefined;
  const cf = root.compFilters[0]!;
  if (cf.name !== 'VEVENT' || cf.isNotDefined || !cf.timeRange || cf.propFilters.length || cf.compFilters.length) return undefined;
  const rs = cf.timeRange.start ? cf.timeRange.start.getTime() : -Infinity;
  const re = cf.timeRange.end ? cf.timeRange.end.getTime() : Infinity;
  return decideSpans(summary[3], rs, re);
}

/** '2025c' -> a distinct number per IANA tz data release (0 when unknown). */
export function tzDataStamp(tz: string | undefined): number {
  const m = /^(\d{4})([a-z])$/.exec(tz ?? '');
  return m ? Number(m[1]) * 26 + (m[2]!.charCodeAt(0) - 97) + 1 : 0;
}

function isReach(x: unknown): x is Reach | null {
  return x === null || (Array.isArray(x) && x.length === 2 && typeof x[0] === 'number' && typeof x[1] === 'number');
}

export const calendarQueryIndex = new BlobIndex<CalendarSummary>({
  file: 'caldav-query-v1.json',
  // 3: exact spans of every VEVENT instance (2: of a lone non-recurring VEVENT). Exact spans of
  // IANA-zoned times hold for this runtime's time zone data only: a new tzdata rebuilds the index.
  version: 3 * 1_000_000 + tzDataStamp(process.versions.tz),
  isMember: (p) => isFlatMember(p) && /\.ics$/i.test(p),
  isSummary: (x): x is CalendarSummary => x === 0 || (Array.isArray(x) && (x.length === 3 || (x.length === 4 && isExactSpans(x[3]))) && x.slice(0, 3).every(isReach)),
  summarise: async (coll: CollectionView, blob: string) => {
    // Parsed outside the shared parse cache when not already there: building the index of a
    // large calendar must not fill memory with 10k parsed objects. An I/O failure propagates.
    const bytes = calendarCache.has(blob) ? null : await coll.repo.readBlob(blob);
    try {
      const obj = bytes ? parseCalendarObject(bytes) : await parsedObject(coll, blob);
      return summarise(obj.vcalendar);
    } catch {
      return 0; // not a calendar object: matches no filter
    }
  },
});

/** A time-range every match must satisfy on a top-level VEVENT/VTODO/VJOURNAL, with that type. */
export function indexableRange(filter: CalendarFilter): { index: number; range: FilterTimeRange } | null {
  if (filter.root.isNotDefined) return null;
  for (const cf of filter.root.compFilters) {
    const i = NAMES.indexOf(cf.name.toLowerCase() as (typeof NAMES)[number]);
    if (i >= 0 && !cf.isNotDefined && cf.timeRange) return { index: i, range: cf.timeRange };
  }
  return null;
}

/** Can a member with this summary match a filter with this indexable range? (false: surely not) */
export function mayMatch(summary: CalendarSummary, q: { index: number; range: FilterTimeRange }): boolean {
  if (summary === 0) return false;
  const r = summary[q.index];
  if (!r) return false; // no component of that type
  const rs = q.range.start ? q.range.start.getTime() : -Infinity;
  const re = q.range.end ? q.range.end.getTime() : Infinity;
  return r[0] <= re && r[1] >= rs && r[0] <= r[1];
}

/** Is every offset of this zone within a day of UTC (so the index's widening covers floating times)? */
export function zoneWithinSlack(zone: ICAL.Timezone | null | undefined): boolean {
  if (!zone) return true;
  const comp = zone.component;
  // No VTIMEZONE: an IANA zone (or UTC), whose offsets never exceed 16 h (LMT included).
  if (!comp) return true;
  let seen = false;
  for (const sub of comp.getAllSubcomponents()) {
    for (const name of ['tzoffsetto', 'tzoffsetfrom']) {
      for (const p of sub.getAllProperties(name)) {
        const v = p.getFirstValue();
        if (!(v instanceof ICAL.UtcOffset) || Math.abs(v.toSeconds()) > 24 * 3600) return false;
        seen = true;
      }
    }
  }
  return seen;
}
