// iCalendar DATE / DATE-TIME / DURATION values turned into instants (epoch ms) under a resolver.
// We never ask ical.js for an instant (toUnixTime/compare/toJSDate on a parsed value): its zone
// would be the object's own VTIMEZONE rebuilt from scratch. We read the wall-clock fields and
// the TZID parameter and convert with the shared rules instead.
import ICAL from 'ical.js';
import { floatingRules, rulesOf, type TimezoneResolver } from './timezones.js';
import { UTC_RULES, utcToWall, wallOf, wallToUtc, type ZoneRules } from './timezonesRules.js';

export const DAY_MS = 86_400_000;

/** A time as written: wall clock (encoded as if UTC), DATE or not, and the zone it is read in. */
export interface ZonedTime {
  readonly wall: number;
  readonly isDate: boolean;
  /** UTC for 'Z' values; the resolved zone for TZID values; the floating zone otherwise. */
  readonly rules: ZoneRules;
  /** 'utc' (Z), 'zoned' (TZID that resolved), 'floating' (no TZID, a DATE, or an unresolvable TZID). */
  readonly kind: 'utc' | 'zoned' | 'floating';
}

/** Evaluation context: the object's resolver and the rules floating values are read with. */
export interface TimeContext {
  readonly tz: TimezoneResolver;
  readonly floating: ZoneRules;
}

const contexts = new WeakMap<TimezoneResolver, TimeContext>();
export function contextFor(tz: TimezoneResolver): TimeContext {
  let ctx = contexts.get(tz);
  if (!ctx) {
    ctx = { tz, floating: floatingRules(tz) };
    contexts.set(tz, ctx);
  }
  return ctx;
}

export function toMs(t: ZonedTime): number {
  return t.kind === 'utc' ? t.wall : wallToUtc(t.rules, t.wall);
}

/** A parsed ICAL.Time of a property with this TZID parameter, as a ZonedTime. */
export function zoned(time: ICAL.Time, tzid: string | null | undefined, ctx: TimeContext): ZonedTime {
  if (time.isDate) return { wall: wallOf(time.year, time.month, time.day), isDate: true, rules: ctx.floating, kind: 'floating' };
  const wall = wallOf(time.year, time.month, time.day, time.hour, time.minute, time.second);
  if (time.zone === ICAL.Timezone.utcTimezone) return { wall, isDate: false, rules: UTC_RULES, kind: 'utc' };
  if (tzid) {
    const zone = ctx.tz.resolve(tzid);
    const rules = zone && rulesOf(zone);
    if (rules) return { wall, isDate: false, rules, kind: rules === UTC_RULES ? 'utc' : 'zoned' };
  }
  return { wall, isDate: false, rules: ctx.floating, kind: 'floating' };
}

function tzidOf(prop: ICAL.Property): string | null {
  const t = prop.getParameter('tzid');
  return typeof t === 'string' ? t : null;
}

/** First value of a DATE / DATE-TIME property of a component, or null. */
export function propTime(comp: ICAL.Component, name: string, ctx: TimeContext): ZonedTime | null {
  const prop = comp.getFirstProperty(name);
  if (!prop) return null;
  const v = prop.getFirstValue();
  return v instanceof ICAL.Time ? zoned(v, tzidOf(prop), ctx) : null;
}

/** All values of a property (EXDATE, RDATE...) as times or periods. */
export type TimeOrPeriod = { start: ZonedTime; end: number | null };
export function propValues(prop: ICAL.Property, ctx: TimeContext): TimeOrPeriod[] {
  const tzid = tzidOf(prop);
  const out: TimeOrPeriod[] = [];
  for (const v of prop.getValues()) {
    if (v instanceof ICAL.Time) out.push({ start: zoned(v, tzid, ctx), end: null });
    else if (v instanceof ICAL.Period) {
      const start = zoned(v.start, tzid, ctx);
      const end = v.end ? toMs(zoned(v.end, tzid, ctx)) : v.duration ? addDuration(start, v.duration) : null;
      out.push({ start, end });
    }
  }
  return out;
}

export function propDuration(comp: ICAL.Component, name = 'duration'): ICAL.Duration | null {
  const v = comp.getFirstPropertyValue(name);
  return v instanceof ICAL.Duration ? v : null;
}

/**
 * t + duration (RFC 5545 §3.3.6): weeks and days are nominal (same wall time N days later, so
 * P1D across a DST change is 23 or 25 hours); hours, minutes and seconds are exact.
 */
export function addDuration(t: ZonedTime, d: ICAL.Duration): number {
  const sign = d.isNegative ? -1 : 1;
  const days = sign * (d.weeks * 7 + d.days);
  const exact = sign * (d.hours * 3600 + d.minutes * 60 + d.seconds) * 1000;
  const base = days ? toMs({ ...t, wall: t.wall + days * DAY_MS }) : toMs(t);
  return base + exact;
}

/** Seconds of a duration, taken as exact (for widening iteration windows, not for results). */
export function roughSeconds(d: ICAL.Duration): number {
  return Math.abs(d.toSeconds());
}

/** The same instant's wall clock in another ZonedTime's zone (for moving instances between zones). */
export function wallIn(rules: ZoneRules, ms: number): number {
  return utcToWall(rules, ms);
}

/** Shift a ZonedTime by a wall-clock amount, keeping its zone and kind. */
export function shiftWall(t: ZonedTime, deltaWall: number): ZonedTime {
  return { ...t, wall: t.wall + deltaWall };
}

/** The instant as an ICAL.Time in UTC (DATE values stay DATE). */
export function icalUtc(t: ZonedTime): ICAL.Time {
  if (t.isDate) {
    const d = new Date(t.wall);
    return ICAL.Time.fromData({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), isDate: true });
  }
  return icalUtcMs(toMs(t));
}

export function icalUtcMs(ms: number): ICAL.Time {
  const d = new Date(ms);
  return ICAL.Time.fromData(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      isDate: false,
    },
    ICAL.Timezone.utcTimezone,
  );
}
