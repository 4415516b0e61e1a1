import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VCardCache, VCardSyntaxError, VCardVersionError, parseVCard } from '../../src/carddav/parse.js';
import { escapeText, foldLine, formatParamValue, splitEscaped, unescapeText, unfoldLines } from '../../src/carddav/contentLine.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'vcard');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');
const prop = (card: ReturnType<typeof parseVCard>, name: string, n = 0) => card.properties.filter((p) => p.name === name)[n];

test('Apple 3.0: groups keep their case and the property its upper-case name', () => {
  const card = parseVCard(fixture('apple-3.0-johnny.vcf'));
  assert.equal(card.version, '3.0');
  assert.equal(card.uid, '8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B');
  assert.equal(card.fn, 'Dr. Johnny Q. Appleseed Jr.');
  assert.equal(card.kind, undefined);
  const email = prop(card, 'EMAIL')!;
  assert.equal(email.group, 'item1');
  assert.deepEqual(email.params, { TYPE: ['INTERNET', 'pref'] }); // two type= params merge
  assert.equal(email.value, 'johnny@example.com');
  const label = card.properties.find((p) => p.name === 'X-ABLABEL' && p.group === 'item2')!;
  assert.equal(label.value, 'Pager, old'); // \, decoded
  assert.equal(prop(card, 'EMAIL', 1)!.group, undefined);
});

test('Apple 3.0: structured N/ADR/ORG keep components; list properties split on unescaped commas', () => {
  const card = parseVCard(fixture('apple-3.0-johnny.vcf'));
  assert.deepEqual(prop(card, 'N')!.components, [['Appleseed'], ['Johnny'], ['Q.'], ['Dr.'], ['Jr.']]);
  // The ADR line is folded inside "United States" in the fixture.
  const adr = prop(card, 'ADR')!;
  assert.deepEqual(adr.components, [[''], [''], ['1 Infinite Loop'], ['Cupertino'], ['CA'], ['95014'], ['United States']]);
  assert.equal(adr.value, ';;1 Infinite Loop;Cupertino;CA;95014;United States');
  assert.match(adr.raw, /United S\r\n tates$/);
  assert.deepEqual(prop(card, 'ORG')!.components, [['Apple Inc.'], ['Engineering']]);
  // NICKNAME:Johnny,Apple\, Jr. → two items, the second with a literal comma.
  assert.deepEqual(prop(card, 'NICKNAME')!.list, ['Johnny', 'Apple, Jr.']);
});

test('Apple 3.0: folded NOTE with escapes and non-ASCII decodes to the original text', () => {
  const card = parseVCard(fixture('apple-3.0-johnny.vcf'));
  assert.equal(
    prop(card, 'NOTE')!.value,
    'Met at WWDC, 2019 in San José.\nLikes apples; dislikes pears. This note is long enough to be folded more than once by the client.',
  );
});

test('Apple 3.0: inline base64 PHOTO is unfolded into one value that decodes to a JPEG', () => {
  const card = parseVCard(fixture('apple-3.0-johnny.vcf'));
  const photo = prop(card, 'PHOTO')!;
  assert.deepEqual(photo.params, { ENCODING: ['b'], TYPE: ['JPEG'] });
  assert.doesNotMatch(photo.value, /\s/);
  const bytes = Buffer.from(photo.value, 'base64');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]); // SOI + marker
  assert.deepEqual([...bytes.subarray(-2)], [0xff, 0xd9]); // EOI
});

test('Apple 3.0 group card: X-ADDRESSBOOKSERVER-KIND and -MEMBER', () => {
  const card = parseVCard(fixture('apple-3.0-group.vcf'));
  assert.equal(card.kind, 'group');
  assert.deepEqual(card.members, [
    'urn:uuid:8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B',
    'urn:uuid:2C1D6E0F-7A8B-4C9D-8E1F-A2B3C4D5E6F7',
  ]);
});

test('4.0: KIND/MEMBER, quoted TYPE list, RFC 6868 carets in LABEL, non-ASCII', () => {
  const zoe = parseVCard(fixture('v4-zoe.vcf'));
  assert.equal(zoe.version, '4.0');
  assert.equal(zoe.uid, 'urn:uuid:5f1c7e9a-0b7d-4a8e-9d2c-3e4f5a6b7c8d');
  assert.equal(zoe.fn, 'Zoë Łukasiewicz-Yamada');
  assert.equal(zoe.kind, 'individual');
  const tel = prop(zoe, 'TEL')!;
  assert.deepEqual(tel.params, { VALUE: ['uri'], TYPE: ['voice', 'cell'], PREF: ['1'] });
  assert.equal(tel.value, 'tel:+33-6-12-34-56-78');
  assert.equal(prop(zoe, 'TEL', 1)!.value, 'tel:+48-22-123-45-67;ext=89'); // a URI: ';' is not a separator
  assert.deepEqual(prop(zoe, 'ADR')!.params['LABEL'], ['12 rue des Lilas\n75011 Paris\nFrance']);
  assert.deepEqual(prop(zoe, 'GENDER')!.components, [['F']]);
  assert.match(prop(zoe, 'NOTE')!.value, /«ünïcödé»/);
  assert.ok(prop(zoe, 'PHOTO')!.value.startsWith('data:image/png;base64,iVBORw0KGgo'));
  const group = parseVCard(fixture('v4-group.vcf'));
  assert.equal(group.kind, 'group');
  assert.deepEqual(group.members, [
    'urn:uuid:5f1c7e9a-0b7d-4a8e-9d2c-3e4f5a6b7c8d',
    'urn:uuid:8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B',
  ]);
});

test('LF-only line endings and tab folding are accepted', () => {
  const card = parseVCard('BEGIN:VCARD\nVERSION:3.0\nFN:Zo\n\të\nUID:x\nEND:VCARD\n');
  assert.equal(card.fn, 'Zoë');
});

test('structure errors: not a vCard, two vCards, unterminated, nested, bad names, bad version', () => {
  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n', /starts with BEGIN:VCARD/],
    ['BEGIN:VCARD\r\nVERSION:3.0\r\nFN:a\r\n', /without END:VCARD/],
    ['BEGIN:VCARD\r\nVERSION:3.0\r\nFN:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:b\r\nEND:VCARD\r\n', /more than one vCard/],
    ['BEGIN:VCARD\r\nVERSION:3.0\r\nBEGIN:VCARD\r\nEND:VCARD\r\nEND:VCARD\r\n', /unexpected BEGIN/],
    ['BEGIN:VCARD\r\nVERSION:3.0\r\nFN :a\r\nEND:VCARD\r\n', /invalid property name/],
    ['BEGIN:VCARD\r\nVERSION:3.0\r\nthis is not a line\r\nEND:VCARD\r\n', /without ":"/],
    ['BEGIN:VCARD\r\nFN:a\r\nEND:VCARD\r\n', /no VERSION/],
    ['BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL;TYPE="a:b\r\nEND:VCARD\r\n', /unterminated quoted/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseVCard(text), (e: unknown) => e instanceof VCardSyntaxError && re.test(e.message), text);
  assert.throws(() => parseVCard('BEGIN:VCARD\r\nVERSION:2.1\r\nFN:a\r\nEND:VCARD\r\n'), VCardVersionError);
});

test('content-line helpers: escapes, splitting, carets, folding by octets', () => {
  assert.equal(unescapeText('a\\,b\\;c\\\\d\\ne\\Nf'), 'a,b;c\\d\ne\nf');
  assert.deepEqual(splitEscaped('a\\;b;c;;d', ';'), ['a\\;b', 'c', '', 'd']);
  assert.equal(escapeText('a,b;c\\d\ne'), 'a\\,b\\;c\\\\d\\ne');
  assert.equal(formatParamValue('a "b"\nc'), "a ^'b^'^nc");
  assert.equal(formatParamValue('geo:1,2'), '"geo:1,2"');
  // 80 × "é" (2 octets each): no physical line may exceed 75 octets, and unfolding restores the text.
  const folded = foldLine('N:' + 'é'.repeat(80));
  const parts = folded.split('\r\n');
  for (const [i, p] of parts.entries()) assert.ok(Buffer.byteLength(p) <= 75, `line ${i} is ${Buffer.byteLength(p)} octets`);
  assert.equal(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join(''), 'N:' + 'é'.repeat(80));
  // Surrogate pairs stay whole.
  const emoji = foldLine('NOTE:' + '😀'.repeat(30));
  assert.doesNotMatch(emoji, /[\ud800-\udbff](?![\udc00-\udfff])/);
  assert.equal(unfoldLines(emoji + '\r\n')[0]!.unfolded, 'NOTE:' + '😀'.repeat(30));
});

test('VCardCache: one parse per blob, LRU eviction, parse failures cached, load failures not', async () => {
  const cache = new VCardCache(2);
  let loads = 0;
  const bytes = (fn: string) => async () => {
    loads++;
    return new TextEncoder().encode(`BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${fn}\r\nUID:${fn}\r\nEND:VCARD\r\n`);
  };
  const [a1, a2] = await Promise.all([cache.get('a', bytes('A')), cache.get('a', bytes('A'))]);
  assert.equal(a1, a2);
  assert.equal(loads, 1);
  await cache.get('b', bytes('B'));
  await cache.get('a', bytes('A')); // refresh a
  await cache.get('c', bytes('C')); // evicts b
  assert.equal(cache.has('b'), false);
  assert.equal(cache.has('a'), true);
  let badLoads = 0;
  const broken = async () => {
    badLoads++;
    return new TextEncoder().encode('not a vcard');
  };
  await assert.rejects(cache.get('bad', broken), VCardSyntaxError);
  await assert.rejects(cache.get('bad', broken), VCardSyntaxError);
  assert.equal(badLoads, 1);
  let ioFails = 0;
  const io = async (): Promise<Uint8Array> => {
    ioFails++;
    throw new Error('EIO');
  };
  await assert.rejects(cache.get('io', io), /EIO/);
  await assert.rejects(cache.get('io', io), /EIO/);
  assert.equal(ioFails, 2);
});
