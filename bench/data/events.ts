/**
 * Calendar events: the model the generator draws, and its iCalendar text. Realistic shapes:
 * Europe/Paris with its VTIMEZONE, all-day events, a few UTC events, alarms, attendees, and ~10 %
 * weekly recurring series with one EXDATE and one moved (overridden) instance.
 */
import type { Prng } from '../prng.js';
import { folded } from './fold.js';
import { weeklyInstances, type WeeklyRule } from './recurrence.js';
import { BYDAY_NAMES, DAY, fmtDate, fmtDuration, fmtLocal, fmtUtc, HOUR, MINUTE, PARIS_VTIMEZONE, parisToUtc, weekdayMon0 } from './time.js';
import { COMPANIES, FIRST_NAMES, LAST_NAMES, LOCATIONS, SENTENCES, SUMMARIES, asciiFold } from './words.js';

export type EventKind = 'paris' | 'allday' | 'utc';

export interface EventOverride {
  /** Naive (Paris wall-clock) start of the instance it replaces. */
  recurrenceId: number;
  /** Naive (Paris) start and duration of the moved instance. */
  start: number;
  durationMs: number;
}

export interface EventModel {
  name: string;
  uid: string;
  kind: EventKind;
  /** Naive start for 'paris' and 'allday' (midnight), absolute for 'utc'. */
  start: number;
  /** Length: for 'allday' a whole number of days. */
  durationMs: number;
  /** DURATION instead of DTEND. */
  useDuration: boolean;
  rule?: WeeklyRule;
  /** Naive start of the excluded instance. */
  exdate?: number;
  override?: EventOverride;
  alarm: boolean;
  summary: string;
  location: string;
  description: string;
  attendees: string[];
}

const SPAN_START = Date.UTC(2025, 0, 1);
const SPAN_DAYS = 730; // two years: 2025 and 2026
export const CAL_SPAN = { start: SPAN_START, end: SPAN_START + SPAN_DAYS * DAY };

function drawRule(r: Prng, start: number): WeeklyRule {
  const weekday = weekdayMon0(start);
  const interval = r.chance(0.15) ? 2 : 1;
  let byday = [weekday];
  if (interval === 1 && r.chance(0.25)) byday = [weekday, weekday <= 4 ? weekday + 2 : weekday - 2].sort((a, b) => a - b);
  const rule: WeeklyRule = { interval, byday };
  const shape = r.next();
  if (shape < 0.1) return rule; // no end
  if (shape < 0.35) {
    // UNTIL on the k-th instance (synchronised) or at the end of that day (as most clients write it).
    const k = r.int(8, 60);
    const firstK = weeklyInstances(start, { ...rule, count: k }, parisToUtc, Number.MAX_SAFE_INTEGER);
    const last = parisToUtc(firstK[firstK.length - 1]!);
    rule.untilUtc = r.chance(0.5) ? last : Math.floor(last / DAY) * DAY + DAY - 1000; // ...T235959Z of that day
    return rule;
  }
  rule.count = r.int(8, 60);
  return rule;
}

export function drawEvent(r: Prng): EventModel {
  const uid = r.uuid().toUpperCase();
  const ev: EventModel = {
    name: `${uid}.ics`,
    uid,
    kind: 'paris',
    start: 0,
    durationMs: HOUR,
    useDuration: false,
    alarm: r.chance(0.3),
    summary: r.pick(SUMMARIES),
    location: r.pick(LOCATIONS),
    description: Array.from({ length: r.int(1, 3) }, () => r.pick(SENTENCES)).join(' '),
    attendees: [],
  };
  for (let i = r.int(0, 3); i > 0; i--) {
    const first = r.pick(FIRST_NAMES);
    const last = r.pick(LAST_NAMES);
    ev.attendees.push(`${first} ${last}:${asciiFold(first)}.${asciiFold(last)}@${r.pick(COMPANIES).domain}`);
  }
  const kindDraw = r.next();
  const day = SPAN_START + r.int(0, SPAN_DAYS - 1) * DAY;
  if (kindDraw < 0.1) {
    // Weekly series: starts in the first ~21 months so most of it lies inside the span.
    ev.start = SPAN_START + r.int(5, 640) * DAY + r.int(8, 18) * HOUR + r.pick([0, 30]) * MINUTE;
    ev.durationMs = r.pick([30, 45, 60, 90]) * MINUTE;
    const rule = drawRule(r, ev.start);
    ev.rule = rule;
    const first = weeklyInstances(ev.start, { ...rule, count: Math.min(rule.count ?? 6, 6) }, parisToUtc, Number.MAX_SAFE_INTEGER);
    ev.exdate = first[2]!;
    const shift = r.pick([DAY, -DAY + 2 * HOUR, 3 * HOUR, 2 * DAY]);
    ev.override = { recurrenceId: first[4]!, start: first[4]! + shift, durationMs: ev.durationMs + r.pick([0, 30 * MINUTE]) };
  } else if (kindDraw < 0.22) {
    ev.kind = 'allday';
    ev.start = day;
    ev.durationMs = r.pick([1, 1, 1, 2, 3]) * DAY;
  } else if (kindDraw < 0.25) {
    ev.kind = 'utc';
    ev.start = day + r.int(6, 20) * HOUR + r.pick([0, 15, 30, 45]) * MINUTE;
    ev.durationMs = r.pick([30, 60, 120]) * MINUTE;
  } else {
    ev.start = day + r.int(8, 19) * HOUR + r.pick([0, 30]) * MINUTE;
    ev.durationMs = r.pick([15, 30, 45, 60, 60, 90, 120]) * MINUTE;
    ev.useDuration = r.chance(0.15);
  }
  return ev;
}

function ruleText(rule: WeeklyRule): string {
  const parts = ['FREQ=WEEKLY'];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.untilUtc !== undefined) parts.push(`UNTIL=${fmtUtc(rule.untilUtc)}`);
  if (rule.byday.length > 1) parts.push(`BYDAY=${rule.byday.map((d) => BYDAY_NAMES[d]).join(',')}`);
  return parts.join(';');
}

function commonLines(ev: EventModel, rev: number): string[] {
  const lines = [
    `UID:${ev.uid}`,
    'DTSTAMP:20250101T090000Z',
    'CREATED:20250101T090000Z',
    `LAST-MODIFIED:${rev ? `2027010${Math.min(rev, 9)}T090000Z` : '20250101T090000Z'}`,
    `SEQUENCE:${rev}`,
    `SUMMARY:${ev.summary}${rev ? ` (rev ${rev})` : ''}`,
    `DESCRIPTION:${ev.description}`,
    'STATUS:CONFIRMED',
  ];
  if (ev.location) lines.push(`LOCATION:${ev.location}`);
  if (ev.attendees.length) {
    lines.push('ORGANIZER;CN=Bench User:mailto:bench@kalends.example');
    for (const a of ev.attendees) {
      const [cn, mail] = a.split(':') as [string, string];
      lines.push(`ATTENDEE;CN=${cn};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${mail}`);
    }
  }
  return lines;
}

function timeLines(ev: EventModel): string[] {
  switch (ev.kind) {
    case 'allday':
      return [`DTSTART;VALUE=DATE:${fmtDate(ev.start)}`, `DTEND;VALUE=DATE:${fmtDate(ev.start + ev.durationMs)}`, 'TRANSP:TRANSPARENT'];
    case 'utc':
      return [`DTSTART:${fmtUtc(ev.start)}`, `DTEND:${fmtUtc(ev.start + ev.durationMs)}`];
    case 'paris':
      return [
        `DTSTART;TZID=Europe/Paris:${fmtLocal(ev.start)}`,
        ev.useDuration ? `DURATION:${fmtDuration(ev.durationMs)}` : `DTEND;TZID=Europe/Paris:${fmtLocal(ev.start + ev.durationMs)}`,
      ];
  }
}

const ALARM = ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', 'TRIGGER:-PT15M', 'END:VALARM'];

/** The iCalendar text of an event; `rev` > 0 gives the n-th edited version (same UID). */
export function eventText(ev: EventModel, rev = 0): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kalends//bench 1.0//EN', 'CALSCALE:GREGORIAN'];
  if (ev.kind === 'paris') lines.push(...PARIS_VTIMEZONE);
  lines.push('BEGIN:VEVENT', ...commonLines(ev, rev), ...timeLines(ev));
  if (ev.rule) {
    lines.push(`RRULE:${ruleText(ev.rule)}`);
    if (ev.exdate !== undefined) lines.push(`EXDATE;TZID=Europe/Paris:${fmtLocal(ev.exdate)}`);
  }
  if (ev.alarm) lines.push(...ALARM);
  lines.push('END:VEVENT');
  if (ev.override) {
    const o = ev.override;
    lines.push(
      'BEGIN:VEVENT',
      `UID:${ev.uid}`,
      'DTSTAMP:20250101T090000Z',
      `RECURRENCE-ID;TZID=Europe/Paris:${fmtLocal(o.recurrenceId)}`,
      `DTSTART;TZID=Europe/Paris:${fmtLocal(o.start)}`,
      `DTEND;TZID=Europe/Paris:${fmtLocal(o.start + o.durationMs)}`,
      'SEQUENCE:1',
      `SUMMARY:${ev.summary} (moved)`,
      ...(ev.location ? [`LOCATION:${ev.location}`] : []),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return folded(lines);
}
