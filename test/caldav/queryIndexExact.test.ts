import { test } from 'node:test';
import assert from 'node:assert/strict';
import type ICAL from 'ical.js';
import { parseXml } from '../../src/dav/xml/parse.js';
import { parseCalendarObject, type ParsedCalendarObject } from '../../src/caldav/parse.js';
import { matchesFilter, parseCalendarFilter } from '../../src/caldav/filter.js';
import { ianaZone } from '../../src/caldav/timezones.js';
import { decide, summarise, tzDataStamp, type CalendarSummary } from '../../src/caldav/queryIndex.js';
import { MAX_EXACT_INSTANCES } from '../../src/caldav/queryIndexExact.js';
import { generateDataset } from '../../bench/data/dataset.js';
import { fixtureObjects, wrap } from './icsCorpus.js';

// The exact-span fast path (queryIndexExact.ts) answers a bare VEVENT time-range without parsing.
// Wherever it answers, its answer must be matchesFilter's, in every floating zone (an object with
// exact spans must not depend on it): checked over the fixtures, the demo data, generated data and
// the shapes below, for ranges on a grid, around DST changes and on every instance's own edges.

const ev = (uid: string, props: string) => `BEGIN:VEVENT\nUID:${uid}\nDTSTAMP:20260101T000000Z\n${props}\nEND:VEVENT`;
const P = 'TZID=Europe/Paris';
const NY = 'TZID=America/New_York';
const shapes: Record<string, string> = {
  // Weekly Monday 10:00 Paris across the March 2026 change, an EXDATE and a moved, longer instance.
  paris: [
    ev('paris', `DTSTART;${P}:20260316T100000\nDTEND;${P}:20260316T110000\nRRULE:FREQ=WEEKLY;COUNT=6\nEXDATE;${P}:20260406T100000`),
    ev('paris', `RECURRENCE-ID;${P}:20260413T100000\nDTSTART;${P}:20260415T140000\nDTEND;${P}:20260415T163000`),
  ].join('\n'),
  // Daily across the November 2026 change in New York: P1D is nominal (25 h that day), PT24H exact.
  nyNominal: ev('nyNominal', `DTSTART;${NY}:20261030T120000\nDURATION:P1D\nRRULE:FREQ=DAILY;UNTIL=20261104T170000Z`),
  nyExact: ev('nyExact', `DTSTART;${NY}:20261030T013000\nDURATION:PT24H\nRRULE:FREQ=DAILY;COUNT=5`),
  // 01:30 on 1 Nov 2026 happens twice in New York: the first one is meant (RFC 5545 §3.3.5).
  nyTwice: ev('nyTwice', `DTSTART;${NY}:20261101T013000\nDTEND;${NY}:20261101T020000`),
  // 02:30 on 8 Mar 2026 does not exist in New York: read with the offset before the gap.
  nyGap: ev('nyGap', `DTSTART;${NY}:20260301T023000\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;COUNT=3`),
  // RDATEs (zoned, UTC, a PERIOD) on top of a rule; an RDATE before DTSTART.
  rdate: ev('rdate', `DTSTART:20260601T080000Z\nDURATION:PT1H\nRRULE:FREQ=MONTHLY;COUNT=3\nRDATE;${P}:20260515T090000\nRDATE;VALUE=PERIOD:20260610T080000Z/20260612T080000Z\nRDATE:20250101T000000Z`),
  // Open-ended: listed up to the horizon, undecided past it.
  open: ev('open', `DTSTART:20250106T070000Z\nDTEND:20250106T073000Z\nRRULE:FREQ=DAILY;INTERVAL=3`),
  // Instants and zero or negative lengths (read as instants), a DTEND in another zone.
  instant: ev('instant', `DTSTART;${P}:20260105T100000\nRRULE:FREQ=WEEKLY;COUNT=4`),
  backwards: ev('backwards', `DTSTART:20260105T100000Z\nDTEND:20260105T090000Z`),
  crossZone: ev('crossZone', `DTSTART;${P}:20260105T100000\nDTEND;${NY}:20260105T100000\nRRULE:FREQ=WEEKLY;UNTIL=20260201T000000Z`),
  // An override of a non-recurring event (RECURRENCE-ID = its DTSTART) and an orphan override.
  replaced: [ev('replaced', `DTSTART:20260301T100000Z\nDTEND:20260301T110000Z`), ev('replaced', `RECURRENCE-ID:20260301T100000Z\nDTSTART:20260302T100000Z\nDTEND:20260302T110000Z`)].join('\n'),
  orphan: [ev('orphan', `DTSTART:20260301T100000Z\nRRULE:FREQ=WEEKLY;COUNT=2`), ev('orphan', `RECURRENCE-ID:20260303T100000Z\nDTSTART:20260303T120000Z`)].join('\n'),
  // Two series in one object; a COUNT whose DTSTART the rule would not produce (it still counts).
  twoUids: [ev('a', `DTSTART:20260105T100000Z\nRRULE:FREQ=WEEKLY;COUNT=2`), ev('b', `DTSTART:20260110T100000Z\nRRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=2`)].join('\n'),
  untilDate: ev('untilDate', `DTSTART;${P}:20260105T230000\nDTEND;${P}:20260106T010000\nRRULE:FREQ=DAILY;UNTIL=20260108`),
  yearly: ev('yearly', `DTSTART;${NY}:20240229T090000\nDURATION:PT2H\nRRULE:FREQ=YEARLY;COUNT=3`),
  // Never exact: floating, all-day, a DATE EXDATE, THISANDFUTURE, sub-daily rules.
  floating: ev('floating', `DTSTART:20260105T100000\nDTEND:20260105T110000\nRRULE:FREQ=WEEKLY;COUNT=3`),
  floatingExdate: ev('floatingExdate', `DTSTART:20260105T100000Z\nRRULE:FREQ=DAILY;COUNT=5\nEXDATE:20260107T100000`),
  allday: ev('allday', `DTSTART;VALUE=DATE:20260329\nDTEND;VALUE=DATE:20260330\nRRULE:FREQ=WEEKLY;COUNT=3`),
  dateExdate: ev('dateExdate', `DTSTART;${P}:20260105T100000\nRRULE:FREQ=DAILY;COUNT=5\nEXDATE;VALUE=DATE:20260107`),
  future: [ev('future', `DTSTART:20260105T100000Z\nRRULE:FREQ=WEEKLY;COUNT=6`), ev('future', `RECURRENCE-ID;RANGE=THISANDFUTURE:20260119T100000Z\nDTSTART:20260120T150000Z`)].join('\n'),
  hourly: ev('hourly', `DTSTART:20260105T100000Z\nRRULE:FREQ=HOURLY;COUNT=30`),
  byHour: ev('byHour', `DTSTART:20260105T100000Z\nRRULE:FREQ=DAILY;BYHOUR=10,14;COUNT=30`),
  unknownTzid: ev('unknownTzid', `DTSTART;TZID=Nowhere/Special:20260105T100000\nDURATION:PT1H`),
};
const NEVER_EXACT = ['floating', 'floatingExdate', 'allday', 'dateExdate', 'future', 'hourly', 'byHour', 'unknownTzid'];

const parsed = (name: string, text: string | Buffer) => {
  try {
    return [{ name, obj: parseCalendarObject(text) }];
  } catch {
    return [];
  }
};
const inline = Object.entries(shapes).flatMap(([name, body]) => parsed(name, wrap(body)));
const files = fixtureObjects();
const generated = generateDataset(100, 11).eventItems.flatMap((e) => parsed(e.name, e.body));
const corpus: Array<{ name: string; obj: ParsedCalendarObject }> = [...inline, ...files, ...generated];

const NS = 'xmlns:C="urn:ietf:params:xml:ns:caldav"';
const fmt = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
function bare(s: number | null, e: number | null) {
  const attrs = `${s === null ? '' : ` start="${fmt(s)}"`}${e === null ? '' : ` end="${fmt(e)}"`}`;
  return parseCalendarFilter(parseXml(`<C:filter ${NS}><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range${attrs}/></C:comp-filter></C:comp-filter></C:filter>`));
}

const SEC = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
type Range = [number | null, number | null];
// DST changes of 2025–2026 in Paris (01:00Z) and New York (07:00Z / 06:00Z), and Lord Howe's half hour.
const DST = [Date.UTC(2025, 2, 30, 1), Date.UTC(2025, 9, 26, 1), Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1), Date.UTC(2025, 2, 9, 7), Date.UTC(2025, 10, 2, 6), Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 10, 1, 6), Date.UTC(2026, 3, 4, 15)];
function commonRanges(): Range[] {
  const out: Range[] = [[null, Date.UTC(1990, 0, 1)], [Date.UTC(2030, 0, 1), null], [Date.UTC(2026, 2, 1), null], [null, Date.UTC(2026, 0, 10)]];
  for (const t of DST) for (const d of [-DAY, -HOUR, 0, HOUR]) out.push([t + d, t + d + HOUR], [t + d, t + d + DAY], [t - 3 * DAY + d, t + 4 * DAY + d]);
  // 2024..2028 every 13 days + 7 h: a week and a month (the bench's and clients' usual queries).
  for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2028, 0, 1); t += 13 * DAY + 7 * HOUR) out.push([t, t + 7 * DAY], [t, t + 31 * DAY]);
  return out;
}
const COMMON = commonRanges();
/** Ranges on an object's own instance edges (touching, one second in, zero-overlap), from its spans. */
function edgeRanges(summary: CalendarSummary): Range[] {
  if (summary === 0 || summary.length !== 4) return [];
  const s = summary[3];
  const out: Range[] = [];
  const pairs = (s.length - 1) / 2;
  for (let k = 0; k < pairs; k++) {
    if (k > 6 && k < pairs - 2) continue; // the first few and the last two instances
    const S = s[1 + 2 * k]!;
    const E = s[2 + 2 * k]!;
    out.push([S - HOUR, S], [S, S + SEC], [S - SEC, S + SEC], [E, E + HOUR], [E - SEC, E], [S + SEC, E - SEC], [null, S], [E, null], [S, null], [null, S + SEC]);
  }
  if (s[0]! < 1e300) out.push([s[0]! - HOUR, s[0]!], [s[0]! - DAY, s[0]! + SEC], [s[0]! + DAY, s[0]! + 8 * DAY]);
  return out;
}
// UTC, DST zones (Lord Howe's change is half an hour) and the zone furthest east of UTC.
const zones: Array<ICAL.Timezone | null> = [null, ianaZone('America/New_York'), ianaZone('Australia/Lord_Howe'), ianaZone('Pacific/Kiritimati')];
const show = (r: Range) => `${r[0] === null ? '-' : fmt(r[0])}..${r[1] === null ? '-' : fmt(r[1])}`;

test('exact spans decide exactly as matchesFilter, in every zone', () => {
  let decidedTrue = 0;
  let decidedFalse = 0;
  let recurringDecided = 0;
  for (const { name, obj } of corpus) {
    const summary = summarise(obj.vcalendar);
    for (const r of [...COMMON, ...edgeRanges(summary)]) {
      if (r[0] !== null && r[1] !== null && r[1] <= r[0]) continue; // not a valid time-range
      const filter = bare(r[0], r[1]);
      const d = decide(summary, filter);
      if (d === undefined) continue;
      if (d) decidedTrue++;
      else decidedFalse++;
      if (obj.vcalendar.getFirstSubcomponent('vevent')?.hasProperty('rrule')) recurringDecided++;
      for (const zone of zones) assert.equal(matchesFilter(obj, filter, { floatingZone: zone }), d, `${name} ${show(r)} in ${zone?.tzid ?? 'UTC'}`);
    }
  }
  assert.ok(decidedTrue > 500 && decidedFalse > 500 && recurringDecided > 500, `decided ${decidedTrue} true, ${decidedFalse} false, ${recurringDecided} recurring`);
});

test('which objects get exact spans', () => {
  const exact = (name: string) => {
    const s = summarise(inline.find((x) => x.name === name)!.obj.vcalendar);
    return s !== 0 && s.length === 4 ? s[3] : null;
  };
  for (const name of NEVER_EXACT) assert.equal(exact(name), null, name);
  for (const name of Object.keys(shapes).filter((n) => !NEVER_EXACT.includes(n))) assert.ok(exact(name), name);
  // Most of the generated data (zoned series with EXDATE and a moved instance, UTC events) is exact.
  const share = generated.filter((g) => {
    const s = summarise(g.obj.vcalendar);
    return s !== 0 && s.length === 4;
  }).length;
  assert.ok(share > generated.length * 0.7, `${share} of ${generated.length}`);
});

test('hand-worked spans: DST, EXDATE, a moved instance, RDATE, the horizon', () => {
  const spans = (name: string) => {
    const s = summarise(inline.find((x) => x.name === name)!.obj.vcalendar);
    assert.ok(s !== 0 && s.length === 4);
    return s[3];
  };
  const at = (name: string, s: string, e: string) => decide(summarise(inline.find((x) => x.name === name)!.obj.vcalendar), bare(Date.parse(s), Date.parse(e)));
  // Paris Mondays 10:00: 23 Mar is 09:00–10:00Z (CET), 30 Mar 08:00–09:00Z (CEST).
  assert.equal(at('paris', '2026-03-23T09:00:00Z', '2026-03-23T09:00:01Z'), true);
  assert.equal(at('paris', '2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z'), false);
  assert.equal(at('paris', '2026-03-30T08:59:59Z', '2026-03-30T09:00:00Z'), true);
  // 6 Apr is EXDATEd; 13 Apr moved to Wednesday 15 Apr 12:00–14:30Z.
  assert.equal(at('paris', '2026-04-06T00:00:00Z', '2026-04-07T00:00:00Z'), false);
  assert.equal(at('paris', '2026-04-13T00:00:00Z', '2026-04-14T00:00:00Z'), false);
  assert.equal(at('paris', '2026-04-15T14:29:59Z', '2026-04-15T15:00:00Z'), true);
  // COUNT=6 from 16 Mar: 16, 23, 30 Mar, (6 Apr excluded), 13 Apr (moved), 20 Apr; nothing after.
  assert.equal(at('paris', '2026-04-20T08:00:00Z', '2026-04-20T08:00:01Z'), true);
  assert.equal(at('paris', '2026-04-27T00:00:00Z', '2026-05-04T00:00:00Z'), false);
  assert.equal((spans('paris').length - 1) / 2, 5);
  // New York, P1D from 31 Oct 12:00 EDT (16:00Z) runs to 1 Nov 12:00 EST (17:00Z): 25 hours.
  assert.equal(at('nyNominal', '2026-11-01T16:30:00Z', '2026-11-01T16:30:01Z'), true);
  assert.equal(at('nyNominal', '2026-11-01T17:00:00Z', '2026-11-01T17:00:01Z'), true); // the 1 Nov instance begins
  // 01:30 on 1 Nov happens twice: the first (05:30Z, EDT) is meant, to 02:00 EST (07:00Z).
  assert.equal(at('nyTwice', '2026-11-01T05:00:00Z', '2026-11-01T05:30:00Z'), false);
  assert.equal(at('nyTwice', '2026-11-01T06:59:59Z', '2026-11-01T07:00:00Z'), true);
  // RDATE PERIOD 10–12 Jun; an RDATE on 1 Jan 2025, long before DTSTART.
  assert.equal(at('rdate', '2026-06-11T00:00:00Z', '2026-06-11T00:00:01Z'), true);
  assert.equal(at('rdate', '2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z'), true);
  assert.equal(at('rdate', '2026-05-15T07:00:00Z', '2026-05-15T07:00:01Z'), true); // 09:00 CEST
  // Every third day from 6 Jan 2025: 100 listed instances, horizon at the 101st (6 Jan 2025 + 300 days).
  const open = spans('open');
  assert.equal((open.length - 1) / 2, MAX_EXACT_INSTANCES);
  assert.equal(open[0], Date.UTC(2025, 0, 6, 7) + 300 * DAY);
  assert.equal(at('open', '2025-11-02T07:00:00Z', '2025-11-02T07:00:01Z'), undefined); // past the horizon: matchesFilter decides
  assert.equal(at('open', '2025-10-31T00:00:00Z', '2025-11-01T00:00:00Z'), false); // 30 Oct 07:00Z and 2 Nov are instances
  assert.equal(at('open', '2025-10-30T07:29:59Z', '2025-10-30T08:00:00Z'), true);
});

test('the persisted index is tied to the runtime tz data (exact spans of IANA-zoned times depend on it)', () => {
  // 2025c is release c (the third) of 2025: 2025 * 26 + 3; any other release gives another number.
  assert.equal(tzDataStamp('2025c'), 2025 * 26 + 3);
  assert.notEqual(tzDataStamp('2025a'), tzDataStamp('2024z'));
  assert.notEqual(tzDataStamp('2025a'), tzDataStamp('2025b'));
  assert.equal(tzDataStamp(undefined), 0);
  assert.equal(tzDataStamp('weird'), 0);
});
