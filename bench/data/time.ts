/**
 * Wall-clock arithmetic and Europe/Paris rules, written from the EU's published rule (summer time
 * from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October, CET+1 /
 * CEST+2), independently of the server's time-zone code. "Naive" times are wall-clock times stored
 * as if they were UTC milliseconds, so day arithmetic never crosses a DST shift by accident.
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Day of the month of the last Sunday of `month` (1-12) in `year`. */
export function lastSunday(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dow = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay(); // 0 = Sunday
  return lastDay - dow;
}

/** Whether an absolute instant is in Paris summer time. */
export function parisIsDst(utcMs: number): boolean {
  const y = new Date(utcMs).getUTCFullYear();
  const start = Date.UTC(y, 2, lastSunday(y, 3), 1, 0);
  const end = Date.UTC(y, 9, lastSunday(y, 10), 1, 0);
  return utcMs >= start && utcMs < end;
}

/**
 * A Paris wall-clock time to UTC. For times in the spring gap or the autumn overlap this picks
 * the earlier offset (RFC 5545 §3.3.5); the generator never produces such times anyway.
 */
export function parisToUtc(naiveMs: number): number {
  const summer = naiveMs - 2 * HOUR;
  return parisIsDst(summer) ? summer : naiveMs - HOUR;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYYMMDDTHHMMSS` of a naive time (for TZID-qualified values). */
export function fmtLocal(naiveMs: number): string {
  const d = new Date(naiveMs);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** `YYYYMMDDTHHMMSSZ` of an absolute time. */
export function fmtUtc(utcMs: number): string {
  return `${fmtLocal(utcMs)}Z`;
}

/** `YYYYMMDD` of a naive date. */
export function fmtDate(naiveMs: number): string {
  return fmtLocal(naiveMs).slice(0, 8);
}

/** RFC 5545 DURATION of a positive whole number of minutes. */
export function fmtDuration(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h ? `${h}H` : ''}${m || !h ? `${m}M` : ''}`;
}

/** Monday = 0 ... Sunday = 6 of a naive time. */
export function weekdayMon0(naiveMs: number): number {
  return (new Date(naiveMs).getUTCDay() + 6) % 7;
}

export const BYDAY_NAMES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** The Europe/Paris VTIMEZONE as clients (Apple, Thunderbird) send it. */
export const PARIS_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];
