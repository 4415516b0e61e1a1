// Recurrence sets (RFC 5545 §3.8.5, §3.8.4.4): master + RECURRENCE-ID overrides sharing a UID,
// and a bounded, lazy walk over their instances.
//
// Instance set = DTSTART ∪ RRULE ∪ RDATE − EXDATE, each occurrence replaced by the override
// whose RECURRENCE-ID names it. Overrides are always instances (also "orphans" whose
// RECURRENCE-ID matches nothing, and ones whose occurrence was EXDATEd), as sabre/vobject does.
// An override with RANGE=THISANDFUTURE governs every later occurrence: its properties apply,
// shifted by (its DTSTART − its RECURRENCE-ID) on the wall clock.
import ICAL from 'ical.js';
import { addDuration, DAY_MS, propDuration, propTime, propValues, toMs, wallIn, type TimeContext, type ZonedTime } from './timezonesValues.js';
import { floatingTime, wallOf } from './timezonesRules.js';

export interface RecurrenceSet {
  readonly uid: string | null;
  readonly master: ICAL.Component | null;
  readonly overrides: readonly ICAL.Component[];
}

/** One instance: the component whose properties apply and the start it has in this instance. */
export interface Instance {
  readonly component: ICAL.Component;
  /** Effective DTSTART of this instance; null when the component has none (e.g. a VTODO with only DUE). */
  readonly start: ZonedTime | null;
  /** End given by an RDATE PERIOD, overriding DTEND/DURATION/DUE. */
  readonly periodEnd: number | null;
  /** Original start identifying the instance; null for a non-recurring component. */
  readonly recurrenceId: ZonedTime | null;
  /** True when start was computed (master occurrence or THISANDFUTURE), false for a component as stored. */
  readonly generated: boolean;
}

/** Instants (epoch ms) bounding the instances of interest; ±Infinity for an open side. */
export interface Window {
  readonly from: number;
  readonly to: number;
}

export interface IterationLimits {
  /** Occurrences generated per RRULE per walk before giving up (default 50 000). */
  maxSteps?: number;
}

const DEFAULT_MAX_STEPS = 50_000;
const LAST_YEAR = 2600; // no instance is generated past this year (open-ended rules, open ranges)
const LAST_WALL = wallOf(LAST_YEAR, 1, 1);

/** Components of one type grouped by UID (components without UID stand alone). */
export function recurrenceSets(vcalendar: ICAL.Component, componentName: string): RecurrenceSet[] {
  const name = componentName.toLowerCase();
  const byUid = new Map<string, { master: ICAL.Component | null; overrides: ICAL.Component[] }>();
  const out: RecurrenceSet[] = [];
  for (const comp of vcalendar.getAllSubcomponents(name)) {
    const uid = comp.getFirstPropertyValue('uid');
    const isOverride = comp.hasProperty('recurrence-id');
    if (typeof uid !== 'string') {
      out.push(isOverride ? { uid: null, master: null, overrides: [comp] } : { uid: null, master: comp, overrides: [] });
      continue;
    }
    let set = byUid.get(uid);
    if (!set) byUid.set(uid, (set = { master: null, overrides: [] }));
    if (isOverride) set.overrides.push(comp);
    else if (!set.master) set.master = comp;
    else out.push({ uid, master: comp, overrides: [] }); // a second master: invalid, evaluated on its own
  }
  for (const [uid, s] of byUid) out.push({ uid, master: s.master, overrides: s.overrides });
  return out;
}

export function isRecurringMaster(comp: ICAL.Component): boolean {
  return comp.hasProperty('rrule') || comp.hasProperty('rdate');
}

export function isRecurringSet(set: RecurrenceSet): boolean {
  return set.overrides.length > 0 || (set.master !== null && isRecurringMaster(set.master));
}

export function isThisAndFuture(override: ICAL.Component): boolean {
  const p = override.getFirstProperty('recurrence-id');
  const r = p?.getParameter('range');
  return typeof r === 'string' && r.toUpperCase() === 'THISANDFUTURE';
}

/** The instance a component is as stored (override, or non-recurring master). */
export function storedInstance(comp: ICAL.Component, ctx: TimeContext): Instance {
  const rid = propTime(comp, 'recurrence-id', ctx);
  return { component: comp, start: propTime(comp, 'dtstart', ctx) ?? rid, periodEnd: null, recurrenceId: rid, generated: false };
}

/** Longest span (ms) from a component's DTSTART to its end, due date or alarm-relevant end. */
export function spanOf(comp: ICAL.Component, start: ZonedTime | null, ctx: TimeContext): number {
  if (!start) return 0;
  const s = toMs(start);
  let span = start.isDate ? DAY_MS : 0;
  for (const name of ['dtend', 'due']) {
    const t = propTime(comp, name, ctx);
    if (t) span = Math.max(span, toMs(t) - s);
  }
  const d = propDuration(comp);
  if (d) span = Math.max(span, addDuration(start, d) - s);
  return span;
}

interface Occurrence {
  start: ZonedTime;
  ms: number;
  periodEnd: number | null;
}

/**
 * Instances of a set that may overlap the window (a superset: callers apply the exact test).
 * Overrides come first (all of them: there are few), then generated occurrences in ascending
 * order of original start, from the window's start minus the longest instance span up to its
 * end. Lazy, so a caller looking for any match stops early; bounded by limits.maxSteps per RRULE
 * and by the year 2600.
 */
export function* instancesOf(set: RecurrenceSet, ctx: TimeContext, window: Window, limits: IterationLimits = {}): Generator<Instance> {
  const stored = set.overrides.map((o) => storedInstance(o, ctx));
  yield* stored;
  const master = set.master;
  if (!master) return;
  const dtstart = propTime(master, 'dtstart', ctx);
  if (!dtstart || !isRecurringMaster(master)) {
    // A single-instance master is replaced by an override naming its start, like any occurrence.
    const startMs = dtstart && toMs(dtstart);
    if (!stored.some((o) => o.recurrenceId && toMs(o.recurrenceId) === startMs)) yield storedInstance(master, ctx);
    return;
  }

  // Overrides by the occurrence they replace; THISANDFUTURE ones in order of their RECURRENCE-ID.
  const overridden = new Set<number>();
  const overriddenDays = new Set<number>();
  const futures: Array<{ inst: Instance; ridMs: number; startMs: number }> = [];
  let lead = spanOf(master, dtstart, ctx);
  for (const inst of stored) {
    if (!inst.recurrenceId) continue;
    const ridMs = toMs(inst.recurrenceId);
    overridden.add(ridMs);
    if (inst.recurrenceId.isDate !== dtstart.isDate) overriddenDays.add(Math.floor(wallIn(dtstart.rules, ridMs) / DAY_MS));
    if (isThisAndFuture(inst.component) && inst.start) {
      const startMs = toMs(inst.start);
      futures.push({ inst, ridMs, startMs });
      lead = Math.max(lead, Math.abs(startMs - ridMs) + spanOf(inst.component, inst.start, ctx));
    }
  }
  futures.sort((a, b) => a.ridMs - b.ridMs);

  // Fixed occurrences: DTSTART (always the first instance) and RDATEs.
  const fixed: Occurrence[] = [{ start: dtstart, ms: toMs(dtstart), periodEnd: null }];
  for (const p of master.getAllProperties('rdate')) {
    for (const v of propValues(p, ctx)) {
      const ms = toMs(v.start);
      fixed.push({ start: v.start, ms, periodEnd: v.end });
      if (v.end !== null) lead = Math.max(lead, v.end - ms);
    }
  }
  fixed.sort((a, b) => a.ms - b.ms);
  lead += 2 * DAY_MS; // DST and wall/UTC slack

  const excluded = new Set<number>();
  const excludedDays = new Set<number>();
  for (const p of master.getAllProperties('exdate')) {
    for (const v of propValues(p, ctx)) {
      const ms = toMs(v.start);
      excluded.add(ms);
      if (v.start.isDate !== dtstart.isDate) excludedDays.add(Math.floor(wallIn(dtstart.rules, ms) / DAY_MS));
    }
  }

  const lo = window.from - lead;
  const hi = window.to + lead;
  const sources: Array<() => Occurrence | null> = [arraySource(fixed)];
  for (const p of master.getAllProperties('rrule')) {
    const rule = p.getFirstValue();
    if (rule instanceof ICAL.Recur) sources.push(ruleSource(rule, dtstart, ctx, lo, limits.maxSteps ?? DEFAULT_MAX_STEPS));
  }
  const heads = sources.map((s) => s());
  let last = -Infinity;
  for (;;) {
    let k = -1;
    for (let i = 0; i < heads.length; i++) if (heads[i] && (k < 0 || heads[i]!.ms < heads[k]!.ms)) k = i;
    if (k < 0) return;
    const occ = heads[k]!;
    heads[k] = sources[k]!();
    if (occ.ms > hi) return;
    if (occ.ms === last || occ.ms < lo) continue;
    last = occ.ms;
    const day = Math.floor(wallIn(dtstart.rules, occ.ms) / DAY_MS);
    if (excluded.has(occ.ms) || excludedDays.has(day)) continue;
    if (overridden.has(occ.ms) || overriddenDays.has(day)) continue;
    const future = latestBefore(futures, occ.ms);
    if (future) {
      yield shifted(future.inst, occ, future.startMs, future.ridMs);
      continue;
    }
    yield { component: master, start: occ.start, periodEnd: occ.periodEnd, recurrenceId: occ.start, generated: true };
  }
}

function latestBefore<T extends { ridMs: number }>(list: T[], ms: number): T | null {
  let found: T | null = null;
  for (const f of list) {
    if (f.ridMs < ms) found = f;
    else break;
  }
  return found;
}

/** An occurrence governed by a THISANDFUTURE override: moved by the override's own wall-clock shift. */
function shifted(future: Instance, occ: Occurrence, startMs: number, ridMs: number): Instance {
  const rules = occ.start.rules;
  const delta = occ.start.isDate
    ? Math.round((wallIn(rules, startMs) - wallIn(rules, ridMs)) / DAY_MS) * DAY_MS
    : wallIn(rules, startMs) - wallIn(rules, ridMs);
  return { component: future.component, start: { ...occ.start, wall: occ.start.wall + delta }, periodEnd: null, recurrenceId: occ.start, generated: true };
}

function arraySource(list: Occurrence[]): () => Occurrence | null {
  let i = 0;
  return () => list[i++] ?? null;
}

/** Occurrences of one RRULE, iterated on the wall clock of DTSTART's zone, fast-forwarded towards `from`. */
function ruleSource(original: ICAL.Recur, dtstart: ZonedTime, ctx: TimeContext, from: number, maxSteps: number): () => Occurrence | null {
  const rule = original.clone(); // never touch the parsed (possibly cached) component
  if (rule.until) rule.until = floatingTime(untilWall(rule.until, dtstart, ctx), dtstart.isDate);
  let startWall = dtstart.wall;
  if (Number.isFinite(from) && !rule.count) startWall = fastForward(rule, dtstart.wall, wallIn(dtstart.rules, from) - 2 * DAY_MS);
  const iterator = rule.iterator(floatingTime(startWall, dtstart.isDate));
  // RFC 5545: DTSTART counts as the first occurrence even when the rule would not produce it;
  // ical.js counts only the rule's own matches, so one fewer is allowed in that case.
  let allowed = rule.count ? rule.count : Infinity;
  let steps = 0;
  let done = false;
  return () => {
    if (done) return null;
    const t = iterator.next();
    if (!t || ++steps > maxSteps) {
      done = true;
      return null;
    }
    const wall = wallOf(t.year, t.month, t.day, t.hour, t.minute, t.second);
    if (steps === 1 && rule.count && wall !== dtstart.wall) allowed--;
    if (wall >= LAST_WALL || steps > allowed) {
      done = true;
      return null;
    }
    const start: ZonedTime = { ...dtstart, wall };
    return { start, ms: toMs(start), periodEnd: null };
  };
}

/** UNTIL as a wall time in DTSTART's zone (RFC 5545: UTC when DTSTART has a zone; lenient otherwise). */
function untilWall(until: ICAL.Time, dtstart: ZonedTime, ctx: TimeContext): number {
  const date = wallOf(until.year, until.month, until.day);
  if (until.isDate) return dtstart.isDate ? date : date + DAY_MS - 1000; // a DATE UNTIL includes its whole day
  const wall = wallOf(until.year, until.month, until.day, until.hour, until.minute, until.second);
  if (until.zone !== ICAL.Timezone.utcTimezone) return dtstart.isDate ? date : wall;
  const local = wallIn(dtstart.isDate ? ctx.floating : dtstart.rules, wall);
  return dtstart.isDate ? Math.floor(local / DAY_MS) * DAY_MS : local;
}

/**
 * A later DTSTART with the same occurrences from there on: whole multiples of the rule's period
 * (INTERVAL × FREQ) keep every BYxxx default derived from DTSTART. Only used without COUNT, and
 * not for MONTHLY from days 29–31 nor YEARLY from 29 February, where shifting would change the day.
 */
function fastForward(rule: ICAL.Recur, startWall: number, targetWall: number): number {
  if (targetWall <= startWall) return startWall;
  const interval = Math.max(1, rule.interval || 1);
  const unit: Record<string, number> = { SECONDLY: 1000, MINUTELY: 60_000, HOURLY: 3_600_000, DAILY: DAY_MS, WEEKLY: 7 * DAY_MS };
  const u = unit[rule.freq];
  if (u) {
    const periods = Math.floor((targetWall - startWall) / (u * interval)) - 1;
    return periods > 0 ? startWall + periods * u * interval : startWall;
  }
  const s = new Date(startWall);
  const t = new Date(targetWall);
  if (rule.freq === 'MONTHLY' && s.getUTCDate() <= 28) {
    const months = (t.getUTCFullYear() - s.getUTCFullYear()) * 12 + t.getUTCMonth() - s.getUTCMonth();
    const periods = Math.floor(months / interval) - 1;
    if (periods > 0) s.setUTCMonth(s.getUTCMonth() + periods * interval);
    return s.getTime();
  }
  if (rule.freq === 'YEARLY' && !(s.getUTCMonth() === 1 && s.getUTCDate() === 29)) {
    const periods = Math.floor((t.getUTCFullYear() - s.getUTCFullYear()) / interval) - 1;
    if (periods > 0) s.setUTCFullYear(s.getUTCFullYear() + periods * interval);
    return s.getTime();
  }
  return startWall;
}
