// CALDAV:expand and CALDAV:limit-recurrence-set. Expected components written out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { resolverFor } from '../../src/caldav/timezones.js';
import { expandCalendar, limitRecurrenceSet } from '../../src/caldav/expand.js';
import { cal, fixtureText, loadCal, utc } from '../fixtures/ical/time/load.js';

/** One line per component: its SUMMARY, DTSTART, DTEND/DURATION and RECURRENCE-ID as iCalendar text. */
function summarize(c: ICAL.Component): string[] {
  return c.getAllSubcomponents().map((s) =>
    ['summary', 'dtstart', 'dtend', 'duration', 'due', 'recurrence-id']
      .map((n) => s.getFirstProperty(n))
      .filter((p): p is ICAL.Property => p !== null)
      .map((p) => (p.name === 'summary' ? String(p.getFirstValue()) : p.toICALString()))
      .join(' | '),
  );
}

function expand(file: string, start: string, end: string, floatingZone?: string): ICAL.Component {
  const c = loadCal(file);
  return expandCalendar(c, { start: utc(start), end: utc(end) }, resolverFor(c, floatingZone ? { floatingZone } : {}));
}

test('expand: overrides moved in and out, EXDATE gone, everything in UTC with RECURRENCE-ID', () => {
  const out = expand('weekly-exceptions.ics', '2024-01-20T00:00:00Z', '2024-02-10T00:00:00Z');
  assert.deepEqual(summarize(out), [
    'Review moved out: to Thursday afternoon | DTSTART:20240125T150000Z | DTEND:20240125T160000Z | RECURRENCE-ID:20240123T100000Z',
    'Tuesday 11:00 Paris review | DTSTART:20240130T100000Z | DTEND:20240130T110000Z | RECURRENCE-ID:20240130T100000Z',
    'Review moved in: to the Saturday before | DTSTART:20240203T100000Z | DTEND:20240203T110000Z | RECURRENCE-ID:20240206T100000Z',
  ]);
  const text = out.toString();
  assert.doesNotMatch(text, /VTIMEZONE|TZID|RRULE|EXDATE|RDATE/);
  assert.equal(out.getFirstPropertyValue('prodid'), '-//Kalends//time fixtures//EN');
});

test('expand: the whole set over January–February (EXDATE 16 Jan removed, COUNT=10 respected)', () => {
  const out = expand('weekly-exceptions.ics', '2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z');
  assert.deepEqual(
    out.getAllSubcomponents().map((s) => s.getFirstProperty('dtstart')!.toICALString()),
    ['20240102', '20240109', '20240125T15', '20240130', '20240203', '20240213', '20240220', '20240227'].map(
      (d) => `DTSTART:${d.length === 8 ? d + 'T100000Z' : d + '0000Z'}`,
    ),
  );
});

test('expand: an instance moved out of the range leaves nothing behind', () => {
  const out = expand('weekly-exceptions.ics', '2024-02-05T00:00:00Z', '2024-02-08T00:00:00Z');
  assert.equal(out.getAllSubcomponents().length, 0);
});

test('expand across the DST change: 08:00Z in March, 07:00Z in April', () => {
  for (const file of ['paris-weekly.ics', 'paris-weekly-iana.ics']) {
    assert.deepEqual(summarize(expand(file, '2024-03-20T00:00:00Z', '2024-04-05T00:00:00Z')).map((l) => l.replace(/^[^|]*\| /, '')), [
      'DTSTART:20240325T080000Z | DTEND:20240325T090000Z | RECURRENCE-ID:20240325T080000Z',
      'DTSTART:20240401T070000Z | DTEND:20240401T080000Z | RECURRENCE-ID:20240401T070000Z',
    ]);
  }
});

test('expand THISANDFUTURE: later instances take the override’s time and properties, RECURRENCE-ID stays original', () => {
  assert.deepEqual(summarize(expand('thisandfuture.ics', '2024-01-15T00:00:00Z', '2024-02-06T00:00:00Z')), [
    'Monday sync | DTSTART:20240115T090000Z | DTEND:20240115T100000Z | RECURRENCE-ID:20240115T090000Z',
    'Monday sync (afternoons from 22 January on) | DTSTART:20240122T140000Z | DTEND:20240122T150000Z | RECURRENCE-ID:20240122T090000Z',
    'Monday sync (afternoons from 22 January on) | DTSTART:20240129T140000Z | DTEND:20240129T150000Z | RECURRENCE-ID:20240129T090000Z',
    'Monday sync (afternoons from 22 January on) | DTSTART:20240205T140000Z | DTEND:20240205T150000Z | RECURRENCE-ID:20240205T090000Z',
  ]);
  assert.doesNotMatch(expand('thisandfuture.ics', '2024-01-15T00:00:00Z', '2024-02-06T00:00:00Z').toString(), /RANGE=/);
});

test('expand RDATE PERIOD: the instance gets a DTEND for its period instead of the master’s DURATION', () => {
  assert.deepEqual(summarize(expand('rdate-period.ics', '2024-03-05T00:00:00Z', '2024-03-06T00:00:00Z')), [
    'Workshop sessions | DTSTART:20240305T150000Z | DTEND:20240305T180000Z | RECURRENCE-ID:20240305T150000Z',
  ]);
  assert.deepEqual(summarize(expand('rdate-period.ics', '2024-03-20T00:00:00Z', '2024-03-21T00:00:00Z')), [
    'Workshop sessions | DTSTART:20240320T100000Z | DURATION:PT1H | RECURRENCE-ID:20240320T100000Z',
  ]);
});

test('expand all-day yearly: DATE values stay DATE, RECURRENCE-ID is a DATE', () => {
  assert.deepEqual(summarize(expand('allday-yearly.ics', '2025-01-01T00:00:00Z', '2025-12-31T00:00:00Z')), [
    'Birthday | DTSTART;VALUE=DATE:20250101 | DTEND;VALUE=DATE:20250102 | RECURRENCE-ID;VALUE=DATE:20250101',
  ]);
});

test('expand a non-recurring object: times converted to UTC, no RECURRENCE-ID', () => {
  // 15 June 10:00 in an unknown zone, read as floating in Europe/Paris (+02:00) -> 08:00Z.
  assert.deepEqual(summarize(expand('unknown-tzid.ics', '2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z', 'Europe/Paris')), [
    'TZID that no VTIMEZONE and no IANA name defines | DTSTART:20240615T080000Z | DTEND:20240615T090000Z',
  ]);
  assert.deepEqual(summarize(expand('floating.ics', '2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z')), [
    'Lunch at noon wherever I am (floating) | DTSTART:20240615T120000Z | DTEND:20240615T130000Z',
  ]);
});

test('expand converts DATE-TIME values inside alarms too, and never modifies its input', () => {
  const text = fixtureText('alarm-recurring.ics');
  const c = loadCal('alarm-recurring.ics');
  const before = c.toString();
  const out = expandCalendar(c, { start: utc('2024-03-30T00:00:00Z'), end: utc('2024-04-01T00:00:00Z') }, resolverFor(c));
  assert.equal(c.toString(), before);
  assert.ok(text.includes('TZID=Europe/Paris'));
  // 30 March 09:00 CET = 08:00Z; 31 March (override) 09:00 CEST = 07:00Z with its absolute alarm.
  assert.deepEqual(
    summarize(out).map((l) => l.replace(/^[^|]*\| /, '')),
    ['DTSTART:20240330T080000Z | DTEND:20240330T083000Z | RECURRENCE-ID:20240330T080000Z', 'DTSTART:20240331T070000Z | DTEND:20240331T073000Z | RECURRENCE-ID:20240331T070000Z'],
  );
  const alarms = out.getAllSubcomponents('vevent').map((e) => e.getFirstSubcomponent('valarm')!.getFirstProperty('trigger')!.toICALString());
  assert.deepEqual(alarms, ['TRIGGER:-PT15M', 'TRIGGER;VALUE=DATE-TIME:20240330T200000Z']);
});

test('expand a recurring VTODO: DUE moves with each instance', () => {
  const c = cal(`BEGIN:VTODO
UID:todo
DTSTAMP:20240501T000000Z
SUMMARY:Weekly report
DTSTART;TZID=America/New_York:20240506T090000
DUE;TZID=America/New_York:20240506T170000
RRULE:FREQ=WEEKLY;COUNT=3
END:VTODO`);
  const out = expandCalendar(c, { start: utc('2024-05-13T00:00:00Z'), end: utc('2024-05-14T00:00:00Z') }, resolverFor(c));
  // 13 May 09:00 EDT = 13:00Z, due 17:00 EDT = 21:00Z
  assert.deepEqual(summarize(out), ['Weekly report | DTSTART:20240513T130000Z | DUE:20240513T210000Z | RECURRENCE-ID:20240513T130000Z']);
});

test('limit-recurrence-set keeps the master and only the overrides that impact the range', () => {
  const c = loadCal('weekly-exceptions.ics');
  const tz = resolverFor(c);
  const rids = (x: ICAL.Component): string[] =>
    x.getAllSubcomponents('vevent').map((e) => e.getFirstProperty('recurrence-id')?.toICALString() ?? 'master');
  // 5–8 Feb: the 6 Feb override's original time is inside (its new time, 3 Feb, is not); the 23 Jan one is unrelated.
  const feb = limitRecurrenceSet(c, { start: utc('2024-02-05T00:00:00Z'), end: utc('2024-02-08T00:00:00Z') }, tz);
  assert.deepEqual(rids(feb), ['master', 'RECURRENCE-ID;TZID=Europe/Paris:20240206T110000']);
  assert.equal(feb.getAllSubcomponents('vtimezone').length, 1);
  // 24–26 Jan: the 23 Jan override's new time (25 Jan) is inside.
  const jan = limitRecurrenceSet(c, { start: utc('2024-01-24T00:00:00Z'), end: utc('2024-01-26T00:00:00Z') }, tz);
  assert.deepEqual(rids(jan), ['master', 'RECURRENCE-ID;TZID=Europe/Paris:20240123T110000']);
  // March: neither.
  const mar = limitRecurrenceSet(c, { start: utc('2024-03-01T00:00:00Z'), end: utc('2024-03-31T00:00:00Z') }, tz);
  assert.deepEqual(rids(mar), ['master']);
  assert.equal(c.getAllSubcomponents('vevent').length, 3, 'input untouched');
});

test('limit-recurrence-set keeps a THISANDFUTURE override for any range after its RECURRENCE-ID', () => {
  const c = loadCal('thisandfuture.ics');
  const tz = resolverFor(c);
  const count = (s: string, e: string): number =>
    limitRecurrenceSet(c, { start: utc(s), end: utc(e) }, tz).getAllSubcomponents('vevent').length;
  assert.equal(count('2024-02-12T00:00:00Z', '2024-02-13T00:00:00Z'), 2);
  assert.equal(count('2024-01-08T00:00:00Z', '2024-01-09T00:00:00Z'), 1);
});
