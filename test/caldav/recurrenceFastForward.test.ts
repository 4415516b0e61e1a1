// Cross-check of the fast-forward in recurrence.ts: for rules whose walk starts near the window
// instead of at DTSTART, the instances found must equal those of ical.js's own plain iteration from
// DTSTART (an independent reference), filtered to the same window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { resolverFor } from '../../src/caldav/timezones.js';
import { instancesOf, recurrenceSets } from '../../src/caldav/recurrence.js';
import { contextFor, toMs } from '../../src/caldav/timezonesValues.js';
import { cal } from '../fixtures/ical/time/load.js';

const CASES: Array<[string, string]> = [
  ['20200107T100000', 'FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,FR'],
  ['20200131T100000', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1'],
  ['20200115T100000', 'FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=15,-1'],
  ['20200101T100000', 'FREQ=DAILY;INTERVAL=9'],
  ['20200101T100000', 'FREQ=HOURLY;INTERVAL=7'],
  ['20200105T100000', 'FREQ=YEARLY;BYWEEKNO=20;BYDAY=SU'],
  ['20200310T100000', 'FREQ=YEARLY;INTERVAL=2;BYMONTH=3,9;BYDAY=2TU'],
  ['20200103T100000', 'FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,FR'],
  ['20200104T100000', 'FREQ=DAILY;BYMONTH=1,7;UNTIL=20300101T000000Z'],
];

function reference(dtstart: string, rrule: string, from: number, to: number): number[] {
  // Floating times read in UTC: wall clock = UTC, so ical.js's toUnixTime is the instant.
  const start = ICAL.Time.fromDateTimeString(dtstart.replace(/(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)/, '$1-$2-$3T$4:$5:$6'));
  const it = ICAL.Recur.fromString(rrule).iterator(start);
  const out: number[] = [];
  for (let i = 0; i < 200_000; i++) {
    const t = it.next();
    if (!t) break;
    const ms = t.toUnixTime() * 1000;
    if (ms > to) break;
    if (ms >= from) out.push(ms);
  }
  return out;
}

test('fast-forwarded walks find exactly the instances of a walk from DTSTART', () => {
  const from = Date.UTC(2028, 4, 3);
  const to = Date.UTC(2028, 9, 20);
  for (const [dtstart, rrule] of CASES) {
    const c = cal(`BEGIN:VEVENT\nUID:ff\nDTSTAMP:20200101T000000Z\nDTSTART:${dtstart}\nRRULE:${rrule}\nEND:VEVENT`);
    const ctx = contextFor(resolverFor(c));
    const [set] = recurrenceSets(c, 'VEVENT');
    const got = [...instancesOf(set!, ctx, { from, to })].map((i) => toMs(i.start!)).filter((ms) => ms >= from && ms <= to);
    const want = reference(dtstart, rrule, from, to);
    assert.ok(want.length > 0, `${rrule}: reference has instances in the window`);
    assert.deepEqual(got, want, rrule);
  }
});
