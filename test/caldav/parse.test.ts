import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCalendar, parseCalendarObject, CalendarCache, CalendarParseError, decodeUtf8 } from '../../src/caldav/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ical/${name}`, import.meta.url));

test('parseCalendar returns the VCALENDAR component', () => {
  const c = parseCalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:a\\, b\r\n  folded\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
  assert.equal(c.name, 'vcalendar');
  // Unfolding drops the CRLF and the single leading space; "\," is an escaped comma.
  assert.equal(c.getFirstSubcomponent('vevent')?.getFirstPropertyValue('summary'), 'a, b folded');
});

test('parseCalendar throws CalendarParseError with a line number where it can', () => {
  const bad = (text: string, re: RegExp, line?: number) =>
    assert.throws(
      () => parseCalendar(text),
      (e: unknown) => e instanceof CalendarParseError && re.test(e.message) && (line === undefined || e.line === line),
    );
  bad('', /no iCalendar object/);
  bad('BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\nEND:VCALENDAR\n', /more than one/);
  bad('BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VTODO\nEND:VCALENDAR\n', /END:VTODO closes BEGIN:VEVENT/, 3);
  bad('BEGIN:VCALENDAR\nEND:VCALENDAR\nX:y\n', /outside/, 3);
  bad('BEGIN:VCALENDAR\nthis is no content line\nEND:VCALENDAR\n', /invalid iCalendar/);
  bad('BEGIN:VCARD\nEND:VCARD\n', /VCALENDAR/);
  bad('END:VCALENDAR\n', /without BEGIN/, 1);
});

test('decodeUtf8 refuses invalid UTF-8 and drops a BOM', () => {
  assert.equal(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), 'A');
  assert.throws(() => decodeUtf8(new Uint8Array([0xc3, 0x28])), CalendarParseError);
});

test('parseCalendarObject describes uid, component and the master summary', () => {
  const o = parseCalendarObject(fixture('thunderbird-event.ics'));
  assert.equal(o.uid, '3f1c9a52-7e0b-4d8f-b6a1-2c9e8d7f6a54');
  assert.equal(o.component, 'VEVENT');
  assert.equal(o.summary, 'Sprint planning');
  const todo = parseCalendarObject(fixture('rfc4791-abcd4.ics'));
  assert.deepEqual([todo.uid, todo.component, todo.summary], ['DDDEEB7915FA61233B861457@example.com', 'VTODO', 'Task #1']);
  const fb = parseCalendarObject(fixture('rfc4791-abcd8.ics'));
  assert.deepEqual([fb.component, fb.summary], ['VFREEBUSY', undefined]);
  // Lenient for stored data: no UID is '' rather than an error.
  assert.equal(parseCalendarObject('BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n').uid, '');
});

test('CalendarCache: loads once per blob, shares concurrent loads, evicts least recently used', async () => {
  const cache = new CalendarCache(2);
  const loads: string[] = [];
  const loader = (name: string) => async () => {
    loads.push(name);
    return fixture(name);
  };
  const [a1, a2] = await Promise.all([cache.get('blob-a', loader('rfc4791-abcd1.ics')), cache.get('blob-a', loader('rfc4791-abcd1.ics'))]);
  assert.equal(a1, a2);
  assert.equal(a1.uid, '74855313FA803DA593CD579A@example.com');
  await cache.get('blob-b', loader('rfc4791-abcd3.ics'));
  await cache.get('blob-a', loader('rfc4791-abcd1.ics')); // a is now the most recent
  await cache.get('blob-c', loader('rfc4791-abcd4.ics')); // evicts b
  assert.equal(cache.size, 2);
  assert.equal(cache.has('blob-b'), false);
  assert.equal(cache.has('blob-a'), true);
  assert.deepEqual(loads, ['rfc4791-abcd1.ics', 'rfc4791-abcd3.ics', 'rfc4791-abcd4.ics']);
});

test('CalendarCache: a parse failure is cached, a load failure is not', async () => {
  const cache = new CalendarCache(10);
  let calls = 0;
  const broken = async () => {
    calls++;
    return new TextEncoder().encode('not a calendar');
  };
  await assert.rejects(cache.get('bad', broken), CalendarParseError);
  await assert.rejects(cache.get('bad', broken), CalendarParseError);
  assert.equal(calls, 1);

  let attempt = 0;
  const flaky = async () => {
    attempt++;
    if (attempt === 1) throw new Error('EIO');
    return fixture('rfc4791-abcd1.ics');
  };
  await assert.rejects(cache.get('flaky', flaky), /EIO/);
  const ok = await cache.get('flaky', flaky);
  assert.equal(ok.component, 'VEVENT');
  assert.equal(attempt, 2);
});
