// VALARM time-range (RFC 4791 §9.9): (start <= trigger-time) AND (end > trigger-time), for every
// trigger (REPEAT) of every instance. Trigger times are worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolverFor } from '../../src/caldav/timezones.js';
import { alarmOverlaps, componentOverlaps } from '../../src/caldav/timeRange.js';
import { cal, loadCal, range } from '../fixtures/ical/time/load.js';

// alarm-end-repeat.ics: event 10:00–11:00Z on 10 April; TRIGGER;RELATED=END:-PT10M, REPEAT:2, DURATION:PT5M
// => triggers at 10:50Z, 10:55Z and 11:00Z.
const endRepeat = loadCal('alarm-end-repeat.ics');
const endTz = resolverFor(endRepeat);

test('alarm relative to END with repeats: 10:50Z, 10:55Z, 11:00Z', () => {
  const at = (s: string, e: string): boolean => alarmOverlaps(endRepeat, 'VEVENT', range(s, e), endTz);
  assert.equal(at('2024-04-10T10:50:00Z', '2024-04-10T10:51:00Z'), true);
  assert.equal(at('2024-04-10T10:51:00Z', '2024-04-10T10:55:00Z'), false); // end > trigger fails at 10:55
  assert.equal(at('2024-04-10T10:55:00Z', '2024-04-10T10:55:01Z'), true);
  assert.equal(at('2024-04-10T10:56:00Z', '2024-04-10T11:00:00Z'), false);
  assert.equal(at('2024-04-10T11:00:00Z', '2024-04-10T11:01:00Z'), true); // the second repeat
  assert.equal(at('2024-04-10T11:00:01Z', '2024-04-10T12:00:00Z'), false);
});

test('componentOverlaps on a VALARM evaluates its triggers against its parent', () => {
  const alarm = endRepeat.getFirstSubcomponent('vevent')!.getFirstSubcomponent('valarm')!;
  assert.equal(componentOverlaps(alarm, range('2024-04-10T10:55:00Z', '2024-04-10T10:56:00Z'), endTz), true);
  assert.equal(componentOverlaps(alarm, range('2024-04-10T10:00:00Z', '2024-04-10T10:50:00Z'), endTz), false);
});

// alarm-recurring.ics: daily 09:00 Paris, COUNT=5 from 29 March 2024, TRIGGER:-PT15M.
// 29, 30 March are CET (08:00Z, alarm 07:45Z); from 31 March CEST (07:00Z, alarm 06:45Z).
// The 31 March instance is overridden with an absolute alarm at 2024-03-30T20:00Z instead.
const recurring = loadCal('alarm-recurring.ics');
const recTz = resolverFor(recurring);
const rec = (s: string | null, e: string | null): boolean => alarmOverlaps(recurring, 'VEVENT', range(s, e), recTz);

test('alarms of a recurring event follow each instance across the DST change', () => {
  assert.equal(rec('2024-03-30T07:45:00Z', '2024-03-30T07:46:00Z'), true);
  assert.equal(rec('2024-04-01T06:45:00Z', '2024-04-01T06:46:00Z'), true);
  assert.equal(rec('2024-04-01T07:45:00Z', '2024-04-01T07:46:00Z'), false);
  assert.equal(rec('2024-04-03T00:00:00Z', '2024-04-10T00:00:00Z'), false); // after the 5th instance
});

test('an overridden instance uses the override’s alarms (absolute trigger), not the master’s', () => {
  assert.equal(rec('2024-03-31T06:45:00Z', '2024-03-31T06:46:00Z'), false);
  assert.equal(rec('2024-03-30T20:00:00Z', '2024-03-30T20:00:01Z'), true);
});

test('an event without alarms never matches an alarm time-range', () => {
  const c = cal(`BEGIN:VEVENT
UID:noalarm
DTSTAMP:20240101T000000Z
DTSTART:20240101T100000Z
RRULE:FREQ=DAILY
END:VEVENT`);
  assert.equal(alarmOverlaps(c, 'VEVENT', range('2024-01-01T00:00:00Z', null), resolverFor(c)), false);
});

test('VTODO alarm relative to END uses DUE; on an all-day event relative to START it is before midnight', () => {
  const c = cal(`BEGIN:VTODO
UID:todo-alarm
DTSTAMP:20240101T000000Z
DUE:20240501T170000Z
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Due soon
TRIGGER;RELATED=END:-PT1H
END:VALARM
END:VTODO`);
  // DUE 17:00Z - 1 h = 16:00Z
  assert.equal(alarmOverlaps(c, 'VTODO', range('2024-05-01T16:00:00Z', '2024-05-01T16:01:00Z'), resolverFor(c)), true);
  assert.equal(alarmOverlaps(c, 'VTODO', range('2024-05-01T16:01:00Z', '2024-05-01T18:00:00Z'), resolverFor(c)), false);
  const allDay = cal(`BEGIN:VEVENT
UID:allday-alarm
DTSTAMP:20240101T000000Z
DTSTART;VALUE=DATE:20240501
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Tomorrow
TRIGGER:-PT6H
END:VALARM
END:VEVENT`);
  // 1 May 00:00 (floating, UTC here) - 6 h = 30 April 18:00Z
  assert.equal(alarmOverlaps(allDay, 'VEVENT', range('2024-04-30T18:00:00Z', '2024-04-30T18:01:00Z'), resolverFor(allDay)), true);
});
