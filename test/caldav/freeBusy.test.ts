// free-busy-query over a mixed calendar, and CALDAV:limit-freebusy-set. Expected periods by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolverFor } from '../../src/caldav/timezones.js';
import { freeBusyPeriods, limitFreeBusySet, mergeFreeBusy, renderFreeBusy, type FreeBusyPeriod } from '../../src/caldav/freeBusy.js';
import { loadCal, utc } from '../fixtures/ical/time/load.js';

const RANGE = { start: utc('2024-06-03T00:00:00Z'), end: utc('2024-06-08T00:00:00Z') };

function calendarPeriods(): FreeBusyPeriod[] {
  const dir = new URL('../fixtures/ical/time/freebusy/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ics')).sort();
  assert.equal(files.length, 10);
  return files.flatMap((f) => {
    const c = loadCal(`freebusy/${f}`);
    return freeBusyPeriods(c, RANGE, resolverFor(c));
  });
}

test('free-busy of a mixed calendar: TRANSP, STATUS, overrides, all-day, clipping, VFREEBUSY types, merging', () => {
  const body = renderFreeBusy(calendarPeriods(), RANGE, { dtstamp: utc('2024-06-01T12:00:00Z'), uid: 'fb-test' });
  // e1 09:00–10:00 + e5 09:30–11:00 merge; e2 transparent and e3 cancelled are free; e4 tentative;
  // e6 daily 09:00 Paris (07:00Z) on 5 and 7 June, 6 June cancelled by its override; e7 all-day 6 June;
  // e8 clipped at the range start; e9 instantaneous is no busy time; the VFREEBUSY's FREE period is
  // dropped and its 10 June period is outside.
  assert.equal(
    body,
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Kalends//CalDAV Server//EN',
      'BEGIN:VFREEBUSY',
      'UID:fb-test',
      'DTSTAMP:20240601T120000Z',
      'DTSTART:20240603T000000Z',
      'DTEND:20240608T000000Z',
      'FREEBUSY:20240603T000000Z/20240603T010000Z',
      'FREEBUSY:20240603T090000Z/20240603T110000Z',
      'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20240604T130000Z/20240604T150000Z',
      'FREEBUSY:20240605T070000Z/20240605T073000Z',
      'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20240605T120000Z/20240605T140000Z',
      'FREEBUSY:20240605T200000Z/20240605T210000Z',
      'FREEBUSY:20240606T000000Z/20240607T000000Z',
      'FREEBUSY:20240607T070000Z/20240607T073000Z',
      'END:VFREEBUSY',
      'END:VCALENDAR',
      '',
    ].join('\r\n'),
  );
});

test('an empty calendar renders a VFREEBUSY with no FREEBUSY lines', () => {
  const body = renderFreeBusy([], RANGE, { dtstamp: utc('2024-06-01T12:00:00Z'), uid: 'u' });
  assert.doesNotMatch(body, /FREEBUSY[:;]/);
  assert.match(body, /DTSTART:20240603T000000Z\r\nDTEND:20240608T000000Z\r\n/);
});

test('mergeFreeBusy joins touching periods of one type and keeps types apart', () => {
  const p = (s: string, e: string, type: FreeBusyPeriod['type']): FreeBusyPeriod => ({ start: utc(s), end: utc(e), type });
  const merged = mergeFreeBusy([
    p('2024-06-03T10:00:00Z', '2024-06-03T11:00:00Z', 'BUSY'),
    p('2024-06-03T11:00:00Z', '2024-06-03T12:00:00Z', 'BUSY'),
    p('2024-06-03T10:30:00Z', '2024-06-03T11:30:00Z', 'BUSY-TENTATIVE'),
    p('2024-06-03T13:00:00Z', '2024-06-03T14:00:00Z', 'BUSY'),
  ]);
  assert.deepEqual(
    merged.map((m) => `${m.type} ${m.start.toISOString()} ${m.end.toISOString()}`),
    [
      'BUSY 2024-06-03T10:00:00.000Z 2024-06-03T12:00:00.000Z',
      'BUSY-TENTATIVE 2024-06-03T10:30:00.000Z 2024-06-03T11:30:00.000Z',
      'BUSY 2024-06-03T13:00:00.000Z 2024-06-03T14:00:00.000Z',
    ],
  );
});

test('limit-freebusy-set keeps only FREEBUSY periods overlapping the range', () => {
  const c = loadCal('vfreebusy.ics');
  const out = limitFreeBusySet(c, { start: utc('2024-06-05T13:00:00Z'), end: utc('2024-06-05T20:30:00Z') }, resolverFor(c));
  const lines = out
    .getFirstSubcomponent('vfreebusy')!
    .getAllProperties('freebusy')
    .map((p) => p.toICALString());
  // BUSY-UNAVAILABLE 12:00–14:00 overlaps; FREE 15:00–16:00 overlaps (limit does not filter by type);
  // of the last property, 20:00–21:00 overlaps and 10 June does not.
  assert.deepEqual(lines, [
    'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20240605T120000Z/PT2H',
    'FREEBUSY;FBTYPE=FREE:20240605T150000Z/PT1H',
    'FREEBUSY:20240605T200000Z/PT1H',
  ]);
  const none = limitFreeBusySet(c, { start: utc('2024-07-01T00:00:00Z'), end: utc('2024-07-02T00:00:00Z') }, resolverFor(c));
  assert.equal(none.getFirstSubcomponent('vfreebusy')!.getAllProperties('freebusy').length, 0);
  assert.equal(c.getFirstSubcomponent('vfreebusy')!.getAllProperties('freebusy').length, 3, 'input untouched');
});
