// CALDAV:time-range evaluation (RFC 4791 §9.9) for calendar-query filters.
// Pure functions over parsed ical.js components; never mutate them (they may be cached by blob id).
import ICAL from 'ical.js';
import { instancesOf, recurrenceSets, storedInstance, type Instance, type IterationLimits } from './recurrence.js';
import { alarmReach, alarmTriggers, instanceOverlaps } from './timeRangeTables.js';
import type { TimezoneResolver } from './timezones.js';
import { addDuration, contextFor, DAY_MS, propDuration, propTime, propValues, toMs, type TimeContext } from './timezonesValues.js';

/** A CALDAV:time-range: either bound may be absent (open). */
export interface TimeRange {
  start: Date | null;
  end: Date | null;
}

function bounds(range: TimeRange): [number, number] {
  return [range.start ? range.start.getTime() : -Infinity, range.end ? range.end.getTime() : Infinity];
}

/**
 * Does any component of this type in the VCALENDAR — every instance of each recurrence set
 * (master + RECURRENCE-ID overrides sharing its UID) — overlap the range?
 */
export function calendarObjectOverlaps(
  vcalendar: ICAL.Component,
  componentName: string,
  range: TimeRange,
  tz: TimezoneResolver,
  limits: IterationLimits = {},
): boolean {
  const ctx = contextFor(tz);
  const [rs, re] = bounds(range);
  for (const set of recurrenceSets(vcalendar, componentName)) {
    for (const inst of instancesOf(set, ctx, { from: rs, to: re }, limits)) {
      if (instanceOverlaps(inst, rs, re, ctx)) return true;
    }
  }
  return false;
}

/**
 * One concrete component as stored (no recurrence expansion). A VALARM is evaluated through
 * its parent: does any of its triggers fall in the range?
 */
export function componentOverlaps(component: ICAL.Component, range: TimeRange, tz: TimezoneResolver): boolean {
  const ctx = contextFor(tz);
  const [rs, re] = bounds(range);
  if (component.name === 'valarm') {
    const parent = component.parent;
    if (!parent) return false;
    return alarmTriggers(component, storedInstance(parent, ctx), ctx).some((t) => rs <= t && re > t);
  }
  return instanceOverlaps(storedInstance(component, ctx), rs, re, ctx);
}

/**
 * CALDAV:time-range in a comp-filter on VALARM under `parentName` (VEVENT or VTODO):
 * does a trigger of any alarm of any instance satisfy (start <= trigger AND end > trigger)?
 */
export function alarmOverlaps(
  vcalendar: ICAL.Component,
  parentName: string,
  range: TimeRange,
  tz: TimezoneResolver,
  limits: IterationLimits = {},
): boolean {
  const ctx = contextFor(tz);
  const [rs, re] = bounds(range);
  for (const set of recurrenceSets(vcalendar, parentName)) {
    let reach = -1;
    for (const c of set.master ? [set.master, ...set.overrides] : set.overrides) {
      for (const a of c.getAllSubcomponents('valarm')) reach = Math.max(reach, alarmReach(a));
    }
    if (reach < 0) continue; // no alarms: nothing to iterate for
    for (const inst of instancesOf(set, ctx, { from: rs - reach, to: re + reach }, limits)) {
      if (instanceAlarmsOverlap(inst, rs, re, ctx)) return true;
    }
  }
  return false;
}

function instanceAlarmsOverlap(inst: Instance, rs: number, re: number, ctx: TimeContext): boolean {
  for (const alarm of inst.component.getAllSubcomponents('valarm')) {
    for (const t of alarmTriggers(alarm, inst, ctx)) if (rs <= t && re > t) return true;
  }
  return false;
}

/**
 * CALDAV:time-range in a prop-filter on a DATE / DATE-TIME property (RFC 4791 §9.9, last rule):
 * (start <= value AND end > value) for any of its values. A DATE value stands for its whole
 * day (start < day end AND end > day start); a PERIOD value overlaps like an event.
 */
export function propertyInRange(prop: ICAL.Property, range: TimeRange, tz: TimezoneResolver): boolean {
  const ctx = contextFor(tz);
  const [rs, re] = bounds(range);
  for (const v of propValues(prop, ctx)) {
    const s = toMs(v.start);
    if (v.end !== null) {
      if (rs < v.end && re > s) return true;
    } else if (v.start.isDate) {
      if (rs < toMs({ ...v.start, wall: v.start.wall + DAY_MS }) && re > s) return true;
    } else if (rs <= s && re > s) return true;
  }
  return false;
}

/**
 * propertyInRange for a property named on a component, with RFC 4791 §9.9's "effective" values:
 * a missing DTEND of a VEVENT is DTSTART+DURATION, a missing DUE of a VTODO is DTSTART+DURATION.
 */
export function componentPropertyInRange(component: ICAL.Component, propName: string, range: TimeRange, tz: TimezoneResolver): boolean {
  const name = propName.toLowerCase();
  const props = component.getAllProperties(name);
  if (props.length) return props.some((p) => propertyInRange(p, range, tz));
  const effective = (component.name === 'vevent' && name === 'dtend') || (component.name === 'vtodo' && name === 'due');
  if (!effective) return false;
  const ctx = contextFor(tz);
  const start = propTime(component, 'dtstart', ctx);
  const dur = propDuration(component);
  if (!start || !dur) return false;
  const [rs, re] = bounds(range);
  const t = addDuration(start, dur);
  return rs <= t && re > t;
}

export type { IterationLimits } from './recurrence.js';
