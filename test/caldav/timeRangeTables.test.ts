// RFC 4791 §9.9 tables, one row at a time, against the range [2024-05-10T00:00Z, 2024-05-11T00:00Z)
// (start = 10 May 00:00Z, end = 11 May 00:00Z). Each expectation is the row's condition evaluated by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { resolverFor } from '../../src/caldav/timezones.js';
import { calendarObjectOverlaps, componentOverlaps, componentPropertyInRange, propertyInRange } from '../../src/caldav/timeRange.js';
import { cal, range } from '../fixtures/ical/time/load.js';

const R = range('2024-05-10T00:00:00Z', '2024-05-11T00:00:00Z');

function check(kind: string, props: string, r = R): boolean {
  const c = cal(`BEGIN:${kind}\nUID:t\nDTSTAMP:20240101T000000Z\n${props.trim()}\nEND:${kind}`);
  const tz = resolverFor(c);
  const viaObject = calendarObjectOverlaps(c, kind, r, tz);
  const viaComponent = componentOverlaps(c.getFirstSubcomponent(kind.toLowerCase())!, r, tz);
  assert.equal(viaObject, viaComponent, 'object and single-component evaluation agree for a non-recurring component');
  return viaObject;
}

// ---- VEVENT ----
test('VEVENT with DTEND: (start < DTEND AND end > DTSTART)', () => {
  // DTEND = start: start < DTEND is false
  assert.equal(check('VEVENT', 'DTSTART:20240509T230000Z\nDTEND:20240510T000000Z'), false);
  assert.equal(check('VEVENT', 'DTSTART:20240509T230000Z\nDTEND:20240510T000001Z'), true);
  // DTSTART = end: end > DTSTART is false
  assert.equal(check('VEVENT', 'DTSTART:20240511T000000Z\nDTEND:20240511T010000Z'), false);
  // spans the whole range
  assert.equal(check('VEVENT', 'DTSTART:20240501T000000Z\nDTEND:20240601T000000Z'), true);
});

test('VEVENT with DURATION > 0: (start < DTSTART+DURATION AND end > DTSTART)', () => {
  assert.equal(check('VEVENT', 'DTSTART:20240510T233000Z\nDURATION:PT1H'), true);
  assert.equal(check('VEVENT', 'DTSTART:20240509T230000Z\nDURATION:PT1H'), false); // ends exactly at start
  assert.equal(check('VEVENT', 'DTSTART:20240509T000000Z\nDURATION:P1DT1S'), true);
});

test('VEVENT with DURATION = 0: (start <= DTSTART AND end > DTSTART)', () => {
  assert.equal(check('VEVENT', 'DTSTART:20240510T000000Z\nDURATION:PT0S'), true); // start <= DTSTART holds with equality
  assert.equal(check('VEVENT', 'DTSTART:20240511T000000Z\nDURATION:PT0S'), false);
});

test('VEVENT with DATE-TIME DTSTART only: instantaneous, (start <= DTSTART AND end > DTSTART)', () => {
  assert.equal(check('VEVENT', 'DTSTART:20240510T000000Z'), true);
  assert.equal(check('VEVENT', 'DTSTART:20240510T235959Z'), true);
  assert.equal(check('VEVENT', 'DTSTART:20240511T000000Z'), false);
  assert.equal(check('VEVENT', 'DTSTART:20240509T235959Z'), false);
});

test('VEVENT with DATE DTSTART only: one day, (start < DTSTART+P1D AND end > DTSTART)', () => {
  assert.equal(check('VEVENT', 'DTSTART;VALUE=DATE:20240509'), false); // 9 May ends at 10 May 00:00 = start
  assert.equal(check('VEVENT', 'DTSTART;VALUE=DATE:20240510'), true);
  assert.equal(check('VEVENT', 'DTSTART;VALUE=DATE:20240511'), false);
});

test('VEVENT with DTEND equal to DTSTART (invalid per RFC 4791) is read as zero-duration, not as never matching', () => {
  assert.equal(check('VEVENT', 'DTSTART:20240510T000000Z\nDTEND:20240510T000000Z'), true);
});

test('VEVENT without DTSTART never matches', () => {
  assert.equal(check('VEVENT', 'SUMMARY:broken'), false);
});

test('open ranges: only start, only end, neither', () => {
  const props = 'DTSTART:20240510T120000Z\nDTEND:20240510T130000Z';
  assert.equal(check('VEVENT', props, range('2024-05-10T12:59:59Z', null)), true);
  assert.equal(check('VEVENT', props, range('2024-05-10T13:00:00Z', null)), false);
  assert.equal(check('VEVENT', props, range(null, '2024-05-10T12:00:01Z')), true);
  assert.equal(check('VEVENT', props, range(null, '2024-05-10T12:00:00Z')), false);
  assert.equal(check('VEVENT', props, range(null, null)), true);
});

// ---- VTODO: columns DTSTART? DURATION? DUE? COMPLETED? CREATED? ----
test('VTODO row Y Y N * *: (start <= DTSTART+DURATION) AND ((end > DTSTART) OR (end >= DTSTART+DURATION))', () => {
  // DTSTART+DURATION = 10 May 00:00 = start: start <= that holds
  assert.equal(check('VTODO', 'DTSTART:20240509T220000Z\nDURATION:PT2H'), true);
  assert.equal(check('VTODO', 'DTSTART:20240508T100000Z\nDURATION:PT2H'), false);
  // zero duration exactly at end: end > DTSTART fails, end >= DTSTART+DURATION holds
  assert.equal(check('VTODO', 'DTSTART:20240511T000000Z\nDURATION:PT0S'), true);
  assert.equal(check('VTODO', 'DTSTART:20240511T000000Z\nDURATION:PT1H'), false);
});

test('VTODO row Y N Y * *: ((start < DUE) OR (start <= DTSTART)) AND ((end > DTSTART) OR (end >= DUE))', () => {
  assert.equal(check('VTODO', 'DTSTART:20240509T100000Z\nDUE:20240510T000000Z'), false);
  assert.equal(check('VTODO', 'DTSTART:20240509T100000Z\nDUE:20240510T000001Z'), true);
  assert.equal(check('VTODO', 'DTSTART:20240511T000000Z\nDUE:20240512T000000Z'), false);
  assert.equal(check('VTODO', 'DTSTART:20240510T000000Z\nDUE:20240510T000000Z'), true);
});

test('VTODO row Y N N * *: (start <= DTSTART) AND (end > DTSTART)', () => {
  assert.equal(check('VTODO', 'DTSTART:20240510T000000Z'), true);
  assert.equal(check('VTODO', 'DTSTART:20240511T000000Z'), false);
  assert.equal(check('VTODO', 'DTSTART:20240509T235959Z\nCOMPLETED:20240510T100000Z'), false); // COMPLETED is not consulted
});

test('VTODO row N N Y * *: (start < DUE) AND (end >= DUE)', () => {
  assert.equal(check('VTODO', 'DUE:20240511T000000Z'), true); // due exactly at end: end >= DUE
  assert.equal(check('VTODO', 'DUE:20240510T000000Z'), false); // due exactly at start: start < DUE fails
  assert.equal(check('VTODO', 'DUE:20240511T000001Z'), false);
});

test('VTODO row N N N Y Y: ((start <= CREATED) OR (start <= COMPLETED)) AND ((end >= CREATED) OR (end >= COMPLETED))', () => {
  assert.equal(check('VTODO', 'CREATED:20240501T000000Z\nCOMPLETED:20240510T120000Z'), true);
  assert.equal(check('VTODO', 'CREATED:20240501T000000Z\nCOMPLETED:20240505T000000Z'), false);
  assert.equal(check('VTODO', 'CREATED:20240512T000000Z\nCOMPLETED:20240513T000000Z'), false);
  assert.equal(check('VTODO', 'CREATED:20240501T000000Z\nCOMPLETED:20240520T000000Z'), true); // spans the range
});

test('VTODO row N N N Y N: (start <= COMPLETED) AND (end >= COMPLETED)', () => {
  assert.equal(check('VTODO', 'COMPLETED:20240511T000000Z'), true);
  assert.equal(check('VTODO', 'COMPLETED:20240510T000000Z'), true);
  assert.equal(check('VTODO', 'COMPLETED:20240509T000000Z'), false);
});

test('VTODO row N N N N Y: (end > CREATED)', () => {
  assert.equal(check('VTODO', 'CREATED:20240510T230000Z'), true);
  assert.equal(check('VTODO', 'CREATED:20240501T000000Z'), true);
  assert.equal(check('VTODO', 'CREATED:20240511T000000Z'), false);
});

test('VTODO row N N N N N: TRUE', () => {
  assert.equal(check('VTODO', 'SUMMARY:no dates at all'), true);
  assert.equal(check('VTODO', 'SUMMARY:no dates at all', range('2099-01-01T00:00:00Z', '2099-01-02T00:00:00Z')), true);
});

// ---- VJOURNAL ----
test('VJOURNAL: DATE-TIME (start <= DTSTART AND end > DTSTART); DATE (start < DTSTART+P1D AND end > DTSTART); none FALSE', () => {
  assert.equal(check('VJOURNAL', 'DTSTART:20240510T000000Z'), true);
  assert.equal(check('VJOURNAL', 'DTSTART:20240511T000000Z'), false);
  assert.equal(check('VJOURNAL', 'DTSTART;VALUE=DATE:20240509'), false);
  assert.equal(check('VJOURNAL', 'DTSTART;VALUE=DATE:20240510'), true);
  assert.equal(check('VJOURNAL', 'SUMMARY:no date'), false);
});

// ---- VFREEBUSY ----
test('VFREEBUSY: DTSTART+DTEND (start <= DTEND AND end > DTSTART); else FREEBUSY periods; else FALSE', () => {
  assert.equal(check('VFREEBUSY', 'DTSTART:20240509T000000Z\nDTEND:20240510T000000Z'), true); // start <= DTEND with equality
  assert.equal(check('VFREEBUSY', 'DTSTART:20240511T000000Z\nDTEND:20240512T000000Z'), false);
  assert.equal(check('VFREEBUSY', 'FREEBUSY:20240510T230000Z/PT1H'), true);
  assert.equal(check('VFREEBUSY', 'FREEBUSY:20240509T230000Z/PT1H'), false); // period ends at start
  assert.equal(check('VFREEBUSY', 'FREEBUSY;FBTYPE=FREE:20240501T000000Z/PT1H,20240510T120000Z/PT1H'), true); // any type, any value
  assert.equal(check('VFREEBUSY', 'ORGANIZER:mailto:a@example.com'), false);
});

// ---- properties ----
test('property time-range: (start <= value AND end > value); a DATE stands for its day; missing DTEND/DUE use DTSTART+DURATION', () => {
  const c = cal(`BEGIN:VTODO
UID:p
DTSTAMP:20240510T000000Z
CREATED:20240511T000000Z
DTSTART;VALUE=DATE:20240509
DURATION:P1DT6H
END:VTODO`);
  const tz = resolverFor(c);
  const todo = c.getFirstSubcomponent('vtodo')!;
  const prop = (n: string): ICAL.Property => todo.getFirstProperty(n)!;
  assert.equal(propertyInRange(prop('dtstamp'), R, tz), true); // = start
  assert.equal(propertyInRange(prop('created'), R, tz), false); // = end
  assert.equal(propertyInRange(prop('dtstart'), R, tz), false); // the day 9 May ends at start
  // effective DUE = 9 May 00:00 + P1D + PT6H = 10 May 06:00Z
  assert.equal(componentPropertyInRange(todo, 'DUE', R, tz), true);
  assert.equal(componentPropertyInRange(todo, 'DUE', range('2024-05-10T06:00:01Z', null), tz), false);
  assert.equal(componentPropertyInRange(todo, 'COMPLETED', R, tz), false);
});
