import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml } from '../../src/dav/xml/parse.js';
import { DavError } from '../../src/dav/errors.js';
import { parseCalendarObject, type ParsedCalendarObject } from '../../src/caldav/parse.js';
import { parseCalendarFilter, matchesFilter, filterTimeRange, parseQueryTimezone, type FilterContext } from '../../src/caldav/filter.js';
import { ianaZone } from '../../src/caldav/timezones.js';

// The calendar collection of RFC 4791 Appendix B (abcd2 with both overrides, as in §7.8.1's data).
const RFC = Object.fromEntries(
  [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`abcd${n}`, parseCalendarObject(readFileSync(new URL(`../fixtures/ical/rfc4791-abcd${n}.ics`, import.meta.url)))]),
) as Record<string, ParsedCalendarObject>;
const fixture = (name: string) => parseCalendarObject(readFileSync(new URL(`../fixtures/ical/${name}`, import.meta.url)));
const inline = (body: string) => parseCalendarObject(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\n${body.trim().replace(/\n/g, '\r\n')}\r\nEND:VCALENDAR\r\n`);

const NS = 'xmlns:C="urn:ietf:params:xml:ns:caldav"';
const filter = (inner: string) => parseCalendarFilter(parseXml(`<C:filter ${NS}>${inner}</C:filter>`));
const inCal = (inner: string) => filter(`<C:comp-filter name="VCALENDAR">${inner}</C:comp-filter>`);

/** Names of the Appendix B resources that match. */
function query(inner: string, ctx: FilterContext = {}): string[] {
  const f = inCal(inner);
  return Object.entries(RFC)
    .filter(([, o]) => matchesFilter(o, f, ctx))
    .map(([k]) => k);
}

test('Appendix B: an empty VCALENDAR comp-filter matches every object', () => {
  assert.deepEqual(query(''), ['abcd1', 'abcd2', 'abcd3', 'abcd4', 'abcd5', 'abcd6', 'abcd7', 'abcd8']);
});

test('§7.8.8: retrieval of events only', () => {
  assert.deepEqual(query('<C:comp-filter name="VEVENT"/>'), ['abcd1', 'abcd2', 'abcd3']);
  assert.deepEqual(query('<C:comp-filter name="vtodo"/>'), ['abcd4', 'abcd5', 'abcd6', 'abcd7'], 'component names are case-insensitive');
});

test('§7.8.1/§7.8.3: events by time range, recurrence and overrides considered', () => {
  // abcd2: daily at 12:00 US/Eastern (17:00Z) Jan 2-6, the Jan 4 instance moved to 14:00 (19:00Z);
  // abcd3: Jan 4 10:00 US/Eastern = 15:00Z; abcd1: Jan 2 15:00Z.
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:time-range start="20060104T000000Z" end="20060105T000000Z"/></C:comp-filter>'), ['abcd2', 'abcd3']);
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:time-range start="20060103T000000Z" end="20060105T000000Z"/></C:comp-filter>'), ['abcd2', 'abcd3']);
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:time-range start="20060102T150000Z" end="20060102T160000Z"/></C:comp-filter>'), ['abcd1']);
});

test('recurring event: an override moves an instance out of and into a range', () => {
  const tr = (s: string, e: string) => `<C:comp-filter name="VEVENT"><C:time-range start="${s}" end="${e}"/></C:comp-filter>`;
  assert.deepEqual(query(tr('20060105T170000Z', '20060105T180000Z')), ['abcd2'], 'Jan 5 instance, 12:00 EST');
  assert.deepEqual(query(tr('20060104T170000Z', '20060104T180000Z')), [], 'Jan 4 12:00 EST was moved away');
  assert.deepEqual(query(tr('20060104T190000Z', '20060104T200000Z')), ['abcd2'], 'and moved here');
  assert.deepEqual(query(tr('20060106T170000Z', '20060106T180000Z')), [], 'Jan 6 moved to 14:00 EST by "bis bis"');
  assert.deepEqual(query(tr('20060107T000000Z', '20060108T000000Z')), [], 'COUNT=5 ends on Jan 6');
  // Open-ended ranges (RFC 4791 §9.9: a missing bound is infinite).
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:time-range start="20060106T190000Z"/></C:comp-filter>'), ['abcd2']);
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:time-range end="20060102T150001Z"/></C:comp-filter>'), ['abcd1']);
});

test('time-range with prop-filters is evaluated per instance (master vs override properties)', () => {
  const q = (s: string, e: string, tm: string) =>
    query(`<C:comp-filter name="VEVENT"><C:time-range start="${s}" end="${e}"/><C:prop-filter name="SUMMARY">${tm}</C:prop-filter></C:comp-filter>`);
  // Jan 4: the only abcd2 instance in range is the override "Event #2 bis".
  assert.deepEqual(q('20060104T000000Z', '20060105T000000Z', '<C:text-match>bis</C:text-match>'), ['abcd2']);
  // Jan 3: the only abcd2 instance in range comes from the master "Event #2".
  assert.deepEqual(q('20060103T000000Z', '20060104T000000Z', '<C:text-match>bis</C:text-match>'), []);
  assert.deepEqual(q('20060103T000000Z', '20060104T000000Z', '<C:text-match negate-condition="yes">bis</C:text-match>'), ['abcd2']);
});

test('§7.8.4: stored free busy by time range', () => {
  assert.deepEqual(query('<C:comp-filter name="VFREEBUSY"><C:time-range start="20060102T000000Z" end="20060103T000000Z"/></C:comp-filter>'), ['abcd8']);
  // abcd8 spans Jan 1 - Jan 8 (DTSTART/DTEND): (start <= DTEND AND end > DTSTART).
  assert.deepEqual(query('<C:comp-filter name="VFREEBUSY"><C:time-range start="20060108T000000Z" end="20060109T000000Z"/></C:comp-filter>'), ['abcd8']);
  assert.deepEqual(query('<C:comp-filter name="VFREEBUSY"><C:time-range start="20060109T000000Z" end="20060110T000000Z"/></C:comp-filter>'), []);
});

test('§7.8.6: event by UID with i;octet', () => {
  assert.deepEqual(
    query('<C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">DC6C50A017428C5216A2F1CD@example.com</C:text-match></C:prop-filter></C:comp-filter>'),
    ['abcd3'],
  );
  assert.deepEqual(
    query('<C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">dc6c50a017428c5216a2f1cd@example.com</C:text-match></C:prop-filter></C:comp-filter>'),
    [],
    'i;octet is case-sensitive',
  );
  assert.deepEqual(
    query('<C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match>dc6c50a017428c5216a2f1cd@example.com</C:text-match></C:prop-filter></C:comp-filter>'),
    ['abcd3'],
    'default collation i;ascii-casemap',
  );
});

test('§7.8.7: events by ATTENDEE and PARTSTAT (param-filter tests the same property)', () => {
  const q = (partstat: string) =>
    query(
      `<C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE"><C:text-match collation="i;ascii-casemap">mailto:lisa@example.com</C:text-match>` +
        `<C:param-filter name="PARTSTAT"><C:text-match collation="i;ascii-casemap">${partstat}</C:text-match></C:param-filter></C:prop-filter></C:comp-filter>`,
    );
  assert.deepEqual(q('NEEDS-ACTION'), ['abcd3']);
  // cyrus ACCEPTED and lisa NEEDS-ACTION: no single ATTENDEE is lisa AND accepted.
  assert.deepEqual(q('ACCEPTED'), []);
});

test('param-filter: exists, is-not-defined, text-match', () => {
  const q = (pf: string) => query(`<C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE">${pf}</C:prop-filter></C:comp-filter>`);
  assert.deepEqual(q('<C:param-filter name="ROLE"/>'), ['abcd3'], 'cyrus has ROLE');
  assert.deepEqual(q('<C:param-filter name="ROLE"><C:is-not-defined/></C:param-filter>'), ['abcd3'], 'lisa has none');
  assert.deepEqual(q('<C:param-filter name="ROLE"><C:text-match>chair</C:text-match></C:param-filter>'), ['abcd3']);
  assert.deepEqual(q('<C:param-filter name="ROLE"><C:text-match negate-condition="yes">CHAIR</C:text-match></C:param-filter>'), [], 'a missing parameter never satisfies a text-match');
  assert.deepEqual(q('<C:param-filter name="CN"/>'), []);
  assert.deepEqual(
    query('<C:comp-filter name="VFREEBUSY"><C:prop-filter name="ORGANIZER"><C:param-filter name="CN"><C:text-match>desruisseaux</C:text-match></C:param-filter></C:prop-filter></C:comp-filter>'),
    ['abcd8'],
  );
});

test('§7.8.9: pending to-dos (is-not-defined and negate-condition)', () => {
  assert.deepEqual(
    query(
      '<C:comp-filter name="VTODO"><C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter>' +
        '<C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter></C:comp-filter>',
    ),
    ['abcd4', 'abcd5'],
  );
  // A VTODO without STATUS has nothing to text-match, negated or not.
  const noStatus = inline('BEGIN:VTODO\nUID:t\nSUMMARY:x\nEND:VTODO');
  assert.equal(matchesFilter(noStatus, inCal('<C:comp-filter name="VTODO"><C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter></C:comp-filter>')), false);
});

test('is-not-defined on components', () => {
  assert.deepEqual(query('<C:comp-filter name="VTODO"><C:is-not-defined/></C:comp-filter>'), ['abcd1', 'abcd2', 'abcd3', 'abcd8']);
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:comp-filter name="VALARM"><C:is-not-defined/></C:comp-filter></C:comp-filter>'), ['abcd1', 'abcd2', 'abcd3']);
  assert.deepEqual(query('<C:comp-filter name="VTODO"><C:comp-filter name="VALARM"/></C:comp-filter>'), ['abcd4', 'abcd5']);
  assert.deepEqual(query('<C:comp-filter name="VTIMEZONE"/>'), ['abcd1', 'abcd2', 'abcd3']);
  assert.deepEqual(query('<C:comp-filter name="VEVENT"/><C:comp-filter name="VTODO"/>'), [], 'sibling comp-filters must all match');
});

test('prop-filter: exists, is-not-defined, mixed-case names, X- properties, VCALENDAR properties', () => {
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:prop-filter name="RRULE"/></C:comp-filter>'), ['abcd2']);
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:prop-filter name="DURATION"><C:is-not-defined/></C:prop-filter></C:comp-filter>'), []);
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:prop-filter name="DESCRIPTION"><C:text-match>steelers</C:text-match></C:prop-filter></C:comp-filter>'), ['abcd1'], '"Description:" is DESCRIPTION');
  assert.deepEqual(query('<C:comp-filter name="VEVENT"><C:prop-filter name="X-ABC-GUID"><C:text-match>e1cx5dr</C:text-match></C:prop-filter></C:comp-filter>'), ['abcd3']);
  assert.deepEqual(query('<C:prop-filter name="PRODID"><C:text-match>Example Corp.</C:text-match></C:prop-filter>').length, 8);
  assert.deepEqual(query('<C:prop-filter name="METHOD"><C:is-not-defined/></C:prop-filter>').length, 8);
});

test('text-match: collations and negation on SUMMARY', () => {
  const q = (tm: string) => query(`<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY">${tm}</C:prop-filter></C:comp-filter>`);
  assert.deepEqual(q('<C:text-match>event #</C:text-match>'), ['abcd1', 'abcd2', 'abcd3']);
  assert.deepEqual(q('<C:text-match collation="i;octet">event #</C:text-match>'), []);
  assert.deepEqual(q('<C:text-match collation="i;octet">Event #2</C:text-match>'), ['abcd2']);
  // abcd2's master and both overrides all contain "Event #2": no component satisfies the negation.
  assert.deepEqual(q('<C:text-match negate-condition="yes">Event #2</C:text-match>'), ['abcd1', 'abcd3']);
  // "bis" is only in overrides; the master satisfies the negation.
  assert.deepEqual(q('<C:text-match negate-condition="yes">bis</C:text-match>'), ['abcd1', 'abcd2', 'abcd3']);

  const apple = fixture('apple-event.ics'); // SUMMARY:Réunion d'équipe
  const s = (tm: string) => matchesFilter(apple, inCal(`<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY">${tm}</C:prop-filter></C:comp-filter>`));
  assert.equal(s('<C:text-match collation="i;unicode-casemap">ÉQUIPE</C:text-match>'), true);
  assert.equal(s('<C:text-match collation="i;ascii-casemap">ÉQUIPE</C:text-match>'), false, 'é is not folded by i;ascii-casemap');
  assert.equal(s('<C:text-match collation="i;ascii-casemap">RÉUNION</C:text-match>'), false);
  assert.equal(s('<C:text-match collation="i;ascii-casemap">RéUNION</C:text-match>'), true);
  assert.equal(s('<C:text-match collation="i;unicode-casemap">REUNION</C:text-match>'), false, 'accents are not ignored');
});

test('multi-valued properties: CATEGORIES values are matched one by one', () => {
  const tb = fixture('thunderbird-event.ics'); // CATEGORIES:Work,Planning on the master only
  const c = (tm: string) => matchesFilter(tb, inCal(`<C:comp-filter name="VEVENT"><C:prop-filter name="CATEGORIES">${tm}</C:prop-filter></C:comp-filter>`));
  assert.equal(c('<C:text-match>planning</C:text-match>'), true);
  assert.equal(c('<C:text-match collation="i;octet">Work</C:text-match>'), true);
  assert.equal(c('<C:text-match>holiday</C:text-match>'), false);
  assert.equal(c('<C:text-match negate-condition="yes">planning</C:text-match>'), false, 'a value contains it');
  assert.equal(c('<C:text-match negate-condition="yes">holiday</C:text-match>'), true);
  // The override has no CATEGORIES; the master has: the VEVENT comp-filter matches through the master.
  assert.equal(matchesFilter(tb, inCal('<C:comp-filter name="VEVENT"><C:prop-filter name="CATEGORIES"><C:is-not-defined/></C:prop-filter></C:comp-filter>')), true);
  const escaped = inline('BEGIN:VEVENT\nUID:e\nDTSTART:20260101T000000Z\nCATEGORIES:a\\,b,c\nEND:VEVENT');
  const e = (tm: string) => matchesFilter(escaped, inCal(`<C:comp-filter name="VEVENT"><C:prop-filter name="CATEGORIES">${tm}</C:prop-filter></C:comp-filter>`));
  assert.equal(e('<C:text-match>a,b</C:text-match>'), true, 'the escaped comma belongs to the value "a,b"');
});

test('prop-filter time-range on DTSTAMP, LAST-MODIFIED and DTSTART of instances', () => {
  assert.deepEqual(
    query('<C:comp-filter name="VEVENT"><C:prop-filter name="DTSTAMP"><C:time-range start="20060206T001200Z" end="20060206T001300Z"/></C:prop-filter></C:comp-filter>'),
    ['abcd3'],
  );
  assert.deepEqual(
    query('<C:comp-filter name="VTODO"><C:prop-filter name="COMPLETED"><C:time-range start="20051201T000000Z" end="20060101T000000Z"/></C:prop-filter></C:comp-filter>'),
    ['abcd6'],
  );
  // DTSTART of a generated instance: abcd2's Jan 5 occurrence starts 17:00Z.
  assert.deepEqual(
    query(
      '<C:comp-filter name="VEVENT"><C:time-range start="20060105T000000Z" end="20060106T000000Z"/>' +
        '<C:prop-filter name="DTSTART"><C:time-range start="20060105T170000Z" end="20060105T170001Z"/></C:prop-filter></C:comp-filter>',
    ),
    ['abcd2'],
  );
});

test('VALARM time-range: triggers of every instance of a recurring event', () => {
  const daily = inline(`BEGIN:VEVENT
UID:alarm-series
DTSTART:20260105T090000Z
DURATION:PT30M
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Stand-up
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Stand-up
TRIGGER:-PT15M
END:VALARM
END:VEVENT`);
  const alarm = (s: string, e: string, outer = '') =>
    matchesFilter(daily, inCal(`<C:comp-filter name="VEVENT">${outer}<C:comp-filter name="VALARM"><C:time-range start="${s}" end="${e}"/></C:comp-filter></C:comp-filter>`));
  // Instances Jan 5, 6, 7 at 09:00Z; alarms at 08:45Z.
  assert.equal(alarm('20260106T084000Z', '20260106T085000Z'), true);
  assert.equal(alarm('20260106T084500Z', '20260106T084501Z'), true, 'start is inclusive');
  assert.equal(alarm('20260106T084000Z', '20260106T084500Z'), false, 'end is exclusive');
  assert.equal(alarm('20260108T084000Z', '20260108T085000Z'), false, 'COUNT=3: no instance on Jan 8');
  // Nested under an event time-range: the alarm must belong to an instance in that range.
  assert.equal(alarm('20260106T084000Z', '20260106T085000Z', '<C:time-range start="20260106T000000Z" end="20260107T000000Z"/>'), true);
  assert.equal(alarm('20260106T084000Z', '20260106T085000Z', '<C:time-range start="20260107T000000Z" end="20260108T000000Z"/>'), false);
  // A to-do with DTSTART and an alarm RELATED=END to its DUE (RFC 4791 §7.8.5 shape).
  const todo = inline(`BEGIN:VTODO
UID:todo-alarm
DTSTART:20060106T120000Z
DUE:20060106T170000Z
SUMMARY:Task
BEGIN:VALARM
ACTION:AUDIO
TRIGGER;RELATED=END:-PT10M
END:VALARM
END:VTODO`);
  const f = inCal('<C:comp-filter name="VTODO"><C:comp-filter name="VALARM"><C:time-range start="20060106T100000Z" end="20060107T100000Z"/></C:comp-filter></C:comp-filter>');
  assert.equal(matchesFilter(todo, f), true, 'trigger 16:50Z');
});

test('floating times are read in the query time zone', () => {
  const floating = inline('BEGIN:VEVENT\nUID:f\nDTSTART:20260110T090000\nDTEND:20260110T093000\nSUMMARY:Floating\nEND:VEVENT');
  const f = inCal('<C:comp-filter name="VEVENT"><C:time-range start="20260110T080000Z" end="20260110T083000Z"/></C:comp-filter>');
  assert.equal(matchesFilter(floating, f), false, 'UTC by default: 09:00Z');
  assert.equal(matchesFilter(floating, f, { floatingZone: ianaZone('Europe/Paris') }), true, 'Paris in January is UTC+1: 08:00Z');
});

test('time-range across the March 2027 DST change in Europe/Paris', () => {
  // Sunday 28 March 2027 at 02:00 Paris clocks jump to 03:00 (UTC+1 → UTC+2).
  const weekly = inline(`BEGIN:VEVENT
UID:dst
DTSTART;TZID=Europe/Paris:20270322T100000
DTEND;TZID=Europe/Paris:20270322T110000
RRULE:FREQ=WEEKLY;COUNT=3
END:VEVENT`);
  const at = (s: string, e: string) => matchesFilter(weekly, inCal(`<C:comp-filter name="VEVENT"><C:time-range start="${s}" end="${e}"/></C:comp-filter>`));
  assert.equal(at('20270322T090000Z', '20270322T091500Z'), true, 'Mar 22: 10:00 CET = 09:00Z');
  assert.equal(at('20270329T080000Z', '20270329T081500Z'), true, 'Mar 29: 10:00 CEST = 08:00Z');
  assert.equal(at('20270329T093000Z', '20270329T100000Z'), false, 'not 09:00Z any more');
});

test('parse errors: valid-filter, supported-collation, supported-filter', () => {
  const fails = (xml: string, condition: string, re?: RegExp) =>
    assert.throws(
      () => parseCalendarFilter(parseXml(xml)),
      (e: unknown) => e instanceof DavError && e.status === 403 && e.condition === `{urn:ietf:params:xml:ns:caldav}${condition}` && (!re || re.test(e.message)),
    );
  const F = (inner: string) => `<C:filter ${NS}>${inner}</C:filter>`;
  const V = (inner: string) => F(`<C:comp-filter name="VCALENDAR">${inner}</C:comp-filter>`);
  fails(F(''), 'valid-filter', /exactly one/);
  fails(F('<C:comp-filter name="VCALENDAR"/><C:comp-filter name="VCALENDAR"/>'), 'valid-filter');
  fails(F('<C:comp-filter name="VEVENT"/>'), 'valid-filter', /VCALENDAR/);
  fails(F('<C:comp-filter/>'), 'valid-filter', /name/);
  fails(V('<C:comp-filter name="VEVENT"><C:is-not-defined/><C:prop-filter name="UID"/></C:comp-filter>'), 'valid-filter', /is-not-defined/);
  fails(V('<C:comp-filter name="VEVENT"><C:time-range/></C:comp-filter>'), 'valid-filter', /start or an end/);
  fails(V('<C:comp-filter name="VEVENT"><C:time-range start="20060104T000000"/></C:comp-filter>'), 'valid-filter', /UTC/);
  fails(V('<C:comp-filter name="VEVENT"><C:time-range start="20060230T000000Z"/></C:comp-filter>'), 'valid-filter');
  fails(V('<C:comp-filter name="VEVENT"><C:time-range start="20060105T000000Z" end="20060105T000000Z"/></C:comp-filter>'), 'valid-filter', /after/);
  fails(V('<C:comp-filter name="VEVENT"><C:time-range start="20060101T000000Z"/><C:time-range start="20060101T000000Z"/></C:comp-filter>'), 'valid-filter');
  fails(V('<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match collation="i;basic">x</C:text-match></C:prop-filter></C:comp-filter>'), 'supported-collation', /i;basic/);
  fails(V('<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match negate-condition="maybe">x</C:text-match></C:prop-filter></C:comp-filter>'), 'valid-filter');
  fails(V('<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match>x</C:text-match><C:text-match>y</C:text-match></C:prop-filter></C:comp-filter>'), 'valid-filter');
  fails(V('<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:is-not-defined/><C:text-match>y</C:text-match></C:prop-filter></C:comp-filter>'), 'valid-filter');
  fails(V('<C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE"><C:param-filter name="PARTSTAT"><C:is-not-defined/><C:text-match>y</C:text-match></C:param-filter></C:prop-filter></C:comp-filter>'), 'valid-filter');
  fails(V('<C:comp-filter name="VEVENT"><C:bogus/></C:comp-filter>'), 'valid-filter', /bogus/);
  fails(V('<C:comp-filter name="VTIMEZONE"><C:time-range start="20060101T000000Z"/></C:comp-filter>'), 'supported-filter', /VTIMEZONE/);
  fails(V('<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:time-range start="20060101T000000Z"/></C:prop-filter></C:comp-filter>'), 'supported-filter', /SUMMARY/);
});

test('supported-filter names the offending element', () => {
  try {
    inCal('<C:comp-filter name="VEVENT"><C:prop-filter name="LOCATION"><C:time-range start="20060101T000000Z"/></C:prop-filter></C:comp-filter>');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof DavError);
    assert.deepEqual(e.conditionContent, [{ name: '{urn:ietf:params:xml:ns:caldav}prop-filter', attrs: { '{}name': 'LOCATION' }, children: [] }]);
  }
});

test('elements of other namespaces are ignored; the parsed AST is typed', () => {
  const f = parseCalendarFilter(
    parseXml(
      `<C:filter ${NS} xmlns:X="urn:x"><X:hint/><C:comp-filter name="vcalendar"><C:comp-filter name="VEVENT">` +
        `<C:prop-filter name="summary"><C:text-match negate-condition="yes" collation="i;octet">Lunch</C:text-match></C:prop-filter>` +
        `</C:comp-filter></C:comp-filter></C:filter>`,
    ),
  );
  assert.deepEqual(f, {
    root: {
      name: 'VCALENDAR',
      isNotDefined: false,
      propFilters: [],
      compFilters: [
        {
          name: 'VEVENT',
          isNotDefined: false,
          propFilters: [{ name: 'SUMMARY', isNotDefined: false, paramFilters: [], textMatch: { value: 'Lunch', collation: 'i;octet', negate: true } }],
          compFilters: [],
        },
      ],
    },
  });
});

test('filterTimeRange: the outermost VEVENT/VTODO time-range, else null', () => {
  assert.deepEqual(filterTimeRange(inCal('<C:comp-filter name="VEVENT"><C:time-range start="20060104T000000Z" end="20060105T000000Z"/></C:comp-filter>')), {
    start: new Date(Date.UTC(2006, 0, 4)),
    end: new Date(Date.UTC(2006, 0, 5)),
  });
  assert.deepEqual(filterTimeRange(inCal('<C:comp-filter name="VTODO"><C:time-range start="20060104T000000Z"/></C:comp-filter>')), { start: new Date(Date.UTC(2006, 0, 4)), end: null });
  assert.equal(filterTimeRange(inCal('<C:comp-filter name="VEVENT"/>')), null);
  assert.equal(filterTimeRange(inCal('<C:comp-filter name="VTODO"><C:comp-filter name="VALARM"><C:time-range start="20060104T000000Z"/></C:comp-filter></C:comp-filter>')), null);
});

test('parseQueryTimezone: CALDAV:timezone with one VTIMEZONE, CALDAV:timezone-id', () => {
  const tzText = readFileSync(new URL('../fixtures/ical/rfc4791-abcd1.ics', import.meta.url), 'utf8').replace(/BEGIN:VEVENT[\s\S]*END:VEVENT\r\n/, '');
  const zone = parseQueryTimezone({ name: '{urn:ietf:params:xml:ns:caldav}timezone', attrs: {}, children: [tzText] });
  assert.equal(zone.tzid, 'US/Eastern');
  assert.equal(parseQueryTimezone({ name: '{urn:ietf:params:xml:ns:caldav}timezone-id', attrs: {}, children: ['Europe/Paris'] }).tzid, 'Europe/Paris');
  assert.throws(
    () => parseQueryTimezone({ name: '{urn:ietf:params:xml:ns:caldav}timezone', attrs: {}, children: ['BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'] }),
    (e: unknown) => e instanceof DavError && e.condition === '{urn:ietf:params:xml:ns:caldav}valid-calendar-data',
  );
  assert.throws(
    () => parseQueryTimezone({ name: '{urn:ietf:params:xml:ns:caldav}timezone-id', attrs: {}, children: ['Mars/Base'] }),
    (e: unknown) => e instanceof DavError && e.condition === '{urn:ietf:params:xml:ns:caldav}valid-timezone',
  );
});
