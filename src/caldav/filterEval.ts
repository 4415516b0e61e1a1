import ICAL from 'ical.js';
import { textMatches } from '../dav/textMatch.js';
import type { ParsedCalendarObject } from './parse.js';
import type { CalendarFilter, CompFilter, ParamFilter, PropFilter, TextMatch } from './filterParse.js';
import { calendarObjectOverlaps, componentOverlaps, componentPropertyInRange, propertyInRange, type TimeRange } from './timeRange.js';
import { instancesOf, recurrenceSets, type Instance, type IterationLimits } from './recurrence.js';
import { alarmReach, alarmTriggers, instanceOverlaps, instanceSpan } from './timeRangeTables.js';
import { resolverFor, type TimezoneResolver } from './timezones.js';
import { contextFor, DAY_MS, toMs, type TimeContext } from './timezonesValues.js';

/**
 * Evaluation of a parsed CALDAV:filter against one calendar object (RFC 4791 §9.7, §9.9).
 *
 * A comp-filter with a time-range on a VEVENT/VTODO/VJOURNAL directly under VCALENDAR is
 * evaluated per recurrence instance: it matches when some instance overlaps the range AND the
 * component that instance comes from (the master, or the override that replaced it) satisfies the
 * nested prop-filters and comp-filters (a VALARM time-range is tested against that instance's
 * triggers). Without any time-range in the subtree, each stored component is tested as is.
 */

export interface FilterContext {
  /** Resolver for this object's TZIDs (timezones.ts resolverFor); built from the object when absent. */
  tz?: TimezoneResolver;
  /** Zone floating times and DATE values are read in when `tz` is built here (CALDAV:timezone, else calendar-timezone; null = UTC). */
  floatingZone?: ICAL.Timezone | null;
  limits?: IterationLimits;
}

interface Env {
  vcalendar: ICAL.Component;
  tz: TimezoneResolver;
  time: TimeContext;
  limits: IterationLimits;
}

const RECURRABLE = new Set(['VEVENT', 'VTODO', 'VJOURNAL']);

export function matchesFilter(obj: ParsedCalendarObject | ICAL.Component, filter: CalendarFilter, ctx: FilterContext = {}): boolean {
  const vcalendar = obj instanceof ICAL.Component ? obj : obj.vcalendar;
  const tz = ctx.tz ?? resolverFor(vcalendar, { floatingZone: ctx.floatingZone ?? null });
  const env: Env = { vcalendar, tz, time: contextFor(tz), limits: ctx.limits ?? {} };
  const root = filter.root;
  if (root.isNotDefined) return false; // the calendar object itself always exists
  return compBody(root, vcalendar, null, env);
}

function bounds(r: TimeRange): [number, number] {
  return [r.start ? r.start.getTime() : -Infinity, r.end ? r.end.getTime() : Infinity];
}

/** Prop-filters and nested comp-filters of `cf` against one component (its own time-range is the caller's). */
function compBody(cf: CompFilter, comp: ICAL.Component, inst: Instance | null, env: Env): boolean {
  return cf.propFilters.every((pf) => propFilterMatches(pf, comp, inst, env)) && cf.compFilters.every((sub) => childMatches(sub, comp, inst, env));
}

function childMatches(cf: CompFilter, parent: ICAL.Component, parentInst: Instance | null, env: Env): boolean {
  if (parent === env.vcalendar && RECURRABLE.has(cf.name)) return topLevelMatches(cf, env);
  const candidates = parent.getAllSubcomponents(cf.name.toLowerCase());
  if (cf.isNotDefined) return candidates.length === 0;
  return candidates.some((c) => (!cf.timeRange || childInRange(c, cf.timeRange, parentInst, env)) && compBody(cf, c, null, env));
}

function childInRange(c: ICAL.Component, range: TimeRange, parentInst: Instance | null, env: Env): boolean {
  if (c.name === 'valarm' && parentInst) {
    const [rs, re] = bounds(range);
    return alarmTriggers(c, parentInst, env.time).some((t) => rs <= t && re > t);
  }
  return componentOverlaps(c, range, env.tz);
}

/** VEVENT / VTODO / VJOURNAL under VCALENDAR: instance-aware when a time-range is involved. */
function topLevelMatches(cf: CompFilter, env: Env): boolean {
  const name = cf.name.toLowerCase();
  const candidates = env.vcalendar.getAllSubcomponents(name);
  if (cf.isNotDefined) return candidates.length === 0;
  if (candidates.length === 0) return false;
  const alarmRanges = cf.compFilters.filter((s) => s.name === 'VALARM' && s.timeRange && !s.isNotDefined).map((s) => s.timeRange!);
  if (!cf.timeRange && alarmRanges.length === 0) return candidates.some((c) => compBody(cf, c, null, env));
  if (cf.timeRange && cf.propFilters.length === 0 && cf.compFilters.length === 0) {
    return calendarObjectOverlaps(env.vcalendar, name, cf.timeRange, env.tz, env.limits);
  }

  let from: number;
  let to: number;
  if (cf.timeRange) [from, to] = bounds(cf.timeRange);
  else {
    // Only alarm ranges: instances whose alarms can fire in them lie within the alarms' reach.
    let reach = 0;
    for (const c of candidates) for (const a of c.getAllSubcomponents('valarm')) reach = Math.max(reach, alarmReach(a));
    from = Math.min(...alarmRanges.map((r) => bounds(r)[0])) - reach;
    to = Math.max(...alarmRanges.map((r) => bounds(r)[1])) + reach;
  }
  const [rs, re] = cf.timeRange ? bounds(cf.timeRange) : [from, to];
  for (const set of recurrenceSets(env.vcalendar, name)) {
    for (const inst of instancesOf(set, env.time, { from, to }, env.limits)) {
      if (cf.timeRange && !instanceOverlaps(inst, rs, re, env.time)) continue;
      if (compBody(cf, inst.component, inst, env)) return true;
    }
  }
  return false;
}

function propFilterMatches(pf: PropFilter, comp: ICAL.Component, inst: Instance | null, env: Env): boolean {
  const props = comp.getAllProperties(pf.name.toLowerCase());
  if (pf.isNotDefined) return props.length === 0;
  if (pf.timeRange) {
    const range = pf.timeRange;
    const generated = instanceValueInRange(pf.name, comp, inst, range, env);
    if (generated !== undefined) return generated && (props.length === 0 ? pf.paramFilters.length === 0 : props.some((p) => paramsMatch(pf.paramFilters, p)));
    if (props.length === 0) return pf.paramFilters.length === 0 && componentPropertyInRange(comp, pf.name, range, env.tz);
    return props.some((p) => propertyInRange(p, range, env.tz) && paramsMatch(pf.paramFilters, p));
  }
  if (pf.textMatch) {
    const tm = pf.textMatch;
    return props.some((p) => textMatchHolds(tm, propertyTexts(p)) && paramsMatch(pf.paramFilters, p));
  }
  return props.some((p) => paramsMatch(pf.paramFilters, p));
}

/**
 * DTSTART / DTEND / DUE of a generated recurrence instance are the instance's own values, not the
 * master's stored ones (RFC 4791 §9.9: "infer an effective value ... for an instance").
 * undefined: not applicable, use the stored property.
 */
function instanceValueInRange(name: string, comp: ICAL.Component, inst: Instance | null, range: TimeRange, env: Env): boolean | undefined {
  if (!inst || !inst.generated || !inst.start) return undefined;
  const [rs, re] = bounds(range);
  if (name === 'DTSTART' && comp.hasProperty('dtstart')) {
    const s = toMs(inst.start);
    return inst.start.isDate ? rs < s + DAY_MS && re > s : rs <= s && re > s;
  }
  const endName = comp.name === 'vevent' ? 'DTEND' : comp.name === 'vtodo' ? 'DUE' : null;
  if (name === endName && (comp.hasProperty(name.toLowerCase()) || comp.hasProperty('duration'))) {
    const span = instanceSpan(inst, env.time);
    if (!span) return false;
    return rs <= span.end && re > span.end;
  }
  return undefined;
}

function paramsMatch(filters: ParamFilter[], prop: ICAL.Property): boolean {
  return filters.every((f) => paramMatches(f, prop));
}

function paramMatches(f: ParamFilter, prop: ICAL.Property): boolean {
  const raw: unknown = prop.getParameter(f.name.toLowerCase());
  const values = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
  if (f.isNotDefined) return values.length === 0;
  if (values.length === 0) return false;
  return f.textMatch ? textMatchHolds(f.textMatch, values) : true;
}

/** negate-condition applies to the outcome over all values: "no value contains the text". */
function textMatchHolds(tm: TextMatch, values: string[]): boolean {
  const hit = values.some((v) => textMatches(v, tm.value, tm.collation, 'contains'));
  return tm.negate ? !hit : hit;
}

/**
 * The texts a text-match is tested against: each value (CATEGORIES:a,b → "a", "b") in its
 * iCalendar form, unescaped, plus the whole list joined with "," when there are several.
 */
export function propertyTexts(prop: ICAL.Property): string[] {
  const values = prop.getValues() as unknown[];
  const out = values.map((v) => valueText(v, prop.type));
  if (out.length > 1) out.push(out.join(','));
  return out;
}

function valueText(v: unknown, type: string): string {
  if (typeof v === 'string') return type === 'unknown' ? unescapeText(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(String).join(';');
  if (v !== null && typeof v === 'object') {
    const o = v as { toICALString?: () => string; toString: () => string };
    return typeof o.toICALString === 'function' ? o.toICALString() : o.toString();
  }
  return '';
}

/** Values of unknown (X-) properties arrive still escaped (RFC 5545 §3.3.11). */
function unescapeText(s: string): string {
  return s.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
