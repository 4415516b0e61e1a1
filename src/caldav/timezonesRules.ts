// UTC-offset rules of one time zone, as a sorted list of transitions in UTC.
// Two sources: a VTIMEZONE component (expanded lazily, year by year, once per zone
// text thanks to the cache in timezones.ts) and an IANA name (offsets read from
// Node's ICU data through Intl.DateTimeFormat). All times are epoch milliseconds;
// "wall" times are local clock readings encoded as if they were UTC (Date.UTC(...)).
import ICAL from 'ical.js';

const DAY = 86_400_000;
/** Transitions are not computed past this year (an RRULE without UNTIL in a VTIMEZONE runs forever). */
const MAX_RULE_YEAR = 2600;
const MIN_RULE_YEAR = 1000;

export interface ZoneRules {
  readonly id: string;
  /** UTC offset in seconds in force at a UTC instant. */
  offsetAt(utcMs: number): number;
}

export const UTC_RULES: ZoneRules = { id: 'UTC', offsetAt: () => 0 };

/** Date.UTC that does not map years 0..99 to 1900..1999. */
export function wallOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

export function utcYear(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

/**
 * Local wall time -> UTC instant, with RFC 5545 §3.3.5's rules for the two DST edge cases:
 * a time that falls in a gap is read with the offset in force before the gap, and a time
 * that occurs twice refers to its first occurrence.
 */
export function wallToUtc(rules: ZoneRules, wall: number): number {
  if (rules === UTC_RULES) return wall;
  const before = rules.offsetAt(wall - DAY);
  const after = rules.offsetAt(wall + DAY);
  const tBefore = wall - before * 1000;
  if (before === after) return tBefore;
  const tAfter = wall - after * 1000;
  const okBefore = rules.offsetAt(tBefore) === before;
  const okAfter = rules.offsetAt(tAfter) === after;
  if (okBefore && okAfter) return Math.min(tBefore, tAfter);
  if (okAfter) return tAfter;
  return tBefore; // valid with the earlier offset, or inside a gap: the offset before the gap
}

export function utcToWall(rules: ZoneRules, utcMs: number): number {
  return utcMs + rules.offsetAt(utcMs) * 1000;
}

/** A sorted transition table; subclasses fill it up to a year on demand. */
abstract class TableRules implements ZoneRules {
  protected at: number[] = []; // transition instants (UTC ms), ascending
  protected to: number[] = []; // offset (s) from that instant on
  protected initial = 0; // offset before the first transition
  constructor(readonly id: string) {}

  offsetAt(utcMs: number): number {
    this.prepare(Math.min(MAX_RULE_YEAR, Math.max(MIN_RULE_YEAR, utcYear(utcMs))));
    let lo = 0;
    let hi = this.at.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.at[mid]! <= utcMs) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? this.initial : this.to[found]!;
  }

  /** Make the table exact for all instants in the UTC year `year` (cheap when already done). */
  protected abstract prepare(year: number): void;

  protected setTable(pairs: Array<[number, number]>): void {
    pairs.sort((a, b) => a[0] - b[0]);
    this.at = [];
    this.to = [];
    for (const [t, o] of pairs) {
      const n = this.at.length;
      if (n > 0 && this.at[n - 1] === t) this.to[n - 1] = o;
      else {
        this.at.push(t);
        this.to.push(o);
      }
    }
  }
}

interface Observance {
  from: number; // TZOFFSETFROM, seconds
  to: number; // TZOFFSETTO, seconds
  onsets: number[]; // UTC instants already generated
  iterator: ICAL.RecurIterator | null; // remaining RRULE onsets (wall times, floating)
  done: boolean;
}

/** Rules of a VTIMEZONE component: STANDARD/DAYLIGHT observances with DTSTART, RRULE and RDATE. */
export class VtimezoneRules extends TableRules {
  private readonly observances: Observance[] = [];
  private generatedTo = -Infinity;

  constructor(id: string, vtimezone: ICAL.Component) {
    super(id);
    for (const sub of vtimezone.getAllSubcomponents()) {
      if (sub.name !== 'standard' && sub.name !== 'daylight') continue;
      const obs = readObservance(sub);
      if (obs) this.observances.push(obs);
    }
    // Before the earliest onset, the earliest observance's TZOFFSETFROM applies.
    let first: Observance | null = null;
    for (const o of this.observances) if (o.onsets.length && (!first || o.onsets[0]! < first.onsets[0]!)) first = o;
    this.initial = first ? first.from : (this.observances[0]?.to ?? 0);
  }

  protected prepare(year: number): void {
    // Onsets must be generated from each observance's DTSTART (an RRULE has no random access),
    // so coverage always starts at the beginning; only the end moves.
    const to = year + 1;
    if (to <= this.generatedTo) return;
    const limitWall = wallOf(Math.min(to, MAX_RULE_YEAR) + 1, 1, 1) + 2 * DAY;
    for (const o of this.observances) {
      while (!o.done && o.iterator) {
        const next = o.iterator.next();
        if (!next) {
          o.done = true;
          break;
        }
        const wall = wallOf(next.year, next.month, next.day, next.hour, next.minute, next.second);
        o.onsets.push(wall - o.from * 1000);
        if (wall > limitWall) break;
      }
    }
    this.generatedTo = to;
    const pairs: Array<[number, number]> = [];
    for (const o of this.observances) for (const t of o.onsets) pairs.push([t, o.to]);
    this.setTable(pairs);
  }
}

function readObservance(sub: ICAL.Component): Observance | null {
  const dtstart = sub.getFirstPropertyValue('dtstart');
  const fromV = sub.getFirstPropertyValue('tzoffsetfrom');
  const toV = sub.getFirstPropertyValue('tzoffsetto');
  if (!(dtstart instanceof ICAL.Time) || !(fromV instanceof ICAL.UtcOffset) || !(toV instanceof ICAL.UtcOffset)) return null;
  const from = fromV.toSeconds();
  const to = toV.toSeconds();
  const startWall = wallOf(dtstart.year, dtstart.month, dtstart.day, dtstart.hour, dtstart.minute, dtstart.second);
  const onsets: number[] = [];
  for (const p of sub.getAllProperties('rdate')) {
    for (const v of p.getValues()) {
      const t = v instanceof ICAL.Period ? v.start : v;
      if (!(t instanceof ICAL.Time)) continue;
      const wall = t.isDate
        ? wallOf(t.year, t.month, t.day, dtstart.hour, dtstart.minute, dtstart.second)
        : wallOf(t.year, t.month, t.day, t.hour, t.minute, t.second);
      onsets.push(!t.isDate && t.zone === ICAL.Timezone.utcTimezone ? wall : wall - from * 1000);
    }
  }
  const rrule = sub.getFirstPropertyValue('rrule');
  let iterator: ICAL.RecurIterator | null = null;
  if (rrule instanceof ICAL.Recur) {
    const rule = rrule.clone();
    if (rule.until && !rule.until.isDate && rule.until.zone === ICAL.Timezone.utcTimezone) {
      // UNTIL is UTC; onsets are iterated as local wall times in the TZOFFSETFROM offset.
      const u = rule.until;
      const wall = wallOf(u.year, u.month, u.day, u.hour, u.minute, u.second) + from * 1000;
      rule.until = floatingTime(wall, false);
    }
    iterator = rule.iterator(floatingTime(startWall, false));
  } else {
    onsets.push(startWall - from * 1000);
  }
  // The RRULE iterator yields DTSTART itself only when it matches the rule; DTSTART is always an onset.
  if (iterator) onsets.push(startWall - from * 1000);
  return { from, to, onsets, iterator, done: !iterator };
}

/** An ICAL.Time in the floating zone for a wall time. */
export function floatingTime(wall: number, isDate: boolean): ICAL.Time {
  const d = new Date(wall);
  const data = isDate
    ? { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), isDate: true }
    : {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
        isDate: false,
      };
  return ICAL.Time.fromData(data, ICAL.Timezone.localTimezone);
}

/** Rules of an IANA zone from ICU: per UTC year, sample each day and bisect each change to the second. */
export class IanaRules extends TableRules {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly years = new Map<number, Array<[number, number]>>();

  constructor(id: string) {
    super(id);
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Offset in seconds at an instant, straight from ICU. */
  private sample(utcMs: number): number {
    const f: Record<string, string> = {};
    for (const p of this.fmt.formatToParts(new Date(utcMs))) f[p.type] = p.value;
    let year = Number(f['year']);
    if (f['era'] === 'BC' || f['era'] === 'B') year = 1 - year;
    const wall = wallOf(year, Number(f['month']), Number(f['day']), Number(f['hour']), Number(f['minute']), Number(f['second']));
    return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 1000);
  }

  protected prepare(year: number): void {
    if (this.years.has(year - 1) && this.years.has(year) && this.years.has(year + 1)) return;
    let changed = false;
    for (let y = year - 1; y <= year + 1; y++) {
      if (this.years.has(y)) continue;
      this.years.set(y, this.yearTransitions(y));
      changed = true;
    }
    if (!changed) return;
    const pairs: Array<[number, number]> = [];
    for (const list of this.years.values()) pairs.push(...list);
    // Each year's list starts with the offset at its first instant, so every covered year is exact.
    this.setTable(pairs);
  }

  private yearTransitions(year: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const start = wallOf(year, 1, 1);
    const end = wallOf(year + 1, 1, 1);
    // Entry at the year's start makes each year's table self-contained.
    let prevT = start;
    let prevO = this.sample(start);
    out.push([start, prevO]);
    for (let t = start + DAY; t <= end; t += DAY) {
      const o = this.sample(t);
      if (o !== prevO) {
        let lo = prevT; // offset prevO at lo
        let hi = t; // offset o at hi
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.sample(mid) === prevO) lo = mid;
          else hi = mid;
        }
        out.push([hi, o]);
      }
      prevT = t;
      prevO = o;
    }
    return out;
  }
}

/** Whether ICU knows this zone name; returns the name ICU would use, or null. */
export function ianaName(tzid: string): string | null {
  if (!tzid || tzid.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tzid }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
