// Recurrence in time-range queries: EXDATE, overrides moving instances in and out of range,
// THISANDFUTURE, RDATE (DATE-TIME and PERIOD), BYDAY/INTERVAL/BYSETPOS rules far from DTSTART,
// and bounded iteration for open ranges. Expected answers are worked out in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolverFor } from '../../src/caldav/timezones.js';
import { calendarObjectOverlaps } from '../../src/caldav/timeRange.js';
import { cal, loadCal, range } from '../fixtures/ical/time/load.js';

function overlaps(c: ReturnType<typeof loadCal>, start: string | null, end: string | null, kind = 'VEVENT'): boolean {
  return calendarObjectOverlaps(c, kind, range(start, end), resolverFor(c));
}

// weekly-exceptions.ics: Tuesdays 11:00–12:00 Paris (10:00–11:00Z in winter), COUNT=10 from 2 January 2024:
// 2, 9, 16 (EXDATE), 23 (moved to Thu 25 Jan 15:00–16:00Z), 30 Jan, 6 Feb (moved to Sat 3 Feb 10:00Z), 13, 20, 27 Feb, 5 Mar.
const weekly = loadCal('weekly-exceptions.ics');

test('plain instances of the weekly rule match', () => {
  assert.equal(overlaps(weekly, '2024-01-09T10:30:00Z', '2024-01-09T10:45:00Z'), true);
  assert.equal(overlaps(weekly, '2024-03-05T10:00:00Z', '2024-03-05T11:00:00Z'), true); // 10th and last
  assert.equal(overlaps(weekly, '2024-03-12T10:00:00Z', '2024-03-12T11:00:00Z'), false); // COUNT exhausted
  assert.equal(overlaps(weekly, '2024-01-02T09:00:00Z', '2024-01-02T10:00:00Z'), false); // ends before the instance
});

test('EXDATE removes the 16 January instance', () => {
  assert.equal(overlaps(weekly, '2024-01-16T09:00:00Z', '2024-01-16T12:00:00Z'), false);
});

test('an override moving its instance out of the range: 23 January no longer matches, 25 January does', () => {
  assert.equal(overlaps(weekly, '2024-01-23T09:00:00Z', '2024-01-23T12:00:00Z'), false);
  assert.equal(overlaps(weekly, '2024-01-25T15:00:00Z', '2024-01-25T15:30:00Z'), true);
});

test('an override moving its instance into the range: Saturday 3 February matches, 6 February does not', () => {
  assert.equal(overlaps(weekly, '2024-02-03T00:00:00Z', '2024-02-04T00:00:00Z'), true);
  assert.equal(overlaps(weekly, '2024-02-06T00:00:00Z', '2024-02-07T00:00:00Z'), false);
});

// thisandfuture.ics: Mondays 09:00–10:00Z, COUNT=8 from 1 January (1, 8, 15, 22, 29 Jan, 5, 12, 19 Feb);
// from 22 January on (RANGE=THISANDFUTURE) each instance is moved to 14:00–15:00Z.
const future = loadCal('thisandfuture.ics');

test('THISANDFUTURE: instances before the override keep their time', () => {
  assert.equal(overlaps(future, '2024-01-15T09:00:00Z', '2024-01-15T09:30:00Z'), true);
  assert.equal(overlaps(future, '2024-01-15T14:00:00Z', '2024-01-15T15:00:00Z'), false);
});

test('THISANDFUTURE: the override and every later instance move to 14:00Z', () => {
  assert.equal(overlaps(future, '2024-01-22T09:00:00Z', '2024-01-22T10:00:00Z'), false);
  assert.equal(overlaps(future, '2024-01-22T14:30:00Z', '2024-01-22T14:45:00Z'), true);
  assert.equal(overlaps(future, '2024-01-29T09:00:00Z', '2024-01-29T10:00:00Z'), false);
  assert.equal(overlaps(future, '2024-01-29T14:00:00Z', '2024-01-29T14:30:00Z'), true);
  assert.equal(overlaps(future, '2024-02-19T14:00:00Z', '2024-02-19T14:30:00Z'), true); // 8th instance
  assert.equal(overlaps(future, '2024-02-26T14:00:00Z', '2024-02-26T14:30:00Z'), false); // COUNT still applies
});

// rdate-period.ics: DTSTART 1 March 10:00Z, DURATION PT1H; RDATE periods 5 March 15:00Z/PT3H and
// 10 March 08:00Z–09:00Z; RDATE 20 March 10:00Z (takes the DURATION: until 11:00Z).
const rdate = loadCal('rdate-period.ics');

test('RDATE PERIOD instances have their own length, RDATE DATE-TIME ones the master’s', () => {
  assert.equal(overlaps(rdate, '2024-03-01T10:59:00Z', '2024-03-01T11:00:00Z'), true);
  assert.equal(overlaps(rdate, '2024-03-05T17:00:00Z', '2024-03-05T17:30:00Z'), true); // inside 15:00–18:00
  assert.equal(overlaps(rdate, '2024-03-05T18:00:00Z', '2024-03-05T19:00:00Z'), false);
  assert.equal(overlaps(rdate, '2024-03-10T09:00:00Z', '2024-03-10T10:00:00Z'), false); // period ended 09:00
  assert.equal(overlaps(rdate, '2024-03-20T10:30:00Z', '2024-03-20T10:45:00Z'), true);
  assert.equal(overlaps(rdate, '2024-03-20T11:00:00Z', '2024-03-20T12:00:00Z'), false);
  assert.equal(overlaps(rdate, '2024-03-02T00:00:00Z', '2024-03-05T00:00:00Z'), false);
});

test('DTSTART is always an instance even when the rule would not produce it (Tuesday start, BYDAY=MO)', () => {
  const c = cal(`BEGIN:VEVENT
UID:x
DTSTAMP:20240101T000000Z
DTSTART:20240102T100000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2
END:VEVENT`);
  // Instances: Tue 2 Jan (DTSTART) and, per RFC 5545, COUNT counts DTSTART: Mon 8 Jan.
  assert.equal(overlaps(c, '2024-01-02T10:00:00Z', '2024-01-02T10:30:00Z'), true);
  assert.equal(overlaps(c, '2024-01-08T10:00:00Z', '2024-01-08T10:30:00Z'), true);
  assert.equal(overlaps(c, '2024-01-15T10:00:00Z', '2024-01-15T10:30:00Z'), false);
});

test('a rule started years ago is evaluated correctly far from DTSTART (biweekly Tue/Thu)', () => {
  // Every other week on Tuesday and Thursday from Tue 2 Jan 2024 (week of Mon 1 Jan = week 0).
  // Mon 2 June 2025 is 518 days = 74 weeks after 1 Jan 2024: an even week, so Tue 3 and Thu 5 June are
  // instances; the week of 9 June (75) is not.
  const c = cal(`BEGIN:VEVENT
UID:biweekly
DTSTAMP:20240101T000000Z
DTSTART:20240102T100000Z
DTEND:20240102T110000Z
RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH
END:VEVENT`);
  assert.equal(overlaps(c, '2025-06-03T00:00:00Z', '2025-06-04T00:00:00Z'), true);
  assert.equal(overlaps(c, '2025-06-05T10:30:00Z', '2025-06-05T10:31:00Z'), true);
  assert.equal(overlaps(c, '2025-06-09T00:00:00Z', '2025-06-14T00:00:00Z'), false);
});

test('monthly last Friday and a leap-day yearly rule, queried years later', () => {
  const lastFriday = cal(`BEGIN:VEVENT
UID:lastfri
DTSTAMP:20200101T000000Z
DTSTART:20200131T090000Z
DURATION:PT1H
RRULE:FREQ=MONTHLY;BYDAY=-1FR
END:VEVENT`);
  // The last Friday of May 2024 is 31 May.
  assert.equal(overlaps(lastFriday, '2024-05-31T09:00:00Z', '2024-05-31T09:30:00Z'), true);
  assert.equal(overlaps(lastFriday, '2024-05-01T00:00:00Z', '2024-05-31T00:00:00Z'), false);
  const leap = cal(`BEGIN:VEVENT
UID:leap
DTSTAMP:20200101T000000Z
DTSTART;VALUE=DATE:20240229
RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29
END:VEVENT`);
  assert.equal(overlaps(leap, '2025-01-01T00:00:00Z', '2028-01-01T00:00:00Z'), false);
  assert.equal(overlaps(leap, '2028-02-29T12:00:00Z', '2028-02-29T13:00:00Z'), true);
});

test('open-ended rule against a range with no end: matches when any instance lies after start', () => {
  const c = cal(`BEGIN:VEVENT
UID:daily
DTSTAMP:20200101T000000Z
DTSTART:20200101T080000Z
DURATION:PT1H
RRULE:FREQ=DAILY
END:VEVENT`);
  assert.equal(overlaps(c, '2090-06-01T12:00:00Z', null), true);
  assert.equal(overlaps(c, null, '2020-01-01T08:00:01Z'), true);
  assert.equal(overlaps(c, null, '2020-01-01T08:00:00Z'), false);
  const ended = cal(`BEGIN:VEVENT
UID:ended
DTSTAMP:20200101T000000Z
DTSTART:20200101T080000Z
DURATION:PT1H
RRULE:FREQ=DAILY;UNTIL=20200201T080000Z
END:VEVENT`);
  assert.equal(overlaps(ended, '2020-02-01T08:30:00Z', null), true); // UNTIL is inclusive
  assert.equal(overlaps(ended, '2020-02-01T09:00:00Z', null), false);
});

test('a recurring VTODO moves DUE with each instance', () => {
  // Weekly from Mon 6 May 09:00Z, due the same day 17:00Z. Week of 13 May: DTSTART 13 May 09:00, DUE 17:00.
  const c = cal(`BEGIN:VTODO
UID:todo
DTSTAMP:20240501T000000Z
DTSTART:20240506T090000Z
DUE:20240506T170000Z
RRULE:FREQ=WEEKLY;COUNT=3
END:VTODO`);
  // Row Y N Y: ((start < DUE) OR (start <= DTSTART)) AND ((end > DTSTART) OR (end >= DUE))
  assert.equal(overlaps(c, '2024-05-13T16:00:00Z', '2024-05-13T16:30:00Z', 'VTODO'), true);
  assert.equal(overlaps(c, '2024-05-13T17:00:00Z', '2024-05-13T18:00:00Z', 'VTODO'), false);
  assert.equal(overlaps(c, '2024-05-27T00:00:00Z', '2024-05-28T00:00:00Z', 'VTODO'), false); // COUNT=3 ends 20 May
});

test('an object with only an override (no master) is evaluated by the override', () => {
  const c = cal(`BEGIN:VEVENT
UID:orphan
DTSTAMP:20240101T000000Z
RECURRENCE-ID:20240110T090000Z
DTSTART:20240111T090000Z
DTEND:20240111T100000Z
END:VEVENT`);
  assert.equal(overlaps(c, '2024-01-11T09:00:00Z', '2024-01-11T09:30:00Z'), true);
  assert.equal(overlaps(c, '2024-01-10T09:00:00Z', '2024-01-10T10:00:00Z'), false);
});

test('EXDATE as DATE against DATE-TIME occurrences removes that day (lenient), and a TZID EXDATE matches by instant', () => {
  const c = cal(`BEGIN:VEVENT
UID:ex
DTSTAMP:20240101T000000Z
DTSTART:20240101T100000Z
DURATION:PT1H
RRULE:FREQ=DAILY;COUNT=5
EXDATE;VALUE=DATE:20240102
EXDATE;TZID=Europe/Paris:20240104T110000
END:VEVENT`);
  assert.equal(overlaps(c, '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z'), false);
  assert.equal(overlaps(c, '2024-01-03T00:00:00Z', '2024-01-04T00:00:00Z'), true);
  assert.equal(overlaps(c, '2024-01-04T00:00:00Z', '2024-01-05T00:00:00Z'), false); // 11:00 Paris = 10:00Z
});

test('a non-recurring master with an override of its only instance is replaced by the override', () => {
  const c = cal(`BEGIN:VEVENT
UID:single-override
DTSTAMP:20240101T000000Z
DTSTART:20240110T090000Z
DTEND:20240110T100000Z
END:VEVENT
BEGIN:VEVENT
UID:single-override
DTSTAMP:20240101T000000Z
RECURRENCE-ID:20240110T090000Z
DTSTART:20240110T150000Z
DTEND:20240110T160000Z
END:VEVENT`);
  assert.equal(overlaps(c, '2024-01-10T09:00:00Z', '2024-01-10T10:00:00Z'), false);
  assert.equal(overlaps(c, '2024-01-10T15:00:00Z', '2024-01-10T16:00:00Z'), true);
});
