// RFC 4791 §9.9, one instance at a time: the VEVENT, VTODO, VJOURNAL and VFREEBUSY tables,
// VALARM trigger times, and the effective span of an instance (for expand and free-busy).
// rs/re are the range's start and end in epoch ms; an open side is -Infinity / +Infinity.
import ICAL from 'ical.js';
import type { Instance } from './recurrence.js';
import { addDuration, DAY_MS, propDuration, propTime, propValues, toMs, wallIn, zoned, type TimeContext, type ZonedTime } from './timezonesValues.js';

/** The instance's end-like property (DTEND or DUE), moved with the instance's start. */
export function movedEnd(inst: Instance, name: string, ctx: TimeContext): number | null {
  const end = propTime(inst.component, name, ctx);
  if (!end) return null;
  const own = propTime(inst.component, 'dtstart', ctx);
  const s = inst.start;
  if (!s || !own) return toMs(end);
  if (s.isDate && own.isDate && end.isDate) return toMs({ ...s, wall: s.wall + (end.wall - own.wall) }); // whole days
  return toMs(s) + (toMs(end) - toMs(own)); // exact duration (RFC 5545 §3.8.5.3)
}

function plusOneDay(s: ZonedTime): number {
  return toMs({ ...s, wall: s.wall + DAY_MS });
}

/** VEVENT table. A DTEND not after DTSTART (invalid data) is read as a zero-duration event. */
function veventOverlaps(inst: Instance, rs: number, re: number, ctx: TimeContext): boolean {
  const s = inst.start;
  if (!s) return false;
  const start = toMs(s);
  const instant = rs <= start && re > start;
  const dtend = inst.periodEnd ?? movedEnd(inst, 'dtend', ctx);
  if (dtend !== null) return dtend > start ? rs < dtend && re > start : instant;
  const dur = propDuration(inst.component);
  if (dur) {
    const end = addDuration(s, dur);
    return end > start ? rs < end && re > start : instant;
  }
  if (s.isDate) return rs < plusOneDay(s) && re > start;
  return instant;
}

/** VTODO table, row by row (DUE wins over DURATION when both are present, which RFC 5545 forbids). */
function vtodoOverlaps(inst: Instance, rs: number, re: number, ctx: TimeContext): boolean {
  const c = inst.component;
  const s = inst.start && c.hasProperty('dtstart') ? inst.start : null;
  const due = inst.periodEnd === null ? movedEnd(inst, 'due', ctx) : null;
  const dur = propDuration(c);
  const durEnd = inst.periodEnd ?? (s && dur ? addDuration(s, dur) : null);
  const completed = propTime(c, 'completed', ctx);
  const created = propTime(c, 'created', ctx);
  if (s) {
    const S = toMs(s);
    if (due !== null) return (rs < due || rs <= S) && (re > S || re >= due);
    if (durEnd !== null) return rs <= durEnd && (re > S || re >= durEnd);
    return rs <= S && re > S;
  }
  if (due !== null) return rs < due && re >= due;
  const C = completed && toMs(completed);
  const R = created && toMs(created);
  if (C !== null && R !== null) return (rs <= R || rs <= C) && (re >= R || re >= C);
  if (C !== null) return rs <= C && re >= C;
  if (R !== null) return re > R;
  return true;
}

function vjournalOverlaps(inst: Instance, rs: number, re: number): boolean {
  const s = inst.start;
  if (!s || !inst.component.hasProperty('dtstart')) return false;
  const S = toMs(s);
  return s.isDate ? rs < plusOneDay(s) && re > S : rs <= S && re > S;
}

function vfreebusyOverlaps(comp: ICAL.Component, rs: number, re: number, ctx: TimeContext): boolean {
  const s = propTime(comp, 'dtstart', ctx);
  const e = propTime(comp, 'dtend', ctx);
  if (s && e) return rs <= toMs(e) && re > toMs(s);
  for (const p of comp.getAllProperties('freebusy')) {
    for (const v of propValues(p, ctx)) {
      const ps = toMs(v.start);
      const pe = v.end ?? ps;
      if (rs < pe && re > ps) return true;
    }
  }
  return false;
}

/** Does this instance overlap [rs, re) per the table of its component type? */
export function instanceOverlaps(inst: Instance, rs: number, re: number, ctx: TimeContext): boolean {
  switch (inst.component.name) {
    case 'vevent':
      return veventOverlaps(inst, rs, re, ctx);
    case 'vtodo':
      return vtodoOverlaps(inst, rs, re, ctx);
    case 'vjournal':
      return vjournalOverlaps(inst, rs, re);
    case 'vfreebusy':
      return vfreebusyOverlaps(inst.component, rs, re, ctx);
    default:
      return false; // RFC 4791 §9.9 defines time-range for no other component
  }
}

/**
 * Effective [start, end) of an instance in ms: VEVENT per the table's DTEND / DURATION /
 * one day for a DATE / zero otherwise; VTODO from DTSTART (or DUE) to DUE or DTSTART+DURATION;
 * VJOURNAL a day for a DATE, else zero. null when the instance has no start at all.
 */
export function instanceSpan(inst: Instance, ctx: TimeContext): { start: number; end: number } | null {
  const s = inst.start;
  const c = inst.component;
  if (c.name === 'vtodo') {
    const due = inst.periodEnd ?? movedEnd(inst, 'due', ctx);
    const dur = propDuration(c);
    const S = s && c.hasProperty('dtstart') ? toMs(s) : null;
    const end = due ?? (s && dur ? addDuration(s, dur) : S);
    if (S === null && end === null) return null;
    return { start: S ?? end!, end: Math.max(end ?? S!, S ?? end!) };
  }
  if (!s) return null;
  const S = toMs(s);
  let end = inst.periodEnd ?? (c.name === 'vevent' ? movedEnd(inst, 'dtend', ctx) : null);
  if (end === null) {
    const dur = c.name === 'vevent' ? propDuration(c) : null;
    end = dur ? addDuration(s, dur) : s.isDate ? plusOneDay(s) : S;
  }
  return { start: S, end: Math.max(end, S) };
}

const MAX_REPEAT = 1000;

/**
 * Trigger instants of a VALARM for one instance of its parent (RFC 5545 §3.8.6.3, §3.8.6.2):
 * relative to the start (default) or, with RELATED=END, to DTEND / DUE / DTSTART+DURATION;
 * or absolute; plus REPEAT more triggers DURATION apart.
 */
export function alarmTriggers(alarm: ICAL.Component, inst: Instance, ctx: TimeContext): number[] {
  const prop = alarm.getFirstProperty('trigger');
  if (!prop) return [];
  const v = prop.getFirstValue();
  let first: ZonedTime | null = null;
  if (v instanceof ICAL.Time) {
    const tzid = prop.getParameter('tzid');
    first = zoned(v, typeof tzid === 'string' ? tzid : null, ctx);
  } else if (v instanceof ICAL.Duration) {
    const related = prop.getParameter('related');
    const s = inst.start;
    let base: ZonedTime | null = s;
    if (typeof related === 'string' && related.toUpperCase() === 'END') {
      const span = instanceSpan(inst, ctx);
      if (!span) return [];
      const rules = s ? s.rules : ctx.floating;
      base = { wall: wallIn(rules, span.end), isDate: false, rules, kind: s?.kind === 'utc' ? 'utc' : 'zoned' };
    }
    if (!base) return [];
    const at = addDuration(base, v);
    first = { wall: wallIn(base.rules, at), isDate: false, rules: base.rules, kind: base.kind === 'utc' ? 'utc' : 'zoned' };
  }
  if (!first) return [];
  const out = [toMs(first)];
  const repeat = Math.min(MAX_REPEAT, Number(alarm.getFirstPropertyValue('repeat')) || 0);
  const every = propDuration(alarm);
  let t = first;
  for (let i = 0; every && i < repeat; i++) {
    const ms = addDuration(t, every);
    t = { ...t, wall: wallIn(t.rules, ms) };
    out.push(ms);
  }
  return out;
}

/** How far (ms) an alarm's triggers can lie from its parent's start or end, for widening windows. */
export function alarmReach(alarm: ICAL.Component): number {
  const v = alarm.getFirstPropertyValue('trigger');
  const offset = v instanceof ICAL.Duration ? Math.abs(v.toSeconds()) * 1000 : 0;
  const every = propDuration(alarm);
  const repeat = Math.min(MAX_REPEAT, Number(alarm.getFirstPropertyValue('repeat')) || 0);
  return offset + (every ? Math.abs(every.toSeconds()) * 1000 * repeat : 0) + 2 * DAY_MS;
}
