import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DavError } from '../../src/dav/errors.js';
import { carddav, dav } from '../../src/dav/xml/names.js';
import { checkVCardContentType, noUidConflict, validateVCard } from '../../src/carddav/validate.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'vcard');
const enc = (s: string) => new TextEncoder().encode(s);
const opts = { maxResourceSize: 100_000 };
const crlf = (...lines: string[]) => lines.map((l) => l + '\r\n').join('');

function refusedWith(condition: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof DavError, `expected DavError, got ${String(e)}`);
    assert.equal(e.status, 403);
    assert.equal(e.condition, carddav(condition));
    if (re) assert.match(e.message, re);
    return true;
  };
}

test('every fixture passes validation (Apple 3.0 with groups, photo, X-AB*, folds; 4.0 cards)', () => {
  for (const name of readdirSync(FIX).filter((f) => f.endsWith('.vcf'))) {
    const r = validateVCard(readFileSync(join(FIX, name)), { ...opts, contentType: 'text/vcard; charset=utf-8' });
    assert.ok(r.uid.length > 0, name);
  }
  const apple = validateVCard(readFileSync(join(FIX, 'apple-3.0-group.vcf')), opts);
  assert.deepEqual(
    { uid: apple.uid, fn: apple.fn, version: apple.version, kind: apple.kind },
    { uid: 'B00C1B00-1111-4222-8333-444455556666', fn: 'Book Club', version: '3.0', kind: 'group' },
  );
  const v4 = validateVCard(readFileSync(join(FIX, 'v4-group.vcf')), opts);
  assert.equal(v4.version, '4.0');
  assert.equal(v4.kind, 'group');
});

test('Content-Type: absent, text/vcard, text/x-vcard, text/directory accepted; others refused', () => {
  for (const ct of [undefined, '', 'text/vcard', 'text/vcard; charset=utf-8', 'TEXT/X-VCARD', 'text/directory;profile=vCard', 'text/vcard; charset="UTF-8"; version=4.0']) {
    assert.doesNotThrow(() => checkVCardContentType(ct), String(ct));
  }
  assert.throws(() => checkVCardContentType('text/calendar'), refusedWith('supported-address-data'));
  assert.throws(() => checkVCardContentType('application/vcard+json'), refusedWith('supported-address-data'));
  assert.throws(() => checkVCardContentType('text/vcard; charset=iso-8859-1'), refusedWith('supported-address-data', /UTF-8/));
  assert.throws(() => checkVCardContentType('text/vcard; version=2.1'), refusedWith('supported-address-data'));
});

test('supported-address-data: VERSION 2.1 is refused as unsupported, not as invalid', () => {
  const text = crlf('BEGIN:VCARD', 'VERSION:2.1', 'FN:Old', 'UID:old', 'END:VCARD');
  assert.throws(() => validateVCard(enc(text), opts), refusedWith('supported-address-data', /2\.1/));
});

test('max-resource-size: one octet over the limit is refused, exactly the limit passes', () => {
  const text = enc(crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:A', 'UID:a', 'END:VCARD'));
  assert.doesNotThrow(() => validateVCard(text, { maxResourceSize: text.byteLength }));
  assert.throws(() => validateVCard(text, { maxResourceSize: text.byteLength - 1 }), refusedWith('max-resource-size'));
});

test('valid-address-data: each way a body can fail', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['not UTF-8', new Uint8Array([...enc('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo'), 0xeb, ...enc('\r\nUID:x\r\nEND:VCARD\r\n')]), /UTF-8/],
    ['garbage', enc('hello world'), /./],
    ['calendar', enc(crlf('BEGIN:VCALENDAR', 'VERSION:2.0', 'END:VCALENDAR')), /BEGIN:VCARD/],
    ['two cards', enc(crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:a', 'UID:a', 'END:VCARD', 'BEGIN:VCARD', 'VERSION:3.0', 'FN:b', 'UID:b', 'END:VCARD')), /more than one/],
    ['no UID', enc(crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:Doe;Jane;;;', 'FN:Jane Doe', 'END:VCARD')), /UID/],
    ['empty UID', enc(crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Jane Doe', 'UID:', 'END:VCARD')), /UID/],
    ['two UIDs', enc(crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Jane', 'UID:a', 'UID:b', 'END:VCARD')), /2 UID/],
    ['no FN in 3.0', enc(crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:Doe;Jane;;;', 'UID:a', 'END:VCARD')), /FN/],
    ['no FN in 4.0', enc(crlf('BEGIN:VCARD', 'VERSION:4.0', 'UID:a', 'END:VCARD')), /FN/],
    ['no VERSION', enc(crlf('BEGIN:VCARD', 'FN:Jane', 'UID:a', 'END:VCARD')), /VERSION/],
    ['NUL byte', enc(crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Ja\u0000ne', 'UID:a', 'END:VCARD')), /control character U\+0000/],
    ['2.1 bare parameter', enc(crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Jane', 'TEL;HOME;VOICE:123', 'UID:a', 'END:VCARD')), /./],
  ];
  for (const [label, bytes, re] of cases) {
    assert.throws(() => validateVCard(bytes, opts), refusedWith('valid-address-data', re), label);
  }
});

test('a byte-order mark and LF line endings are tolerated; N is optional in 3.0', () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nUID:jane\nEND:VCARD\n')]);
  assert.equal(validateVCard(bom, opts).uid, 'jane');
});

test('no-uid-conflict names the resource that holds the UID in a DAV:href', () => {
  const e = noUidConflict('/alice/contacts/family/jane.vcf', 'jane');
  assert.equal(e.status, 403);
  assert.equal(e.condition, carddav('no-uid-conflict'));
  assert.deepEqual(e.conditionContent, [{ name: dav('href'), attrs: {}, children: ['/alice/contacts/family/jane.vcf'] }]);
  assert.match(e.message, /jane/);
});
