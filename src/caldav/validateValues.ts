import ICAL from 'ical.js';

/**
 * Value-level checks ical.js does not make: it turns `DTSTART:2020-01-01` into the garbage
 * date-time "2020--0-1-T1::" instead of failing, and leaves durations unchecked.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z?)$/;
const DURATION_RE = /^[+-]?P(?:\d+W|(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

export function isValidDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  return !!m && validDate(+m[1]!, +m[2]!, +m[3]!);
}

export function isValidDateTime(s: string): boolean {
  const m = DATE_TIME_RE.exec(s);
  if (!m) return false;
  // Second 60 is a leap second (RFC 5545 §3.3.12).
  return validDate(+m[1]!, +m[2]!, +m[3]!) && +m[4]! <= 23 && +m[5]! <= 59 && +m[6]! <= 60;
}

export function isValidDuration(s: string): boolean {
  return DURATION_RE.test(s);
}

function checkValue(type: string, v: unknown): boolean {
  switch (type) {
    case 'date':
      return typeof v === 'string' && isValidDate(v);
    case 'date-time':
      return typeof v === 'string' && isValidDateTime(v);
    case 'duration':
      return typeof v === 'string' && isValidDuration(v);
    case 'period': {
      if (!Array.isArray(v) || v.length !== 2) return false;
      const [start, end] = v as unknown[];
      return typeof start === 'string' && isValidDateTime(start) && typeof end === 'string' && (isValidDateTime(end) || isValidDuration(end));
    }
    case 'recur': {
      const until = (v as { until?: unknown } | null)?.until;
      return until === undefined || (typeof until === 'string' && (isValidDate(until) || isValidDateTime(until)));
    }
    default:
      return true;
  }
}

/** First malformed DATE/DATE-TIME/DURATION/PERIOD/RRULE UNTIL value, as a message; undefined if none. */
export function checkPropertyValues(comp: ICAL.Component): string | undefined {
  const jcal = comp.jCal as unknown[];
  const props = (jcal[1] ?? []) as unknown[][];
  for (const p of props) {
    const [name, , type, ...values] = p as [string, unknown, string, ...unknown[]];
    for (const v of values) {
      if (!checkValue(type, v)) {
        return `${comp.name.toUpperCase()}: ${name.toUpperCase()} has an invalid ${type.toUpperCase()} value ${JSON.stringify(v)}`;
      }
    }
  }
  for (const sub of comp.getAllSubcomponents()) {
    const problem = checkPropertyValues(sub);
    if (problem) return problem;
  }
  return undefined;
}
