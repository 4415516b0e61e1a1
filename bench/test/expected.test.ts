/**
 * The expected-answer model, checked against values worked out by hand from the EU summer-time
 * rule and RFC 5545's weekly recurrence semantics (not from this code's output).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../prng.js';
import { folded } from '../data/fold.js';
import { weeklyInstances } from '../data/recurrence.js';
import { lastSunday, parisToUtc, HOUR, DAY, MINUTE } from '../data/time.js';
import { eventMatches, eventSpans, expectedEmailMatch } from '../expected.js';
import { generateDataset } from '../data/dataset.js';
import type { EventModel } from '../data/events.js';
import type { CardModel } from '../data/cards.js';

const naive = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);

test('last Sundays of March and October (calendar lookup)', () => {
  assert.equal(lastSunday(2025, 3), 30);
  assert.equal(lastSunday(2025, 10), 26);
  assert.equal(lastSunday(2026, 3), 29);
  assert.equal(lastSunday(2026, 10), 25);
});

test('Paris wall clock to UTC around both 2026 changes', () => {
  assert.equal(parisToUtc(naive(2026, 3, 28, 10)), Date.UTC(2026, 2, 28, 9)); // CET
  assert.equal(parisToUtc(naive(2026, 3, 29, 10)), Date.UTC(2026, 2, 29, 8)); // CEST from 01:00Z that day
  assert.equal(parisToUtc(naive(2026, 10, 24, 10)), Date.UTC(2026, 9, 24, 8)); // still CEST
  assert.equal(parisToUtc(naive(2026, 10, 25, 10)), Date.UTC(2026, 9, 25, 9)); // CET again
  assert.equal(parisToUtc(naive(2026, 1, 15, 0, 30)), Date.UTC(2026, 0, 14, 23, 30));
});

test('weekly BYDAY=TU,TH COUNT=5 from Tuesday 24 March 2026 10:00 Paris crosses the DST change', () => {
  const start = naive(2026, 3, 24, 10);
  const got = weeklyInstances(start, { interval: 1, byday: [1, 3], count: 5 }, parisToUtc, Infinity).map(parisToUtc);
  assert.deepEqual(got, [
    Date.UTC(2026, 2, 24, 9),
    Date.UTC(2026, 2, 26, 9),
    Date.UTC(2026, 2, 31, 8),
    Date.UTC(2026, 3, 2, 8),
    Date.UTC(2026, 3, 7, 8),
  ]);
});

test('INTERVAL=2 and an inclusive UNTIL', () => {
  const start = naive(2025, 1, 6, 9); // a Monday
  const rule = { interval: 2, byday: [0] };
  assert.deepEqual(weeklyInstances(start, { ...rule, count: 3 }, parisToUtc, Infinity), [naive(2025, 1, 6, 9), naive(2025, 1, 20, 9), naive(2025, 2, 3, 9)]);
  // UNTIL exactly on the third instance (08:00Z in winter) keeps it; one second earlier drops it.
  const until = Date.UTC(2025, 1, 3, 8);
  assert.equal(weeklyInstances(start, { ...rule, untilUtc: until }, parisToUtc, Infinity).length, 3);
  assert.equal(weeklyInstances(start, { ...rule, untilUtc: until - 1000 }, parisToUtc, Infinity).length, 2);
  // An open rule stops before the first instance at or after the stop time.
  assert.equal(weeklyInstances(start, rule, parisToUtc, Date.UTC(2025, 1, 3, 8)).length, 2);
});

function series(over: Partial<EventModel>): EventModel {
  return {
    name: 'x.ics', uid: 'x', kind: 'paris', start: naive(2026, 3, 2, 10), durationMs: HOUR, useDuration: false,
    rule: { interval: 1, byday: [0], count: 6 }, alarm: false, summary: '', location: '', description: '', attendees: [],
    ...over,
  };
}

test('EXDATE removes the only instance in a range; an override moved into a range matches', () => {
  // Mondays 10:00 Paris: 2, 9, 16, 23, 30 March, 6 April 2026. Range: Thursday 26 March to Thursday 2 April 12:00Z
  // contains only Monday 30 March (08:00Z-09:00Z).
  const range = { start: Date.UTC(2026, 2, 26, 12), end: Date.UTC(2026, 3, 2, 12), label: 'r' };
  assert.equal(eventMatches(series({}), range), true);
  assert.equal(eventMatches(series({ exdate: naive(2026, 3, 30, 10) }), range), false);
  // Instance of 16 March moved to Friday 27 March 15:00 Paris (14:00Z): in range again.
  const moved = series({ exdate: naive(2026, 3, 30, 10), override: { recurrenceId: naive(2026, 3, 16, 10), start: naive(2026, 3, 27, 15), durationMs: HOUR } });
  assert.equal(eventMatches(moved, range), true);
  // ...and the instance of 30 March moved out of the range (to 3 April): no match.
  const out = series({ override: { recurrenceId: naive(2026, 3, 30, 10), start: naive(2026, 4, 3, 10), durationMs: HOUR } });
  assert.equal(eventMatches(out, range), false);
});

test('touching boundaries do not overlap; all-day dates are taken as UTC', () => {
  const range = { start: Date.UTC(2026, 2, 25, 12), end: Date.UTC(2026, 3, 1, 12), label: 'r' };
  // Ends exactly at the range start (12:00Z = 13:00 Paris in winter).
  const ending = series({ rule: undefined, start: naive(2026, 3, 25, 12), durationMs: HOUR });
  assert.deepEqual(eventSpans(ending, range.end), [{ start: Date.UTC(2026, 2, 25, 11), end: Date.UTC(2026, 2, 25, 12) }]);
  assert.equal(eventMatches(ending, range), false);
  // Starts exactly at the range end (12:00Z = 14:00 Paris in summer).
  assert.equal(eventMatches(series({ rule: undefined, start: naive(2026, 4, 1, 14) }), range), false);
  assert.equal(eventMatches(series({ rule: undefined, start: naive(2026, 4, 1, 13, 30), useDuration: true, durationMs: 30 * MINUTE }), range), true);
  const allday = (d: number): EventModel => series({ kind: 'allday', rule: undefined, start: naive(2026, 3, d), durationMs: DAY });
  assert.equal(eventMatches(allday(24), range), false); // 24 March 00:00Z-25 March 00:00Z
  assert.equal(eventMatches(allday(25), range), true);
  assert.equal(eventMatches(allday(31), range), true);
});

test('EMAIL contains is case-insensitive and looks at EMAIL only', () => {
  const card = (name: string, emails: string[], note = ''): CardModel => ({
    name, uid: name, version: '4.0', first: 'A', last: 'B', org: { org: 'Nordwind', domain: 'x' }, title: '', note,
    emails: emails.map((address) => ({ type: 'work', address })), tels: [], adr: { street: '', city: '', postal: '', country: '' },
  });
  const got = expectedEmailMatch([card('a', ['x@Nordwind-Logistik.DE']), card('b', ['y@mail.example', 'y@nordwind-logistik.de']), card('c', ['z@mail.example'], 'nordwind')], 'nordwind');
  assert.deepEqual([...got].sort(), ['a', 'b']);
});

test('folding: 75 octets on the first line, 74 after the leading space, never inside a UTF-8 sequence', () => {
  const out = folded(['X'.repeat(80)]);
  assert.equal(out, `${'X'.repeat(75)}\r\n ${'X'.repeat(5)}\r\n`);
  const accented = folded(['A'.repeat(74) + 'é' + 'B']);
  assert.equal(accented, `${'A'.repeat(74)}\r\n éB\r\n`);
});

test('the generator is deterministic', () => {
  assert.deepEqual([new Prng(7).next(), new Prng(7).uuid()], [new Prng(7).next(), new Prng(7).uuid()]);
  const a = generateDataset(50);
  const b = generateDataset(50);
  assert.ok(a.eventItems.every((it, i) => it.body.equals(b.eventItems[i]!.body)));
  assert.ok(a.cardItems.every((it, i) => it.body.equals(b.cardItems[i]!.body)));
  assert.equal(new Set(a.updates).size, a.updates.length);
  assert.ok(!a.updates.includes(a.syncChange));
});
