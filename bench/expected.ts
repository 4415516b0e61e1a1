/**
 * Expected answers, computed from the generator's own model of the data (not from any server's
 * code): which events a time-range query must return, which contacts an EMAIL text-match must.
 */
import type { CardModel } from './data/cards.js';
import type { TimeRange } from './data/dataset.js';
import type { EventModel } from './data/events.js';
import { weeklyInstances } from './data/recurrence.js';
import { parisToUtc } from './data/time.js';

export interface Span {
  start: number;
  end: number;
}

/**
 * The instances of an event (absolute start/end) that start before `untilUtc`: for a series, the
 * RRULE's instances minus the EXDATE and the overridden one, plus the override itself.
 */
export function eventSpans(ev: EventModel, untilUtc: number): Span[] {
  switch (ev.kind) {
    case 'allday': // floating dates, taken as UTC (RFC 4791 §9.9 without calendar-timezone)
    case 'utc':
      return [{ start: ev.start, end: ev.start + ev.durationMs }];
    case 'paris': {
      const span = (naive: number, dur: number, exact: boolean): Span => {
        const start = parisToUtc(naive);
        return { start, end: exact ? start + dur : parisToUtc(naive + dur) };
      };
      if (!ev.rule) return [span(ev.start, ev.durationMs, ev.useDuration)];
      const out = weeklyInstances(ev.start, ev.rule, parisToUtc, untilUtc)
        .filter((t) => t !== ev.exdate && t !== ev.override?.recurrenceId)
        .map((t) => span(t, ev.durationMs, false));
      if (ev.override) out.push(span(ev.override.start, ev.override.durationMs, false));
      return out;
    }
  }
}

/** RFC 4791 §9.9, VEVENT with DTEND or a positive DURATION: start < range end and end > range start. */
export function overlaps(s: Span, range: TimeRange): boolean {
  return s.start < range.end && s.end > range.start;
}

export function eventMatches(ev: EventModel, range: TimeRange): boolean {
  return eventSpans(ev, range.end).some((s) => overlaps(s, range));
}

export function expectedTimeRange(events: readonly EventModel[], range: TimeRange): Set<string> {
  return new Set(events.filter((e) => eventMatches(e, range)).map((e) => e.name));
}

/** text-match "contains" with the default collation i;unicode-casemap (ASCII data: case folding). */
export function expectedEmailMatch(cards: readonly CardModel[], text: string): Set<string> {
  const needle = text.toLowerCase();
  return new Set(cards.filter((c) => c.emails.some((e) => e.address.toLowerCase().includes(needle))).map((c) => c.name));
}
