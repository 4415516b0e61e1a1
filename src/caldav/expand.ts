// CALDAV:expand (RFC 4791 §9.6.5) and CALDAV:limit-recurrence-set (§9.6.6).
// Both return a new VCALENDAR component; the input (possibly cached) is never modified.
//
// expand: each recurrence instance overlapping the range becomes one component without
// RRULE/RDATE/EXDATE/EXRULE, with a RECURRENCE-ID in UTC; overridden instances carry the
// override's properties; EXDATEd occurrences are gone. Every DATE-TIME is written in UTC
// (floating ones read in the resolver's floating zone) and VTIMEZONEs are dropped. DATE values
// (all-day events) stay DATE: they carry no zone to convert from, and turning them into UTC
// DATE-TIMEs would lose "all-day" for the client (sabre/vobject does the same).
// Non-recurring components are returned whole (converted to UTC), whether or not they overlap:
// the query's filter already chose the object.
import ICAL from 'ical.js';
import { instancesOf, isRecurringSet, isThisAndFuture, recurrenceSets, storedInstance, type Instance } from './recurrence.js';
import { instanceOverlaps, movedEnd } from './timeRangeTables.js';
import type { TimezoneResolver } from './timezones.js';
import { contextFor, icalUtc, icalUtcMs, toMs, zoned, type TimeContext } from './timezonesValues.js';

const EXPANDABLE = ['vevent', 'vtodo', 'vjournal'];
const RECURRENCE_PROPS = ['rrule', 'rdate', 'exdate', 'exrule'];

export interface UtcRange {
  start: Date;
  end: Date;
}

type JCal = [string, unknown[], unknown[]];

function cloneComponent(c: ICAL.Component): ICAL.Component {
  return new ICAL.Component(structuredClone(c.jCal) as JCal);
}

function emptyLike(vcalendar: ICAL.Component): ICAL.Component {
  return new ICAL.Component(['vcalendar', structuredClone(vcalendar.jCal[1]), []] as JCal);
}

export function expandCalendar(vcalendar: ICAL.Component, range: UtcRange, tz: TimezoneResolver): ICAL.Component {
  const ctx = contextFor(tz);
  const rs = range.start.getTime();
  const re = range.end.getTime();
  const out = emptyLike(vcalendar);
  const done = new Set<string>();
  for (const sub of vcalendar.getAllSubcomponents()) {
    const name = sub.name;
    if (name === 'vtimezone') continue;
    if (!EXPANDABLE.includes(name)) {
      out.addSubcomponent(convertToUtc(cloneComponent(sub), ctx));
      continue;
    }
    if (done.has(name)) continue;
    done.add(name);
    for (const set of recurrenceSets(vcalendar, name)) {
      if (!isRecurringSet(set)) {
        if (set.master) out.addSubcomponent(convertToUtc(cloneComponent(set.master), ctx));
        continue;
      }
      const picked: Array<{ inst: Instance; at: number }> = [];
      for (const inst of instancesOf(set, ctx, { from: rs, to: re })) {
        if (instanceOverlaps(inst, rs, re, ctx)) picked.push({ inst, at: inst.start ? toMs(inst.start) : rs });
      }
      picked.sort((a, b) => a.at - b.at);
      for (const { inst } of picked) out.addSubcomponent(instanceComponent(inst, ctx));
    }
  }
  return out;
}

/** One instance as a standalone component in UTC. */
function instanceComponent(inst: Instance, ctx: TimeContext): ICAL.Component {
  const c = cloneComponent(inst.component);
  for (const p of RECURRENCE_PROPS) c.removeAllProperties(p);
  if (inst.generated && inst.start) {
    const start = inst.start;
    const dtend = inst.periodEnd ?? movedEnd(inst, 'dtend', ctx);
    const due = movedEnd(inst, 'due', ctx);
    setTime(c, 'dtstart', icalUtc(start));
    if (inst.periodEnd !== null && c.name === 'vevent') c.removeAllProperties('duration');
    if (dtend !== null && (c.hasProperty('dtend') || inst.periodEnd !== null)) {
      setTime(c, 'dtend', start.isDate && c.getFirstProperty('dtend')?.type === 'date' ? dateOf(dtend, start) : icalUtcMs(dtend));
    }
    if (due !== null) setTime(c, 'due', start.isDate && c.getFirstProperty('due')?.type === 'date' ? dateOf(due, start) : icalUtcMs(due));
  }
  if (inst.recurrenceId) setTime(c, 'recurrence-id', icalUtc(inst.recurrenceId));
  return convertToUtc(c, ctx);
}

/** A moved all-day end back to a DATE (its instant is midnight in the zone the start is read in). */
function dateOf(ms: number, start: NonNullable<Instance['start']>): ICAL.Time {
  const shifted = Math.round((ms - toMs(start)) / 86_400_000) * 86_400_000 + start.wall;
  return icalUtc({ ...start, wall: shifted });
}

function setTime(c: ICAL.Component, name: string, value: ICAL.Time): void {
  let p = c.getFirstProperty(name);
  if (!p) p = c.addPropertyWithValue(name, value);
  for (const param of ['tzid', 'range', 'value']) p.removeParameter(param);
  p.setValue(value);
}

/** Rewrite every DATE-TIME (and PERIOD) value of a component tree in UTC; drops TZID parameters. */
export function convertToUtc(c: ICAL.Component, ctx: TimeContext): ICAL.Component {
  for (const p of c.getAllProperties()) {
    if (p.type !== 'date-time' && p.type !== 'period') continue;
    const tzidParam = p.getParameter('tzid');
    const tzid = typeof tzidParam === 'string' ? tzidParam : null;
    const values = p.getValues().map((v) => {
      if (v instanceof ICAL.Time) return v.isDate ? v : icalUtc(zoned(v, tzid, ctx));
      if (v instanceof ICAL.Period) {
        const start = icalUtc(zoned(v.start, tzid, ctx));
        return v.end ? ICAL.Period.fromData({ start, end: icalUtc(zoned(v.end, tzid, ctx)) }) : ICAL.Period.fromData({ start, duration: v.duration });
      }
      return v;
    });
    p.removeParameter('tzid');
    if (values.length === 1) p.setValue(values[0] as ICAL.Time);
    else p.setValues(values as ICAL.Time[]);
  }
  for (const s of c.getAllSubcomponents()) convertToUtc(s, ctx);
  return c;
}

/**
 * CALDAV:limit-recurrence-set: the object as stored, minus the overridden components that do
 * not impact the range. An override impacts it when its own times overlap, or the times the
 * instance would have had without it do (RFC 4791 §9.6.6); a THISANDFUTURE override also when
 * it governs instances from before the range's end. Masters and everything else are kept.
 */
export function limitRecurrenceSet(vcalendar: ICAL.Component, range: UtcRange, tz: TimezoneResolver): ICAL.Component {
  const ctx = contextFor(tz);
  const rs = range.start.getTime();
  const re = range.end.getTime();
  const drop = new Set<ICAL.Component>();
  for (const name of EXPANDABLE) {
    for (const set of recurrenceSets(vcalendar, name)) {
      for (const o of set.overrides) if (!overrideImpacts(o, set.master, rs, re, ctx)) drop.add(o);
    }
  }
  const out = emptyLike(vcalendar);
  for (const sub of vcalendar.getAllSubcomponents()) if (!drop.has(sub)) out.addSubcomponent(cloneComponent(sub));
  return out;
}

function overrideImpacts(o: ICAL.Component, master: ICAL.Component | null, rs: number, re: number, ctx: TimeContext): boolean {
  const own = storedInstance(o, ctx);
  if (instanceOverlaps(own, rs, re, ctx)) return true;
  const rid = own.recurrenceId;
  if (!rid) return true;
  if (isThisAndFuture(o) && toMs(rid) < re) return true;
  if (!master) return false;
  const original: Instance = { component: master, start: rid, periodEnd: null, recurrenceId: rid, generated: true };
  return instanceOverlaps(original, rs, re, ctx);
}
