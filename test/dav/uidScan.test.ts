// The UID index reads UIDs off content lines (caldav/uidScan.ts, carddav/uidScan.ts) instead of
// full parses; these must give the same UID as the parsers for everything that parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCalendarObject } from '../../src/caldav/parse.js';
import { scanCalendarUid } from '../../src/caldav/uidScan.js';
import { parseVCard } from '../../src/carddav/parse.js';
import { scanVCardUid } from '../../src/carddav/uidScan.js';
import { generateDataset } from '../../bench/data/dataset.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, ext) : n.endsWith(ext) ? [p] : [];
  });
}

const fullCalUid = (text: string): string | undefined => parseCalendarObject(text).uid || undefined;
const fullCardUid = (text: string): string | undefined => parseVCard(text).uid || undefined;

const CRLF = (s: string) => s.trim().replace(/\r?\n/g, '\r\n') + '\r\n';

const handCalendars: Array<[string, string | undefined]> = [
  // VTIMEZONE first, VALARM with its own UID (RFC 9074) before the event's UID
  [CRLF(`BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\nDTSTAMP:20250101T000000Z\nDTSTART:20250101T100000Z\nBEGIN:VALARM\nUID:alarm-uid\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:-PT5M\nEND:VALARM\nUID:event-uid\nEND:VEVENT\nEND:VCALENDAR`), 'event-uid'],
  // folded, escaped, lower-case name, a parameter with a quoted colon
  [CRLF(`BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VTODO\nDTSTAMP:20250101T000000Z\nuid;X-A="a:b":ab\\,c\\;d\\\\e\\nf\n g\\:h\nEND:VTODO\nEND:VCALENDAR`), 'ab,c;d\\e\nfg\\:h'],
  // first component has no UID, the second has one: the parser reports none
  [CRLF(`BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VJOURNAL\nDTSTAMP:20250101T000000Z\nEND:VJOURNAL\nBEGIN:VJOURNAL\nUID:second\nDTSTAMP:20250101T000000Z\nEND:VJOURNAL\nEND:VCALENDAR`), undefined],
  // LF only line ends
  ['BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:lf-only\nDTSTAMP:20250101T000000Z\nDTSTART:20250101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n', 'lf-only'],
];

const handCards: Array<[string, string | undefined]> = [
  [CRLF(`BEGIN:VCARD\nVERSION:3.0\nFN:A\nN:A;;;;\nitem1.UID:grouped\\,uid\nEND:VCARD`), 'grouped,uid'],
  [CRLF(`BEGIN:VCARD\nVERSION:4.0\nFN:B\nUID;VALUE=uri:urn:uuid:1234\n 5678\nEND:VCARD`), 'urn:uuid:12345678'],
  [CRLF(`BEGIN:VCARD\nVERSION:4.0\nFN:C\nEND:VCARD`), undefined],
];

test('calendar UID scan agrees with the full parse: hand-written cases', () => {
  for (const [text, want] of handCalendars) {
    assert.equal(fullCalUid(text), want, 'the parser itself');
    assert.equal(scanCalendarUid(text), want);
  }
});

test('vCard UID scan agrees with the full parse: hand-written cases', () => {
  for (const [text, want] of handCards) {
    assert.equal(fullCardUid(text), want, 'the parser itself');
    assert.equal(scanVCardUid(text), want);
  }
});

test('UID scans agree with the full parses over fixtures, demo data and bench data', () => {
  const ds = generateDataset(400);
  const cals = [...files(join(root, 'test/fixtures/ical'), '.ics'), ...files(join(root, 'sample-repos'), '.ics')].map((f) => readFileSync(f, 'utf8'));
  const cards = [...files(join(root, 'test/fixtures/vcard'), '.vcf'), ...files(join(root, 'sample-repos'), '.vcf')].map((f) => readFileSync(f, 'utf8'));
  let checkedCals = 0;
  let checkedCards = 0;
  for (const text of [...cals, ...ds.eventItems.map((i) => i.body.toString('utf8'))]) {
    let want: string | undefined;
    try {
      want = fullCalUid(text);
    } catch {
      continue; // only text that parses is promised the same answer
    }
    assert.equal(scanCalendarUid(text), want);
    checkedCals++;
  }
  for (const text of [...cards, ...ds.cardItems.map((i) => i.body.toString('utf8'))]) {
    let want: string | undefined;
    try {
      want = fullCardUid(text);
    } catch {
      continue;
    }
    assert.equal(scanVCardUid(text), want);
    checkedCards++;
  }
  assert.ok(checkedCals >= 440, `calendar objects checked: ${checkedCals}`);
  assert.ok(checkedCards >= 410, `vCards checked: ${checkedCards}`);
});
