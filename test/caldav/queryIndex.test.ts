import { test } from 'node:test';
import assert from 'node:assert/strict';
import type ICAL from 'ical.js';
import { parseXml } from '../../src/dav/xml/parse.js';
import { parseCalendarObject, type ParsedCalendarObject } from '../../src/caldav/parse.js';
import { matchesFilter, parseCalendarFilter } from '../../src/caldav/filter.js';
import { ianaZone } from '../../src/caldav/timezones.js';
import { decide, indexableRange, mayMatch, summarise, zoneWithinSlack, type CalendarSummary } from '../../src/caldav/queryIndex.js';
import { generateDataset } from '../../bench/data/dataset.js';
import { fixtureObjects, wrap } from './icsCorpus.js';

// The index may only drop members the full scan would drop: for every object of the corpus, every
// filter and every floating zone, "not a candidate" must imply "matchesFilter is false". (Candidates
// are judged by matchesFilter itself, so the two paths then answer identically.)

// Tricky shapes written for this test: floating series with a UTC EXDATE (excluded in UTC only),
// RDATE before DTSTART, COUNT, DATE UNTIL, THISANDFUTURE moved later, tasks without DTSTART.
const inline = [
  `BEGIN:VEVENT\nUID:f1\nDTSTAMP:20260101T000000Z\nDTSTART:20260105T100000\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=5\nEXDATE:20260202T100000Z\nEND:VEVENT`,
  `BEGIN:VEVENT\nUID:f2\nDTSTAMP:20260101T000000Z\nDTSTART;VALUE=DATE:20260310\nRRULE:FREQ=DAILY;UNTIL=20260312\nRDATE;VALUE=DATE:20260101\nEND:VEVENT`,
  `BEGIN:VEVENT\nUID:f3\nDTSTAMP:20260101T000000Z\nDTSTART;TZID=Europe/Paris:20260105T100000\nDTEND;TZID=Europe/Paris:20260105T110000\nRRULE:FREQ=WEEKLY;UNTIL=20260302T090000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:f3\nDTSTAMP:20260101T000000Z\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Paris:20260202T100000\nDTSTART;TZID=Europe/Paris:20260210T150000\nDTEND;TZID=Europe/Paris:20260210T170000\nEND:VEVENT`,
  `BEGIN:VEVENT\nUID:f4\nDTSTAMP:20260101T000000Z\nDTSTART:20260105T100000Z\nRRULE:FREQ=MONTHLY\nEND:VEVENT\nBEGIN:VEVENT\nUID:f4\nDTSTAMP:20260101T000000Z\nRECURRENCE-ID:20260305T100000Z\nDTSTART:20250101T100000Z\nEND:VEVENT`,
  `BEGIN:VTODO\nUID:t1\nDTSTAMP:20260101T000000Z\nCREATED:20260101T000000Z\nEND:VTODO`,
  `BEGIN:VTODO\nUID:t2\nDTSTAMP:20260101T000000Z\nCOMPLETED:20260201T000000Z\nCREATED:20260101T000000Z\nEND:VTODO`,
  `BEGIN:VTODO\nUID:t3\nDTSTAMP:20260101T000000Z\nDTSTART:20260301T000000\nDUE:20260228T000000\nRRULE:FREQ=DAILY;COUNT=3\nEND:VTODO`,
  `BEGIN:VTODO\nUID:t4\nDTSTAMP:20260101T000000Z\nEND:VTODO`,
  `BEGIN:VJOURNAL\nUID:j1\nDTSTAMP:20260101T000000Z\nDTSTART;VALUE=DATE:20260115\nRRULE:FREQ=YEARLY;COUNT=3\nEND:VJOURNAL`,
  `BEGIN:VJOURNAL\nUID:j2\nDTSTAMP:20260101T000000Z\nEND:VJOURNAL`,
  `BEGIN:VEVENT\nUID:p1\nDTSTAMP:20260101T000000Z\nDTSTART:20260401T080000Z\nRDATE;VALUE=PERIOD:20260410T080000Z/20260420T080000Z\nEND:VEVENT`,
].map((b) => ({ name: b.slice(b.indexOf('UID:') + 4, b.indexOf('\n', b.indexOf('UID:'))), obj: parseCalendarObject(wrap(b)) }));

const fromFiles = fixtureObjects();
const generated = generateDataset(60, 7).eventItems.map((e) => ({ name: e.name, obj: parseCalendarObject(e.body) }));
const corpus: Array<{ name: string; obj: ParsedCalendarObject }> = [...inline, ...fromFiles, ...generated];

const NS = 'xmlns:C="urn:ietf:params:xml:ns:caldav"';
const fmt = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
function filterXml(comp: string, s: number | null, e: number | null, inner: string) {
  const attrs = `${s === null ? '' : ` start="${fmt(s)}"`}${e === null ? '' : ` end="${fmt(e)}"`}`;
  return parseCalendarFilter(parseXml(`<C:filter ${NS}><C:comp-filter name="VCALENDAR"><C:comp-filter name="${comp}"><C:time-range${attrs}/>${inner}</C:comp-filter></C:comp-filter></C:filter>`));
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
function ranges(): Array<[number | null, number | null]> {
  const out: Array<[number | null, number | null]> = [[null, Date.UTC(1990, 0, 1)], [Date.UTC(2030, 0, 1), null], [Date.UTC(2026, 2, 1), null], [null, Date.UTC(2026, 0, 10)]];
  // 2004..2028 in steps of 47 days + 5 h, lengths one hour, one day, one week (DST weeks included).
  for (let t = Date.UTC(2004, 0, 1); t < Date.UTC(2028, 0, 1); t += 47 * DAY + 5 * HOUR) {
    out.push([t, t + HOUR], [t, t + DAY], [t, t + 7 * DAY]);
  }
  return out;
}
const RANGES = ranges();
/** 3: reaches only; 4: with exact instance spans. */
const len = (s: CalendarSummary) => (s === 0 ? 0 : s.length);
// UTC, and the zones furthest east (+14) and west (-11) of it.
const zones: Array<ICAL.Timezone | null> = [null, ianaZone('Pacific/Kiritimati'), ianaZone('Pacific/Pago_Pago')];

test('every zone used here is one the index covers', () => {
  for (const z of zones) assert.equal(zoneWithinSlack(z), true);
});

for (const comp of ['VEVENT', 'VTODO', 'VJOURNAL']) {
  for (const inner of comp === 'VEVENT' ? ['', '<C:prop-filter name="UID"/>'] : ['']) {
    test(`index never drops a match: ${comp} time-range${inner ? ' with a prop-filter' : ''}`, () => {
      let pruned = 0;
      let decided = 0;
      let checked = 0;
      for (const { name, obj } of corpus) {
        const summary = summarise(obj.vcalendar);
        for (const [s, e] of RANGES) {
          const filter = filterXml(comp, s, e, inner);
          const q = indexableRange(filter);
          assert.ok(q);
          if (mayMatch(summary, q)) {
            // A candidate the index decides alone must get matchesFilter's answer in every zone.
            const d = decide(summary, filter);
            if (d === undefined) continue;
            decided++;
            for (const zone of zones) assert.equal(matchesFilter(obj, filter, { floatingZone: zone }), d, `decided: ${name} ${s === null ? '-' : fmt(s)}..${e === null ? '-' : fmt(e)} in ${zone?.tzid ?? 'UTC'}`);
            continue;
          }
          pruned++;
          for (const zone of zones) {
            checked++;
            assert.equal(matchesFilter(obj, filter, { floatingZone: zone }), false, `${name} ${comp} ${s === null ? '-' : fmt(s)}..${e === null ? '-' : fmt(e)} in ${zone?.tzid ?? 'UTC'}`);
          }
        }
      }
      assert.ok(pruned > 0 && checked > 0, 'the index pruned something');
      if (comp === 'VEVENT' && !inner) assert.ok(decided > 0, 'and decided some candidates alone');
      if (inner) assert.equal(decided, 0, 'never with a prop-filter');
    });
  }
}

test('hand-worked reaches: what the index keeps and drops', () => {
  const get = (uid: string) => summarise(inline.find((x) => x.name === uid)!.obj.vcalendar);
  const q = (comp: string, s: string | null, e: string | null) => indexableRange(filterXml(comp, s ? Date.parse(s) : null, e ? Date.parse(e) : null, ''))!;
  // f1: 5 weekly Mondays from 5 Jan 2026 10:00 floating, last 2 Feb; nothing after, nothing before.
  assert.equal(mayMatch(get('f1'), q('VEVENT', '2026-01-05T09:00:00Z', '2026-01-05T12:00:00Z')), true);
  assert.equal(mayMatch(get('f1'), q('VEVENT', '2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z')), false);
  assert.equal(mayMatch(get('f1'), q('VEVENT', '2025-12-01T00:00:00Z', '2025-12-08T00:00:00Z')), false);
  // f4: open-ended monthly, with an instance moved back to 2025: kept for any later range.
  assert.equal(mayMatch(get('f4'), q('VEVENT', '2099-01-01T00:00:00Z', '2099-01-02T00:00:00Z')), true);
  assert.equal(mayMatch(get('f4'), q('VEVENT', '2025-01-01T09:00:00Z', '2025-01-01T11:00:00Z')), true);
  assert.equal(mayMatch(get('f4'), q('VEVENT', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z')), false);
  // t1: only CREATED → matches every range ending after it; t4: no dates → every range.
  assert.equal(mayMatch(get('t1'), q('VTODO', '2090-01-01T00:00:00Z', null)), true);
  assert.equal(mayMatch(get('t4'), q('VTODO', null, '1990-01-01T00:00:00Z')), true);
  // p1 (UTC, an RDATE PERIOD) has exact instance spans; f1 is floating: never decided alone.
  assert.equal(len(get('p1')), 4);
  assert.equal(len(get('f1')), 3);
  // j2: a VJOURNAL without DTSTART never matches a time-range; VEVENT filters skip task-only objects.
  assert.equal(mayMatch(get('j2'), q('VJOURNAL', null, '2090-01-01T00:00:00Z')), false);
  assert.equal(mayMatch(get('t1'), q('VEVENT', null, '2090-01-01T00:00:00Z')), false);
});

test('a lone fixed-time event is decided by its exact span (RFC 4791 §9.9 VEVENT table)', () => {
  const ev = (props: string) => summarise(parseCalendarObject(wrap(`BEGIN:VEVENT\nUID:x\nDTSTAMP:20260101T000000Z\n${props}\nEND:VEVENT`)).vcalendar);
  const f = (s: string, e: string) => parseCalendarFilter(parseXml(`<C:filter ${NS}><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${s}" end="${e}"/></C:comp-filter></C:comp-filter></C:filter>`));
  // 10:00–11:00Z: a range ending at 10:00 misses it (end > DTSTART fails); one starting at 11:00 too (start < DTEND fails).
  const hour = ev('DTSTART:20260105T100000Z\nDTEND:20260105T110000Z');
  assert.equal(decide(hour, f('20260105T090000Z', '20260105T100000Z')), false);
  assert.equal(decide(hour, f('20260105T110000Z', '20260105T120000Z')), false);
  assert.equal(decide(hour, f('20260105T105900Z', '20260105T120000Z')), true);
  // An instant at 10:00Z (no DTEND/DURATION): start <= DTSTART AND end > DTSTART.
  const instant = ev('DTSTART:20260105T100000Z');
  assert.equal(decide(instant, f('20260105T100000Z', '20260105T100001Z')), true);
  assert.equal(decide(instant, f('20260105T090000Z', '20260105T100000Z')), false);
  // Paris 10:00 in January is 09:00Z; PT90M → until 10:30Z.
  const paris = ev('DTSTART;TZID=Europe/Paris:20260105T100000\nDURATION:PT90M');
  assert.equal(decide(paris, f('20260105T103000Z', '20260105T110000Z')), false);
  assert.equal(decide(paris, f('20260105T080000Z', '20260105T090001Z')), true);
  // Floating and all-day events depend on the query's zone: left to matchesFilter.
  assert.equal(len(ev('DTSTART:20260105T100000')), 3);
  assert.equal(len(ev('DTSTART;VALUE=DATE:20260105')), 3);
  // Not a bare time-range: matchesFilter decides.
  const withProp = parseCalendarFilter(parseXml(`<C:filter ${NS}><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260101T000000Z"/><C:prop-filter name="SUMMARY"/></C:comp-filter></C:comp-filter></C:filter>`));
  assert.equal(decide(hour, withProp), undefined);
});
