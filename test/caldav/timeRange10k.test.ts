// A one-week time-range query over 10 000 calendar objects, most carrying an embedded VTIMEZONE,
// many recurring since years before the range. Checks the count (worked out below) at the scale
// the benchmark runs; its speed is measured by `npm run bench`, not by a timed test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolverFor } from '../../src/caldav/timezones.js';
import { calendarObjectOverlaps } from '../../src/caldav/timeRange.js';
import { fixtureText, parseCal } from '../fixtures/ical/time/load.js';

const PARIS = fixtureText('paris-weekly.ics').match(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/)![0];
const NY = fixtureText('newyork-march.ics').match(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/)![0];

function wrap(zone: string, body: string): string {
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//perf//EN\r\n${zone}BEGIN:VEVENT\r\nDTSTAMP:20240101T000000Z\r\n${body}END:VEVENT\r\nEND:VCALENDAR\r\n`;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');
}

function corpus(): string[] {
  const out: string[] = [];
  const base = Date.UTC(2023, 0, 1);
  // 6000 single events, event i at 2023-01-01 00:00 + 3i hours for one hour: even i in UTC,
  // odd i at that wall time in Europe/Paris (2 h earlier in UTC during summer time).
  for (let i = 0; i < 6000; i++) {
    const s = base + i * 3 * 3600_000;
    const e = s + 3600_000;
    out.push(
      i % 2 === 0
        ? wrap(PARIS, `UID:single-${i}\r\nDTSTART:${stamp(s)}Z\r\nDTEND:${stamp(e)}Z\r\n`)
        : wrap(PARIS, `UID:single-${i}\r\nDTSTART;TZID=Europe/Paris:${stamp(s)}\r\nDTEND;TZID=Europe/Paris:${stamp(e)}\r\n`),
    );
  }
  // 2000 weekly events since January 2020 on every weekday: each has one instance in any week.
  for (let i = 0; i < 2000; i++) {
    const day = String(6 + (i % 7)).padStart(2, '0');
    out.push(wrap(PARIS, `UID:weekly-${i}\r\nDTSTART;TZID=Europe/Paris:202001${day}T100000\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\n`));
  }
  // 1500 daily events since 2021 in New York: one instance every day.
  for (let i = 0; i < 1500; i++) {
    out.push(wrap(NY, `UID:daily-${i}\r\nDTSTART;TZID=America/New_York:20210301T0${i % 10}3000\r\nDURATION:PT30M\r\nRRULE:FREQ=DAILY\r\n`));
  }
  // 500 monthly events on the second Tuesday since January 2019 (IANA name only): June 2024's
  // second Tuesday is the 11th, outside the week.
  for (let i = 0; i < 500; i++) {
    out.push(wrap('', `UID:monthly-${i}\r\nDTSTART;TZID=Europe/Berlin:20190108T150000\r\nDURATION:PT1H\r\nRRULE:FREQ=MONTHLY;BYDAY=2TU\r\n`));
  }
  return out;
}

test('one-week query over 10k objects: right count', () => {
  const objects = corpus().map(parseCal);
  // Week [3 June 2024, 10 June 2024) = hours [12456, 12624) after 2023-01-01 (519 and 526 days).
  // UTC singles (even i) overlap when 3i < 12624 and 3i + 1 > 12456: i in 4152..4207 -> 28 even values.
  // Paris singles (odd i) run 3i-2 .. 3i-1 in UTC: 3i - 2 < 12624 and 3i - 1 > 12456: i in 4153..4208 -> 28 odd.
  // Plus 2000 weekly and 1500 daily; no monthly. Total 3556.
  const range = { start: new Date('2024-06-03T00:00:00Z'), end: new Date('2024-06-10T00:00:00Z') };
  let n = 0;
  for (const c of objects) if (calendarObjectOverlaps(c, 'VEVENT', range, resolverFor(c))) n++;
  assert.equal(n, 3556);
});
