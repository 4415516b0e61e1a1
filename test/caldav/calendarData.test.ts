import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml } from '../../src/dav/xml/parse.js';
import { DavError } from '../../src/dav/errors.js';
import { parseCalendarObject } from '../../src/caldav/parse.js';
import { parseCalendarDataRequest, renderCalendarData } from '../../src/caldav/calendarData.js';

const raw = (n: string) => readFileSync(new URL(`../fixtures/ical/${n}`, import.meta.url), 'utf8');
const obj = (n: string) => parseCalendarObject(raw(n));
const NS = 'xmlns:C="urn:ietf:params:xml:ns:caldav"';
const req = (inner: string, attrs = '') => parseCalendarDataRequest(parseXml(`<C:calendar-data ${NS} ${attrs}>${inner}</C:calendar-data>`));
const crlf = (lines: string) => lines.trim().split('\n').map((l) => l.trim()).join('\r\n') + '\r\n';

const US_EASTERN = `BEGIN:VTIMEZONE
LAST-MODIFIED:20040110T032845Z
TZID:US/Eastern
BEGIN:DAYLIGHT
DTSTART:20000404T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4
TZNAME:EDT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20001026T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZNAME:EST
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
END:VTIMEZONE`;

// The request of RFC 4791 §7.8.1.
const RFC_781 = `
  <C:comp name="VCALENDAR">
    <C:prop name="VERSION"/>
    <C:comp name="VEVENT">
      <C:prop name="SUMMARY"/>
      <C:prop name="UID"/>
      <C:prop name="DTSTART"/>
      <C:prop name="DTEND"/>
      <C:prop name="DURATION"/>
      <C:prop name="RRULE"/>
      <C:prop name="RDATE"/>
      <C:prop name="EXRULE"/>
      <C:prop name="EXDATE"/>
      <C:prop name="RECURRENCE-ID"/>
    </C:comp>
    <C:comp name="VTIMEZONE"/>
  </C:comp>`;

test('no selection: the stored text comes back unchanged', () => {
  const text = raw('apple-event.ics');
  assert.equal(renderCalendarData(text, req('')), text);
  assert.equal(renderCalendarData(obj('thunderbird-event.ics'), req('')), raw('thunderbird-event.ics'));
});

test('parseCalendarDataRequest: the §7.8.1 selection', () => {
  const r = req(RFC_781);
  assert.equal(r.contentType, 'text/calendar');
  assert.equal(r.version, '2.0');
  assert.deepEqual(r.select, {
    name: 'VCALENDAR',
    allProps: false,
    props: [{ name: 'VERSION', novalue: false }],
    allComps: false,
    comps: [
      {
        name: 'VEVENT',
        allProps: false,
        props: ['SUMMARY', 'UID', 'DTSTART', 'DTEND', 'DURATION', 'RRULE', 'RDATE', 'EXRULE', 'EXDATE', 'RECURRENCE-ID'].map((name) => ({ name, novalue: false })),
        allComps: false,
        comps: [],
      },
      { name: 'VTIMEZONE', allProps: true, props: [], allComps: true, comps: [] },
    ],
  });
});

test('RFC 4791 §7.8.1: partial retrieval of abcd2 and abcd3', () => {
  const r = req(RFC_781);
  // Only VERSION of VCALENDAR (the RFC's abcd3 response also shows PRODID: an erratum, the request
  // does not ask for it), the whole VTIMEZONE, and no DTSTAMP in the VEVENTs.
  assert.equal(
    renderCalendarData(obj('rfc4791-abcd2.ics'), r),
    crlf(`BEGIN:VCALENDAR
      VERSION:2.0
      ${US_EASTERN}
      BEGIN:VEVENT
      DTSTART;TZID=US/Eastern:20060102T120000
      DURATION:PT1H
      RRULE:FREQ=DAILY;COUNT=5
      SUMMARY:Event #2
      UID:00959BC664CA650E933C892C@example.com
      END:VEVENT
      BEGIN:VEVENT
      DTSTART;TZID=US/Eastern:20060104T140000
      DURATION:PT1H
      RECURRENCE-ID;TZID=US/Eastern:20060104T120000
      SUMMARY:Event #2 bis
      UID:00959BC664CA650E933C892C@example.com
      END:VEVENT
      BEGIN:VEVENT
      DTSTART;TZID=US/Eastern:20060106T140000
      DURATION:PT1H
      RECURRENCE-ID;TZID=US/Eastern:20060106T120000
      SUMMARY:Event #2 bis bis
      UID:00959BC664CA650E933C892C@example.com
      END:VEVENT
      END:VCALENDAR`),
  );
  assert.equal(
    renderCalendarData(obj('rfc4791-abcd3.ics'), r),
    crlf(`BEGIN:VCALENDAR
      VERSION:2.0
      ${US_EASTERN}
      BEGIN:VEVENT
      DTSTART;TZID=US/Eastern:20060104T100000
      DURATION:PT1H
      SUMMARY:Event #3
      UID:DC6C50A017428C5216A2F1CD@example.com
      END:VEVENT
      END:VCALENDAR`),
  );
});

test('RFC 4791 §7.8.2: limit-recurrence-set keeps the master and the overrides that impact the range', () => {
  const r = req('<C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/>');
  assert.deepEqual(r.limitRecurrence, { start: new Date(Date.UTC(2006, 0, 3)), end: new Date(Date.UTC(2006, 0, 5)) });
  const out = renderCalendarData(obj('rfc4791-abcd2.ics'), r);
  assert.match(out, /SUMMARY:Event #2\r\n/);
  assert.match(out, /SUMMARY:Event #2 bis\r\n/);
  assert.doesNotMatch(out, /bis bis/, 'the Jan 6 override neither was nor is in Jan 3-5');
  // Nothing to drop: the stored text itself.
  assert.equal(renderCalendarData(obj('rfc4791-abcd3.ics'), r), raw('rfc4791-abcd3.ics'));
});

test('RFC 4791 §7.8.3: expand returns UTC instances without recurrence properties or VTIMEZONE', () => {
  const out = renderCalendarData(obj('rfc4791-abcd2.ics'), req('<C:expand start="20060103T000000Z" end="20060105T000000Z"/>'));
  assert.doesNotMatch(out, /VTIMEZONE|RRULE|TZID/);
  // Jan 3 12:00 EST = 17:00Z (master instance), Jan 4 override 14:00 EST = 19:00Z.
  assert.deepEqual(out.match(/^DTSTART:.*$/gm)?.map((l) => l.trim()), ['DTSTART:20060103T170000Z', 'DTSTART:20060104T190000Z']);
  assert.deepEqual(out.match(/^RECURRENCE-ID:.*$/gm)?.map((l) => l.trim()), ['RECURRENCE-ID:20060103T170000Z', 'RECURRENCE-ID:20060104T170000Z']);
});

test('RFC 4791 §7.8.4: limit-freebusy-set keeps the FREEBUSY periods in the range', () => {
  const out = renderCalendarData(obj('rfc4791-abcd8.ics'), req('<C:limit-freebusy-set start="20060102T000000Z" end="20060103T000000Z"/>'));
  assert.deepEqual(out.match(/^FREEBUSY.*$/gm)?.map((l) => l.trim()), ['FREEBUSY;FBTYPE=BUSY-TENTATIVE:20060102T100000Z/20060102T120000Z']);
  // No VFREEBUSY in the object: nothing to limit, the stored text.
  assert.equal(renderCalendarData(obj('rfc4791-abcd1.ics'), req('<C:limit-freebusy-set start="20060102T000000Z" end="20060103T000000Z"/>')), raw('rfc4791-abcd1.ics'));
});

test('expand combined with a selection', () => {
  const out = renderCalendarData(
    obj('rfc4791-abcd2.ics'),
    req('<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="SUMMARY"/></C:comp></C:comp><C:expand start="20060103T000000Z" end="20060105T000000Z"/>'),
  );
  assert.equal(out, crlf('BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Event #2\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Event #2 bis\nEND:VEVENT\nEND:VCALENDAR'));
});

test('novalue returns name, parameters and ":"', () => {
  const out = renderCalendarData(
    obj('rfc4791-abcd3.ics'),
    req('<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="ATTENDEE" novalue="yes"/><C:prop name="UID"/></C:comp></C:comp>'),
  );
  assert.equal(
    out,
    crlf(`BEGIN:VCALENDAR
      BEGIN:VEVENT
      ATTENDEE;PARTSTAT=ACCEPTED;ROLE=CHAIR:
      ATTENDEE;PARTSTAT=NEEDS-ACTION:
      UID:DC6C50A017428C5216A2F1CD@example.com
      END:VEVENT
      END:VCALENDAR`),
  );
  // A colon inside a quoted parameter value is not the value separator.
  const fb = renderCalendarData(obj('rfc4791-abcd8.ics'), req('<C:comp name="VCALENDAR"><C:comp name="VFREEBUSY"><C:prop name="ORGANIZER" novalue="yes"/></C:comp></C:comp>'));
  assert.match(fb, /^ORGANIZER;CN="Bernard Desruisseaux":\r$/m);
  const quoted = parseCalendarObject('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nORGANIZER;CN="Dr: Who":mailto:who@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
  assert.match(renderCalendarData(quoted, req('<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="ORGANIZER" novalue="yes"/></C:comp></C:comp>')), /^ORGANIZER;CN="Dr: Who":\r$/m);
});

test('allprop/allcomp, comp with properties only drops sub-components, names are case-insensitive', () => {
  const todo = obj('rfc4791-abcd4.ics');
  const noAlarm = renderCalendarData(todo, req('<C:comp name="VCALENDAR"><C:allprop/><C:comp name="VTODO"><C:allprop/></C:comp></C:comp>'));
  assert.doesNotMatch(noAlarm, /VALARM/);
  assert.match(noAlarm, /^PRODID:/m);
  assert.match(noAlarm, /^DUE;VALUE=DATE:20060104\r$/m);
  const all = renderCalendarData(todo, req('<C:comp name="VCALENDAR"><C:allprop/><C:allcomp/></C:comp>'));
  assert.equal(all, raw('rfc4791-abcd4.ics'));
  const onlyAlarm = renderCalendarData(todo, req('<C:comp name="vcalendar"><C:comp name="vtodo"><C:comp name="valarm"><C:prop name="trigger"/></C:comp></C:comp></C:comp>'));
  assert.equal(onlyAlarm, crlf('BEGIN:VCALENDAR\nBEGIN:VTODO\nBEGIN:VALARM\nTRIGGER;RELATED=START:-PT10M\nEND:VALARM\nEND:VTODO\nEND:VCALENDAR'));
  // "Description:Go Steelers!" is selected by DESCRIPTION and copied as stored.
  const d = renderCalendarData(obj('rfc4791-abcd1.ics'), req('<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="DESCRIPTION"/></C:comp></C:comp>'));
  assert.match(d, /^Description:Go Steelers!\r$/m);
});

test('folded lines are kept byte for byte, LF-only text keeps LF', () => {
  const text = 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:f\nSUMMARY:A very long summary that a client folded over\n  two lines\nLOCATION:x\nEND:VEVENT\nEND:VCALENDAR\n';
  const out = renderCalendarData(parseCalendarObject(text), req('<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="SUMMARY"/></C:comp></C:comp>'));
  assert.equal(out, 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:A very long summary that a client folded over\n  two lines\nEND:VEVENT\nEND:VCALENDAR\n');
});

test('content-type and version other than text/calendar 2.0: supported-calendar-data', () => {
  req('', 'content-type="text/calendar" version="2.0"');
  req('', 'content-type="text/calendar; charset=utf-8"');
  for (const attrs of ['content-type="application/calendar+json"', 'version="1.0"', 'content-type="text/vcard"']) {
    assert.throws(
      () => req('', attrs),
      (e: unknown) => e instanceof DavError && e.status === 403 && e.condition === '{urn:ietf:params:xml:ns:caldav}supported-calendar-data',
    );
  }
});

test('malformed calendar-data requests are 400', () => {
  for (const inner of [
    '<C:comp name="VEVENT"/>',
    '<C:comp/>',
    '<C:comp name="VCALENDAR"/><C:comp name="VCALENDAR"/>',
    '<C:expand start="20060103T000000Z"/>',
    '<C:expand start="20060105T000000Z" end="20060103T000000Z"/>',
    '<C:expand start="20060103" end="20060105"/>',
    '<C:expand start="20060103T000000Z" end="20060105T000000Z"/><C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/>',
    '<C:comp name="VCALENDAR"><C:prop name="X" novalue="maybe"/></C:comp>',
    '<C:nonsense/>',
  ]) {
    assert.throws(() => req(inner), (e: unknown) => e instanceof DavError && e.status === 400, inner);
  }
});
