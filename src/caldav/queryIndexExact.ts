// Exact VEVENT instance spans for the calendar-query index: with them, the common client query
// (VCALENDAR > VEVENT > time-range, nothing else) is answered without parsing the object.
//
// The spans are computed by the very code matchesFilter uses (instancesOf + the §9.9 VEVENT
// table), under a floating zone that throws when read: an object whose instances depend on the
// query's zone in any way (floating or DATE values, unresolvable TZIDs) gets no exact spans.
import ICAL from 'ical.js';
import { instancesOf, isThisAndFuture, recurrenceSets } from './recurrence.js';
import type { Instance } from './recurrence.js';
import { movedEnd } from './timeRangeTables.js';
import type { TimezoneResolver, ZoneRules } from './timezones.js';
import { addDuration, propDuration, toMs, type TimeContext } from './timezonesValues.js';

/** Generated occurrences listed per object; later ones are covered by the horizon. */
export const MAX_EXACT_INSTANCES = 100;
/** Stands for ±Infinity (JSON has no Infinity); as a horizon: no instance starts at or after it. */
export const FAR = 1e300;
/** Iteration steps matchesFilter allows per RRULE (recurrence.ts DEFAULT_MAX_STEPS), with room to spare. */
const STEP_BUDGET = 40_000;
/** Rule parts that can give several occurrences a day (so exclusions could eat the step budget). */
const SUB_DAILY = ['BYHOUR', 'BYMINUTE', 'BYSECOND'];
const DAILY_OR_LONGER = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);

/**
 * [horizon, S1, E1, S2, E2, ...]: every VEVENT instance starting before `horizon` (FAR: every
 * instance) is listed as its start S and table end E (E = S: judged as an instant, start <= S < end).
 */
export type ExactSpans = number[];

class FloatingUsed extends Error {}
const THROWING_RULES = new Proxy({} as ZoneRules, {
  get() {
    throw new FloatingUsed();
  },
});

/** [S, E] per the VEVENT table (timeRangeTables.ts veventOverlaps): E > S an interval, else an instant. */
function veventSpan(inst: Instance, ctx: TimeContext): [number, number] | null {
  const s = inst.start;
  if (!s) return null;
  const S = toMs(s);
  let end = inst.periodEnd ?? movedEnd(inst, 'dtend', ctx);
  if (end === null) {
    const dur = propDuration(inst.component);
    if (dur) end = addDuration(s, dur);
    else if (s.isDate) return null; // a DATE is floating: never reached (the zone would throw first)
    else end = S;
  }
  return [S, end > S ? end : S];
}

/** Can matchesFilter's walk of this master hit its step limit before our listing ends? Then no exact spans. */
function walkMayTruncate(master: ICAL.Component, overrides: number): boolean {
  const rules = master.getAllProperties('rrule');
  if (rules.length > 1) return true;
  let skippable = overrides + 1;
  for (const name of ['exdate', 'rdate']) for (const p of master.getAllProperties(name)) skippable += p.getValues().length;
  if (skippable + MAX_EXACT_INSTANCES + 1 > STEP_BUDGET) return true;
  const rule = rules[0]?.getFirstValue();
  if (rule === undefined) return false;
  if (!(rule instanceof ICAL.Recur) || !DAILY_OR_LONGER.has(rule.freq)) return true;
  // At most one occurrence a day: each step is a yielded instance or one skipped by a listed value.
  return SUB_DAILY.some((k) => (rule.parts as Record<string, unknown>)[k] !== undefined);
}

/** Exact spans of the object's VEVENT instances, or null when they depend on the floating zone or cannot be bounded. */
export function exactEventSpans(vcalendar: ICAL.Component, tz: TimezoneResolver): ExactSpans | null {
  const ctx: TimeContext = { tz, floating: THROWING_RULES };
  const out: ExactSpans = [FAR];
  try {
    for (const set of recurrenceSets(vcalendar, 'vevent')) {
      if (set.overrides.some(isThisAndFuture)) return null; // moved occurrences break the start order the horizon needs
      if (set.master && walkMayTruncate(set.master, set.overrides.length)) return null;
      let generated = 0;
      for (const inst of instancesOf(set, ctx, { from: -Infinity, to: Infinity })) {
        if (inst.generated && ++generated > MAX_EXACT_INSTANCES) {
          // Generated instances come in ascending start order: every later one starts here or after.
          out[0] = Math.min(out[0]!, toMs(inst.start!));
          break;
        }
        const span = veventSpan(inst, ctx);
        if (span) out.push(span[0], span[1]);
      }
    }
  } catch (err) {
    if (err instanceof FloatingUsed) return null;
    throw err;
  }
  return out;
}

/** Does some listed instance overlap [rs, re)? false only when none can (the range ends by the horizon). */
export function decideSpans(spans: ExactSpans, rs: number, re: number): boolean | undefined {
  for (let i = 1; i < spans.length; i += 2) {
    const S = spans[i]!;
    const E = spans[i + 1]!;
    if (E > S ? rs < E && re > S : rs <= S && re > S) return true;
  }
  return re <= spans[0]! ? false : undefined;
}

export function isExactSpans(x: unknown): x is ExactSpans {
  return Array.isArray(x) && x.length % 2 === 1 && x.every((n) => typeof n === 'number' && Number.isFinite(n));
}
