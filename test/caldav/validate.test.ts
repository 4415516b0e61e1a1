import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DavError } from '../../src/dav/errors.js';
import { validateCalendarObject, checkCalendarContentType, noUidConflict, type ValidateOptions } from '../../src/caldav/validate.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ical/${name}`, import.meta.url));
const utf8 = (s: string) => new TextEncoder().encode(s.replace(/\r?\n/g, '\r\n'));
const EVENTS: ValidateOptions = { supportedComponents: ['VEVENT'], maxResourceSize: 1_000_000 };
const ALL: ValidateOptions = { supportedComponents: ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY'], maxResourceSize: 1_000_000 };
const CAL = '{urn:ietf:params:xml:ns:caldav}';

function refused(fn: () => unknown, condition: string, messagePart?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DavError, `expected DavError, got ${String(e)}`);
    assert.equal(e.status, 403);
    assert.equal(e.condition, CAL + condition);
    if (messagePart) assert.match(e.message, messagePart);
    return true;
  });
}

const event = (body: string, head = 'VERSION:2.0\nPRODID:-//Test//EN') =>
  utf8(`BEGIN:VCALENDAR\n${head}\n${body}\nEND:VCALENDAR\n`);
const simple = (extra = '') =>
  event(`BEGIN:VEVENT\nUID:u1\nDTSTAMP:20260101T000000Z\nDTSTART:20260105T100000Z\nDTEND:20260105T110000Z\nSUMMARY:Hi\n${extra}END:VEVENT`);

test('real-client objects are accepted and described', () => {
  const apple = validateCalendarObject(fixture('apple-event.ics'), { ...EVENTS, contentType: 'text/calendar; charset=utf-8' });
  assert.equal(apple.uid, '6A3F0C1E-2B7D-4E58-9C41-8D2E5F7A9B10', 'the VALARM UID (RFC 9074) is not the object UID');
  assert.equal(apple.component, 'VEVENT');
  assert.equal(apple.summary, "Réunion d'équipe");

  const tb = validateCalendarObject(fixture('thunderbird-event.ics'), { ...EVENTS, contentType: 'text/calendar; charset="UTF-8"' });
  assert.equal(tb.uid, '3f1c9a52-7e0b-4d8f-b6a1-2c9e8d7f6a54');
  assert.equal(tb.summary, 'Sprint planning', 'summary of the master, not of the override');

  const todo = validateCalendarObject(fixture('thunderbird-todo.ics'), { ...ALL, contentType: 'text/calendar' });
  assert.equal(todo.component, 'VTODO');
  const davx5 = validateCalendarObject(fixture('davx5-todo.ics'), { ...ALL, supportedComponents: ['VTODO'] });
  assert.deepEqual([davx5.uid, davx5.component, davx5.summary], ['2468013579864201357', 'VTODO', 'Buy milk']);
  const iana = validateCalendarObject(fixture('iana-tzid-no-vtimezone.ics'), EVENTS);
  assert.equal(iana.summary, 'Dentist');
});

test('every RFC 4791 Appendix B object is valid', () => {
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) validateCalendarObject(fixture(`rfc4791-abcd${n}.ics`), ALL);
});

test('supported-calendar-data: media type and charset', () => {
  checkCalendarContentType(undefined);
  checkCalendarContentType('text/calendar');
  checkCalendarContentType('TEXT/Calendar;charset=utf-8;component=VEVENT');
  checkCalendarContentType('text/calendar; charset=us-ascii');
  refused(() => checkCalendarContentType('application/json'), 'supported-calendar-data', /text\/calendar/);
  refused(() => checkCalendarContentType('text/plain; charset=utf-8'), 'supported-calendar-data');
  refused(() => checkCalendarContentType('text/calendar; charset=iso-8859-1'), 'supported-calendar-data', /UTF-8/);
  refused(() => validateCalendarObject(simple(), { ...EVENTS, contentType: 'text/x-vcalendar' }), 'supported-calendar-data');
});

test('valid-calendar-data: not UTF-8, not iCalendar, not VCALENDAR, broken nesting', () => {
  refused(() => validateCalendarObject(new Uint8Array([0x42, 0x45, 0xff, 0xfe]), EVENTS), 'valid-calendar-data', /UTF-8/);
  refused(() => validateCalendarObject(utf8('hello world'), EVENTS), 'valid-calendar-data');
  refused(() => validateCalendarObject(utf8(''), EVENTS), 'valid-calendar-data');
  refused(() => validateCalendarObject(utf8('BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n'), EVENTS), 'valid-calendar-data', /VCALENDAR/);
  refused(() => validateCalendarObject(utf8('BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nEND:VEVENT\n'), EVENTS), 'valid-calendar-data', /never closed/);
  refused(() => validateCalendarObject(utf8('BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nEND:VTODO\nEND:VCALENDAR\n'), EVENTS), 'valid-calendar-data', /END:VTODO/);
  refused(
    () => validateCalendarObject(utf8('BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\nEND:VCALENDAR\n'), EVENTS),
    'valid-calendar-data',
    /more than one/,
  );
  refused(() => validateCalendarObject(utf8('BEGIN:VCALENDAR\nEND:VCALENDAR\ntrailing:garbage\n'), EVENTS), 'valid-calendar-data');
});

test('valid-calendar-data: VERSION, malformed values, DTSTART rules', () => {
  refused(() => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART:20260101T000000Z\nEND:VEVENT', 'VERSION:1.0'), EVENTS), 'valid-calendar-data', /VERSION/);
  refused(() => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART:2026-01-01\nEND:VEVENT'), EVENTS), 'valid-calendar-data', /DTSTART/);
  refused(() => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20260230\nEND:VEVENT'), EVENTS), 'valid-calendar-data', /DTSTART/);
  refused(() => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART:20260101T250000Z\nEND:VEVENT'), EVENTS), 'valid-calendar-data');
  refused(() => validateCalendarObject(simple('DURATION:PT1X\n'), EVENTS), 'valid-calendar-data', /DURATION/);
  refused(() => validateCalendarObject(simple('RRULE:FREQ=SOMETIMES\n'), EVENTS), 'valid-calendar-data');
  refused(() => validateCalendarObject(simple('RRULE:FREQ=DAILY;UNTIL=20261301\n'), EVENTS), 'valid-calendar-data', /RRULE/);
  refused(() => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nSUMMARY:no start\nEND:VEVENT'), EVENTS), 'valid-calendar-data', /DTSTART/);
  refused(() => validateCalendarObject(simple('DURATION:PT1H\n'), EVENTS), 'valid-calendar-data', /DTEND and DURATION/);
});

test('leniency: no PRODID, no VERSION, no DTSTAMP, LF line endings, a byte-order mark', () => {
  const bare = new TextEncoder().encode('\ufeffBEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:lazy\nDTSTART;VALUE=DATE:20260301\nEND:VEVENT\nEND:VCALENDAR\n');
  const r = validateCalendarObject(bare, EVENTS);
  assert.equal(r.uid, 'lazy');
  assert.equal(r.summary, undefined);
});

test('valid-calendar-data: TZID without VTIMEZONE and not an IANA name', () => {
  refused(
    () => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART;TZID=W. Europe Standard Time:20260101T100000\nEND:VEVENT'), EVENTS),
    'valid-calendar-data',
    /W\. Europe Standard Time/,
  );
  refused(
    () => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART;TZID=Mars/Olympus_Mons:20260101T100000\nEND:VEVENT'), EVENTS),
    'valid-calendar-data',
    /VTIMEZONE/,
  );
  // A custom TZID is fine when the object defines it.
  validateCalendarObject(
    event(
      'BEGIN:VTIMEZONE\nTZID:My Zone\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0300\nTZOFFSETTO:+0300\nEND:STANDARD\nEND:VTIMEZONE\n' +
        'BEGIN:VEVENT\nUID:a\nDTSTART;TZID=My Zone:20260101T100000\nEND:VEVENT',
    ),
    EVENTS,
  );
  // RFC 5545 globally unique TZIDs with an IANA tail resolve (old Lightning/Evolution style).
  validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART;TZID=/mozilla.org/20070129_1/Europe/Paris:20260101T100000\nEND:VEVENT'), EVENTS);
  // EXDATE and RECURRENCE-ID TZIDs count too.
  refused(
    () =>
      validateCalendarObject(
        event('BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nRRULE:FREQ=DAILY\nEXDATE;TZID=Nowhere/Land:20260102T100000\nEND:VEVENT'),
        EVENTS,
      ),
    'valid-calendar-data',
    /Nowhere\/Land/,
  );
});

test('valid-calendar-object-resource: METHOD, mixed types, several UIDs, missing UID, duplicates', () => {
  refused(
    () => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nEND:VEVENT', 'VERSION:2.0\nPRODID:x\nMETHOD:REQUEST'), EVENTS),
    'valid-calendar-object-resource',
    /METHOD/,
  );
  refused(
    () => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nEND:VEVENT\nBEGIN:VTODO\nUID:a\nEND:VTODO'), ALL),
    'valid-calendar-object-resource',
    /VEVENT and VTODO/,
  );
  refused(
    () => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART:20260102T100000Z\nEND:VEVENT'), EVENTS),
    'valid-calendar-object-resource',
    /"a", "b"/,
  );
  refused(() => validateCalendarObject(event('BEGIN:VEVENT\nDTSTART:20260101T100000Z\nEND:VEVENT'), EVENTS), 'valid-calendar-object-resource', /UID/);
  refused(() => validateCalendarObject(event('BEGIN:VEVENT\nUID:\nDTSTART:20260101T100000Z\nEND:VEVENT'), EVENTS), 'valid-calendar-object-resource', /UID/);
  refused(
    () => validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:a\nDTSTART:20260102T100000Z\nEND:VEVENT'), EVENTS),
    'valid-calendar-object-resource',
    /RECURRENCE-ID/,
  );
  refused(
    () =>
      validateCalendarObject(
        event(
          'BEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nRRULE:FREQ=DAILY\nEND:VEVENT\n' +
            'BEGIN:VEVENT\nUID:a\nRECURRENCE-ID:20260102T100000Z\nDTSTART:20260102T120000Z\nEND:VEVENT\n' +
            'BEGIN:VEVENT\nUID:a\nRECURRENCE-ID:20260102T100000Z\nDTSTART:20260102T130000Z\nEND:VEVENT',
        ),
        EVENTS,
      ),
    'valid-calendar-object-resource',
    /RECURRENCE-ID/,
  );
  refused(() => validateCalendarObject(event('BEGIN:VTIMEZONE\nTZID:X\nEND:VTIMEZONE'), EVENTS), 'valid-calendar-object-resource', /no VEVENT/);
  // Overrides without their master are allowed (RFC 4791 §4.1).
  validateCalendarObject(event('BEGIN:VEVENT\nUID:a\nRECURRENCE-ID:20260102T100000Z\nDTSTART:20260102T120000Z\nEND:VEVENT'), EVENTS);
});

test('supported-calendar-component', () => {
  refused(() => validateCalendarObject(fixture('davx5-todo.ics'), EVENTS), 'supported-calendar-component', /VEVENT.*VTODO/);
  refused(() => validateCalendarObject(event('BEGIN:X-THING\nUID:a\nEND:X-THING'), ALL), 'supported-calendar-component', /X-THING/);
});

test("Apple's placeholder alarm (ACTION:NONE, 1976 trigger) is not a min-date-time violation", () => {
  const withNone = simple('BEGIN:VALARM\nACTION:NONE\nTRIGGER;VALUE=DATE-TIME:19760401T005545Z\nX-WR-ALARMUID:1\nEND:VALARM\n');
  validateCalendarObject(withNone, { ...EVENTS, minDateTime: new Date(Date.UTC(2000, 0, 1)) });
});

test('max-resource-size counts octets, not characters', () => {
  const bytes = fixture('apple-event.ics');
  validateCalendarObject(bytes, { ...EVENTS, maxResourceSize: bytes.byteLength });
  refused(() => validateCalendarObject(bytes, { ...EVENTS, maxResourceSize: bytes.byteLength - 1 }), 'max-resource-size', new RegExp(String(bytes.byteLength)));
});

test('min-date-time and max-date-time', () => {
  const min = new Date(Date.UTC(2026, 0, 1));
  const max = new Date(Date.UTC(2027, 0, 1));
  const at = (dt: string, extra = '') => event(`BEGIN:VEVENT\nUID:a\nDTSTART:${dt}\n${extra}END:VEVENT`);
  validateCalendarObject(at('20260101T000000Z'), { ...EVENTS, minDateTime: min, maxDateTime: max }); // min is inclusive
  refused(() => validateCalendarObject(at('20251231T235959Z'), { ...EVENTS, minDateTime: min }), 'min-date-time');
  refused(() => validateCalendarObject(at('20270101T000000Z'), { ...EVENTS, maxDateTime: max }), 'max-date-time'); // max is exclusive
  validateCalendarObject(at('20261231T235959Z'), { ...EVENTS, maxDateTime: max });
  refused(() => validateCalendarObject(at('20260601T000000Z', 'RRULE:FREQ=DAILY;UNTIL=20270601T000000Z\n'), { ...EVENTS, maxDateTime: max }), 'max-date-time', /UNTIL/);
  // A floating time 5 hours before min might be after min in some time zone: not refused.
  validateCalendarObject(at('20251231T190000'), { ...EVENTS, minDateTime: min });
  refused(() => validateCalendarObject(at('20251230T000000'), { ...EVENTS, minDateTime: min }), 'min-date-time');
});

test('noUidConflict carries the href of the resource holding the UID', () => {
  const e = noUidConflict('/alice/calendars/work/other.ics', 'abc');
  assert.equal(e.status, 403);
  assert.equal(e.condition, CAL + 'no-uid-conflict');
  assert.deepEqual(e.conditionContent, [{ name: '{DAV:}href', attrs: {}, children: ['/alice/calendars/work/other.ics'] }]);
  assert.match(e.message, /abc/);
});
