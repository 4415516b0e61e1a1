import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseXml } from '../../src/dav/xml/parse.js';
import { parseCalendarObject } from '../../src/caldav/parse.js';
import { parseCalendarFilter, matchesFilter, type FilterContext } from '../../src/caldav/filter.js';
import { ianaZone } from '../../src/caldav/timezones.js';

// Queries over the demo calendars, answers worked out from the events' descriptions by hand.
const root = new URL('../../sample-repos/demo/calendars/', import.meta.url);
function load(cal: string) {
  const dir = new URL(`${cal}/`, root);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ics'))
    .map((f) => parseCalendarObject(readFileSync(new URL(f, dir))));
}
const work = load('work');
const personal = load('personal');
const tasks = load('tasks');
const NS = 'xmlns:C="urn:ietf:params:xml:ns:caldav"';
const f = (inner: string) => parseCalendarFilter(parseXml(`<C:filter ${NS}><C:comp-filter name="VCALENDAR">${inner}</C:comp-filter></C:filter>`));
const summaries = (objs: ReturnType<typeof load>, inner: string, ctx: FilterContext = {}) =>
  objs
    .filter((o) => matchesFilter(o, f(inner), ctx))
    .map((o) => o.summary)
    .sort();
const events = (s: string, e: string) => `<C:comp-filter name="VEVENT"><C:time-range start="${s}" end="${e}"/></C:comp-filter>`;

test('weekly team meeting: EXDATE, moved override, DST', () => {
  // Mondays 10:00 Paris. 12 Jan 2026 (CET) = 09:00Z; 29 Jun 2026 (CEST) = 08:00Z.
  assert.deepEqual(summaries(work, events('20260112T090000Z', '20260112T091000Z')), ['Team meeting']);
  assert.deepEqual(summaries(work, events('20260629T080000Z', '20260629T081000Z')), ['Team meeting']);
  assert.deepEqual(summaries(work, events('20260629T090000Z', '20260629T091000Z')), [], 'not at 09:00Z in summer');
  // Easter Monday 6 Apr 2026 is an EXDATE.
  assert.deepEqual(summaries(work, events('20260406T000000Z', '20260407T000000Z')), []);
  // 11 May 2026 moved to Tuesday 12 May 14:00 CEST = 12:00Z.
  assert.deepEqual(summaries(work, events('20260511T000000Z', '20260512T000000Z')), []);
  assert.deepEqual(summaries(work, events('20260512T120000Z', '20260512T121000Z')), ['Team meeting']);
  // The override carries its own SUMMARY: a per-instance prop-filter finds it only on 12 May.
  const moved = (s: string, e: string) =>
    `<C:comp-filter name="VEVENT"><C:time-range start="${s}" end="${e}"/><C:prop-filter name="SUMMARY"><C:text-match>moved</C:text-match></C:prop-filter></C:comp-filter>`;
  assert.deepEqual(summaries(work, moved('20260512T000000Z', '20260513T000000Z')), ['Team meeting']);
  assert.deepEqual(summaries(work, moved('20260518T000000Z', '20260519T000000Z')), []);
  // UNTIL 27 Dec 2027 09:00Z is the last one.
  assert.deepEqual(summaries(work, events('20271227T000000Z', '20271228T000000Z')), ['Team meeting']);
  assert.deepEqual(summaries(work, events('20280103T000000Z', '20280104T000000Z')), []);
});

test('maintenance window across the Europe/Paris DST change lasts 7 hours', () => {
  // 27 Mar 2027 22:00 CET = 21:00Z; 28 Mar 06:00 CEST = 04:00Z.
  const name = 'Datacenter maintenance window (night of the DST change)';
  assert.deepEqual(summaries(work, events('20270328T033000Z', '20270328T040000Z')), [name]);
  assert.deepEqual(summaries(work, events('20270328T040000Z', '20270328T050000Z')), [], 'ends at 04:00Z, not 05:00Z');
  assert.deepEqual(summaries(work, events('20270327T203000Z', '20270327T210000Z')), [], 'starts at 21:00Z');
});

test('Paris / New York sync follows New York time through both DST changes', () => {
  const s = 'Paris / New York sync';
  assert.deepEqual(summaries(work, events('20270304T150000Z', '20270304T151000Z')), [s], '4 Mar: 10:00 EST = 15:00Z');
  assert.deepEqual(summaries(work, events('20270318T140000Z', '20270318T141000Z')), [s], '18 Mar: 10:00 EDT = 14:00Z');
  assert.deepEqual(summaries(work, events('20270318T150000Z', '20270318T151000Z')), []);
  assert.deepEqual(summaries(work, events('20270408T140000Z', '20270408T141000Z')), [s], '8 Apr: 6th and last');
  assert.deepEqual(summaries(work, events('20270415T000000Z', '20270416T000000Z')), [], 'COUNT=6');
});

test('New York one-off, multi-day all-day event, alarms', () => {
  assert.deepEqual(summaries(work, events('20260617T150000Z', '20260617T151000Z')), ['Quarterly review with the New York office'], '11:00 EDT');
  // All-day 23-25 Sep 2026 (DTEND 26 Sep exclusive), read in UTC without a query time zone.
  assert.deepEqual(summaries(work, events('20260925T230000Z', '20260926T000000Z')), ['Company offsite in Lyon']);
  assert.deepEqual(summaries(work, events('20260926T000000Z', '20260926T010000Z')), []);
  // Alarm 10 minutes before the team meeting of 19 Jan 2026 (09:00Z) fires 08:50Z.
  const alarm = (s: string, e: string) => `<C:comp-filter name="VEVENT"><C:comp-filter name="VALARM"><C:time-range start="${s}" end="${e}"/></C:comp-filter></C:comp-filter>`;
  assert.deepEqual(summaries(work, alarm('20260119T085000Z', '20260119T085100Z')), ['Team meeting']);
  // Go/no-go 3 Dec 2026 15:30 CET = 14:30Z, alarm -1H with two repeats 15 minutes apart: 13:30, 13:45, 14:00Z.
  assert.deepEqual(summaries(work, alarm('20261203T140000Z', '20261203T140100Z')), ['Release 3.0 go/no-go']);
  assert.deepEqual(summaries(work, alarm('20261203T140100Z', '20261203T143000Z')), []);
});

test('personal: yearly birthdays, floating run in the query time zone', () => {
  assert.deepEqual(summaries(personal, events('20270314T000000Z', '20270315T000000Z')), ["Anna's birthday"]);
  assert.deepEqual(summaries(personal, events('20260802T120000Z', '20260802T130000Z')), ["Dad's birthday"]);
  // Morning run Saturdays 07:00 floating: 13 Jun 2026 in Paris (CEST) = 05:00Z; in UTC = 07:00Z.
  const paris = { floatingZone: ianaZone('Europe/Paris') };
  assert.deepEqual(summaries(personal, events('20260613T050000Z', '20260613T051000Z'), paris), ['Morning run']);
  assert.deepEqual(summaries(personal, events('20260613T050000Z', '20260613T051000Z')), []);
  assert.deepEqual(summaries(personal, events('20260613T070000Z', '20260613T071000Z')), ['Morning run']);
  assert.deepEqual(
    summaries(personal, `<C:comp-filter name="VEVENT"><C:prop-filter name="CATEGORIES"><C:text-match>birthday</C:text-match></C:prop-filter></C:comp-filter>`),
    ["Anna's birthday", "Dad's birthday"],
  );
});

test('tasks: pending, by priority, completed, recurring', () => {
  const pending =
    '<C:comp-filter name="VTODO"><C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter>' +
    '<C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter></C:comp-filter>';
  assert.deepEqual(summaries(tasks, pending), ['File 2026 tax return', 'Prepare Q3 report', 'Renew passport', 'Water the plants']);
  assert.deepEqual(
    summaries(tasks, '<C:comp-filter name="VTODO"><C:prop-filter name="PRIORITY"><C:text-match collation="i;octet">1</C:text-match></C:prop-filter></C:comp-filter>'),
    ['Renew passport'],
  );
  assert.deepEqual(
    summaries(tasks, '<C:comp-filter name="VTODO"><C:prop-filter name="COMPLETED"><C:time-range start="20260401T000000Z" end="20260501T000000Z"/></C:prop-filter></C:comp-filter>'),
    ['Book flights to Lisbon'],
  );
  // Water the plants: DTSTART Monday, DUE Tuesday (dates), weekly. Monday 2 Nov 2026 is an instance.
  const todos = (s: string, e: string) => `<C:comp-filter name="VTODO"><C:time-range start="${s}" end="${e}"/></C:comp-filter>`;
  assert.ok(summaries(tasks, todos('20261102T100000Z', '20261102T110000Z')).includes('Water the plants'));
});
