// Time zone resolution: VTIMEZONE first, then IANA, else null; the shared cache; DST edge rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { resolverFor, unresolvedTzids, zoneFromCalendarTimezone, ianaZone } from '../../src/caldav/timezones.js';
import { calendarObjectOverlaps } from '../../src/caldav/timeRange.js';
import { cal, fixtureText, loadCal, parseCal, range } from '../fixtures/ical/time/load.js';

const NY_VTIMEZONE = fixtureText('newyork-march.ics').match(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE/)![0];

function unix(zone: ICAL.Timezone, y: number, mo: number, d: number, h: number, mi = 0): number {
  return ICAL.Time.fromData({ year: y, month: mo, day: d, hour: h, minute: mi, second: 0 }, zone).toUnixTime();
}

test('a TZID resolves through the object’s own VTIMEZONE before IANA', () => {
  const c = loadCal('paris-weekly.ics');
  const zone = resolverFor(c).resolve('Europe/Paris');
  assert.ok(zone);
  assert.equal(zone.tzid, 'Europe/Paris');
  assert.equal(zone.component?.getFirstPropertyValue('tzid'), 'Europe/Paris');
});

test('the same VTIMEZONE text parsed twice shares one zone; different text with the same TZID does not', () => {
  const a = resolverFor(loadCal('paris-weekly.ics')).resolve('Europe/Paris');
  const b = resolverFor(loadCal('weekly-exceptions.ics')).resolve('Europe/Paris'); // same VTIMEZONE text
  const custom = resolverFor(loadCal('paris-custom-vtimezone.ics')).resolve('Europe/Paris');
  assert.ok(a && b && custom);
  assert.equal(a, b);
  assert.notEqual(a, custom);
});

test('IANA names resolve without a VTIMEZONE; aliases and vendor-prefixed TZIDs too; unknown names do not', () => {
  const tz = resolverFor(loadCal('paris-weekly-iana.ics'));
  assert.ok(tz.resolve('Europe/Paris'));
  assert.equal(tz.resolve('Europe/Paris')?.component ?? null, null);
  assert.ok(tz.resolve('US/Eastern'));
  assert.ok(tz.resolve('/mozilla.org/20050126_1/America/New_York'));
  assert.equal(tz.resolve('Mars/Olympus_Mons'), null);
  assert.equal(tz.resolve(''), null);
});

test('resolved zones give ical.js the right offsets (Paris: +01:00 in January, +02:00 in July)', () => {
  for (const zone of [resolverFor(loadCal('paris-weekly.ics')).resolve('Europe/Paris')!, ianaZone('Europe/Paris')!]) {
    // 2024-01-15 12:00 Paris = 11:00Z; 2024-07-15 12:00 Paris = 10:00Z
    assert.equal(unix(zone, 2024, 1, 15, 12), Date.UTC(2024, 0, 15, 11) / 1000);
    assert.equal(unix(zone, 2024, 7, 15, 12), Date.UTC(2024, 6, 15, 10) / 1000);
  }
});

test('unresolvedTzids lists TZIDs nothing defines (for valid-calendar-data on PUT)', () => {
  assert.deepEqual(unresolvedTzids(loadCal('unknown-tzid.ics')), ['Mars/Olympus_Mons']);
  assert.deepEqual(unresolvedTzids(loadCal('paris-weekly-iana.ics')), []);
  assert.deepEqual(unresolvedTzids(loadCal('paris-weekly.ics')), []);
});

// RFC 5545 §3.3.5: a local time in the spring-forward gap is read with the offset before the gap;
// a local time that occurs twice in the fall-back overlap means the first occurrence.
for (const withVtimezone of [true, false]) {
  const label = withVtimezone ? 'VTIMEZONE' : 'IANA';
  const zoneText = withVtimezone ? NY_VTIMEZONE : '';

  test(`gap (${label}): 2024-03-10 02:30 New York does not exist and means 07:30Z (02:30 at -05:00)`, () => {
    const c = cal(`${zoneText}
BEGIN:VEVENT
UID:gap
DTSTAMP:20240101T000000Z
DTSTART;TZID=America/New_York:20240310T023000
END:VEVENT`);
    const tz = resolverFor(c);
    assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-03-10T07:30:00Z', '2024-03-10T07:31:00Z'), tz), true);
    assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-03-10T06:30:00Z', '2024-03-10T06:31:00Z'), tz), false);
  });

  test(`overlap (${label}): 2024-11-03 01:30 New York happens twice and means the first, 05:30Z (-04:00)`, () => {
    const c = cal(`${zoneText}
BEGIN:VEVENT
UID:overlap
DTSTAMP:20240101T000000Z
DTSTART;TZID=America/New_York:20241103T013000
END:VEVENT`);
    const tz = resolverFor(c);
    assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-11-03T05:30:00Z', '2024-11-03T05:31:00Z'), tz), true);
    assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-11-03T06:30:00Z', '2024-11-03T06:31:00Z'), tz), false);
  });
}

test('southern hemisphere: 2024-01-15 09:00 Sydney is summer time (+11:00) = 2024-01-14T22:00Z', () => {
  const c = cal(`BEGIN:VEVENT
UID:syd
DTSTAMP:20240101T000000Z
DTSTART;TZID=Australia/Sydney:20240115T090000
DTEND;TZID=Australia/Sydney:20240115T100000
END:VEVENT`);
  const tz = resolverFor(c);
  assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-01-14T22:00:00Z', '2024-01-14T22:30:00Z'), tz), true);
  assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-01-14T23:00:00Z', '2024-01-15T00:00:00Z'), tz), false);
});

test('zoneFromCalendarTimezone reads a CALDAV:calendar-timezone value and serves as the floating zone', () => {
  const zone = zoneFromCalendarTimezone(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n${NY_VTIMEZONE}\r\nEND:VCALENDAR\r\n`);
  assert.ok(zone);
  assert.equal(zone.tzid, 'America/New_York');
  const c = loadCal('floating.ics'); // 2024-06-15 12:00 floating; New York is at -04:00 in June
  const tz = resolverFor(c, { floatingZone: zone });
  assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-06-15T16:00:00Z', '2024-06-15T16:30:00Z'), tz), true);
  assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-06-15T12:00:00Z', '2024-06-15T13:00:00Z'), tz), false);
  assert.equal(zoneFromCalendarTimezone('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n'), null);
});

test('parseCal helper sanity: fixtures use CRLF and parse', () => {
  assert.match(fixtureText('paris-weekly.ics'), /\r\n/);
  assert.equal(parseCal(fixtureText('paris-weekly.ics')).name, 'vcalendar');
});

test('a floating zone named by the query is the IANA zone, not an object’s own VTIMEZONE of that name', () => {
  const custom = fixtureText('paris-custom-vtimezone.ics').match(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE/)![0];
  const c = cal(`${custom}
BEGIN:VEVENT
UID:floating-in-custom
DTSTAMP:20240101T000000Z
DTSTART:20240401T090000
DURATION:PT30M
END:VEVENT`);
  // IANA Paris on 1 April 2024 is +02:00: 07:00Z (the object's custom rules would give 08:00Z).
  const tz = resolverFor(c, { floatingZone: 'Europe/Paris' });
  assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-04-01T07:00:00Z', '2024-04-01T07:10:00Z'), tz), true);
  assert.equal(calendarObjectOverlaps(c, 'VEVENT', range('2024-04-01T08:00:00Z', '2024-04-01T08:10:00Z'), tz), false);
});
