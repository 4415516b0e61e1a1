/**
 * Weekly RRULE expansion (RFC 5545 §3.3.10) for the shapes the generator writes: FREQ=WEEKLY with
 * INTERVAL, BYDAY (days of DTSTART's week and later weeks, WKST=MO), COUNT or UNTIL or neither.
 * Plain arithmetic on wall-clock times; shared by the generator (to place EXDATEs and overrides on
 * real instances) and by the expected-answer model, never by the server.
 */
import { DAY } from './time.js';

export interface WeeklyRule {
  interval: number;
  /** Monday = 0 ... Sunday = 6, ascending, non-empty; must contain DTSTART's weekday. */
  byday: number[];
  count?: number;
  /** Inclusive bound on the instance start, as an absolute time. */
  untilUtc?: number;
}

/** Hard cap on generated instances: rules here never have more than a few hundred. */
const MAX_INSTANCES = 5000;

/**
 * Naive start times of the rule's instances, in order, from DTSTART (always the first), ending at
 * COUNT/UNTIL or before the first instance whose UTC start is at or after `stopUtc`.
 */
export function weeklyInstances(dtstartNaive: number, rule: WeeklyRule, toUtc: (naive: number) => number, stopUtc: number): number[] {
  const dayStart = Math.floor(dtstartNaive / DAY) * DAY;
  const timeOfDay = dtstartNaive - dayStart;
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7;
  const monday = dayStart - weekday * DAY;
  const out: number[] = [];
  let n = 0;
  for (let w = 0; out.length < MAX_INSTANCES; w++) {
    const weekMonday = monday + w * rule.interval * 7 * DAY;
    for (const d of rule.byday) {
      const candidate = weekMonday + d * DAY + timeOfDay;
      if (candidate < dtstartNaive) continue;
      n++;
      if (rule.count !== undefined && n > rule.count) return out;
      const u = toUtc(candidate);
      if (rule.untilUtc !== undefined && u > rule.untilUtc) return out;
      if (u >= stopUtc) return out;
      out.push(candidate);
    }
  }
  return out;
}
