// Time-range answers that depend on the zone: DST shifts (VTIMEZONE, IANA name, a VTIMEZONE whose
// rules differ from IANA), all-day dates, floating times, and a TZID that resolves to nothing.
// Expected instants are worked out by hand from the zone rules in each comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolverFor } from '../../src/caldav/timezones.js';
import { calendarObjectOverlaps } from '../../src/caldav/timeRange.js';
import { loadCal, range } from '../fixtures/ical/time/load.js';

function overlaps(file: string, start: string | null, end: string | null, floatingZone?: string): boolean {
  const c = loadCal(file);
  return calendarObjectOverlaps(c, 'VEVENT', range(start, end), resolverFor(c, floatingZone ? { floatingZone } : {}));
}

// Weekly Monday 09:00–10:00 Europe/Paris from 2024-03-18. Paris: CET (+01:00) until
// 2024-03-31 01:00Z, CEST (+02:00) until 2024-10-27 01:00Z, then CET again.
// So 25 March = 08:00–09:00Z, 1 April = 07:00–08:00Z, 21 October = 07:00–08:00Z, 28 October = 08:00–09:00Z.
for (const file of ['paris-weekly.ics', 'paris-weekly-iana.ics']) {
  test(`${file}: before the March change the meeting is 08:00Z`, () => {
    assert.equal(overlaps(file, '2024-03-25T08:00:00Z', '2024-03-25T08:30:00Z'), true);
    assert.equal(overlaps(file, '2024-03-25T07:00:00Z', '2024-03-25T08:00:00Z'), false);
  });
  test(`${file}: after the March change the meeting is 07:00Z, so 08:00–09:00Z misses it`, () => {
    assert.equal(overlaps(file, '2024-04-01T08:00:00Z', '2024-04-01T09:00:00Z'), false);
    assert.equal(overlaps(file, '2024-04-01T07:30:00Z', '2024-04-01T07:45:00Z'), true);
  });
  test(`${file}: after the October change it is 08:00Z again`, () => {
    assert.equal(overlaps(file, '2024-10-21T07:00:00Z', '2024-10-21T08:00:00Z'), true);
    assert.equal(overlaps(file, '2024-10-28T07:00:00Z', '2024-10-28T08:00:00Z'), false);
    assert.equal(overlaps(file, '2024-10-28T08:59:00Z', '2024-10-28T09:30:00Z'), true);
  });
}

test('a VTIMEZONE whose rules differ from IANA wins: summer time from the first Sunday of April (7 April 2024)', () => {
  // By this VTIMEZONE, 1 April 2024 is still +01:00, so the meeting is 08:00–09:00Z (IANA would say 07:00Z).
  assert.equal(overlaps('paris-custom-vtimezone.ics', '2024-04-01T08:00:00Z', '2024-04-01T08:30:00Z'), true);
  assert.equal(overlaps('paris-custom-vtimezone.ics', '2024-04-01T07:00:00Z', '2024-04-01T08:00:00Z'), false);
  // 8 April is after its change: 07:00Z.
  assert.equal(overlaps('paris-custom-vtimezone.ics', '2024-04-08T07:00:00Z', '2024-04-08T07:30:00Z'), true);
});

// Daily 08:30 New York, 30 min, COUNT=5 from 8 March 2024. EST (-05:00) until 2024-03-10 07:00Z, then EDT (-04:00).
test('New York March change (VTIMEZONE): 13:30Z on 9 March, 12:30Z from 10 March, nothing after the 5th instance', () => {
  assert.equal(overlaps('newyork-march.ics', '2024-03-09T13:30:00Z', '2024-03-09T13:45:00Z'), true);
  assert.equal(overlaps('newyork-march.ics', '2024-03-10T13:30:00Z', '2024-03-10T14:00:00Z'), false);
  assert.equal(overlaps('newyork-march.ics', '2024-03-10T12:30:00Z', '2024-03-10T12:31:00Z'), true);
  assert.equal(overlaps('newyork-march.ics', '2024-03-12T12:45:00Z', '2024-03-12T13:00:00Z'), true);
  assert.equal(overlaps('newyork-march.ics', '2024-03-13T12:30:00Z', '2024-03-13T13:00:00Z'), false);
});

// Daily 08:30 New York from 1 November 2024, UNTIL=20241104T133000Z. EDT until 2024-11-03 06:00Z, then EST.
test('New York November change (IANA name): 12:30Z until 2 November, 13:30Z from 3 November, UNTIL inclusive', () => {
  assert.equal(overlaps('newyork-november.ics', '2024-11-02T12:30:00Z', '2024-11-02T12:31:00Z'), true);
  assert.equal(overlaps('newyork-november.ics', '2024-11-03T12:30:00Z', '2024-11-03T13:00:00Z'), false);
  assert.equal(overlaps('newyork-november.ics', '2024-11-03T13:30:00Z', '2024-11-03T13:31:00Z'), true);
  assert.equal(overlaps('newyork-november.ics', '2024-11-04T13:30:00Z', '2024-11-04T13:31:00Z'), true); // = UNTIL
  assert.equal(overlaps('newyork-november.ics', '2024-11-05T13:00:00Z', '2024-11-05T14:00:00Z'), false);
});

// All-day 10–12 March (DTEND 13 March exclusive); DATE values are read in the floating zone.
test('multi-day all-day event in UTC: covers 10 March 00:00Z to 13 March 00:00Z', () => {
  assert.equal(overlaps('allday.ics', '2024-03-12T23:00:00Z', '2024-03-13T00:00:00Z'), true);
  assert.equal(overlaps('allday.ics', '2024-03-13T00:00:00Z', '2024-03-14T00:00:00Z'), false);
  assert.equal(overlaps('allday.ics', '2024-03-09T00:00:00Z', '2024-03-10T00:00:00Z'), false);
  assert.equal(overlaps('allday.ics', '2024-03-09T23:59:59Z', '2024-03-10T00:00:01Z'), true);
});

test('multi-day all-day event read in Europe/Paris: 9 March 23:00Z to 12 March 23:00Z', () => {
  assert.equal(overlaps('allday.ics', '2024-03-12T23:00:00Z', '2024-03-13T00:00:00Z', 'Europe/Paris'), false);
  assert.equal(overlaps('allday.ics', '2024-03-09T23:00:00Z', '2024-03-09T23:30:00Z', 'Europe/Paris'), true);
});

test('yearly all-day event matches a later year with a one-day span', () => {
  assert.equal(overlaps('allday-yearly.ics', '2031-01-01T12:00:00Z', '2031-01-01T13:00:00Z'), true);
  assert.equal(overlaps('allday-yearly.ics', '2031-01-02T00:00:00Z', '2031-12-31T00:00:00Z'), false);
});

// Floating 12:00–13:00 on 15 June: UTC by default, or the calendar's zone when given.
test('floating times are read in UTC by default and in the floating zone when set', () => {
  assert.equal(overlaps('floating.ics', '2024-06-15T12:00:00Z', '2024-06-15T12:30:00Z'), true);
  assert.equal(overlaps('floating.ics', '2024-06-15T16:00:00Z', '2024-06-15T16:30:00Z'), false);
  // New York in June is -04:00: 16:00–17:00Z.
  assert.equal(overlaps('floating.ics', '2024-06-15T16:00:00Z', '2024-06-15T16:30:00Z', 'America/New_York'), true);
  assert.equal(overlaps('floating.ics', '2024-06-15T12:00:00Z', '2024-06-15T13:00:00Z', 'America/New_York'), false);
});

test('an unresolvable TZID is read as floating, not silently as UTC when a zone is set', () => {
  // 10:00–11:00 "Mars/Olympus_Mons": with a Paris floating zone (+02:00 in June) that is 08:00–09:00Z.
  assert.equal(overlaps('unknown-tzid.ics', '2024-06-15T08:00:00Z', '2024-06-15T08:30:00Z', 'Europe/Paris'), true);
  assert.equal(overlaps('unknown-tzid.ics', '2024-06-15T10:00:00Z', '2024-06-15T11:00:00Z', 'Europe/Paris'), false);
  // Without any floating zone, floating means UTC (RFC 4791 §9.9 fallback).
  assert.equal(overlaps('unknown-tzid.ics', '2024-06-15T10:00:00Z', '2024-06-15T10:30:00Z'), true);
});
