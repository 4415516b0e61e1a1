import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as vcard4Parse } from 'vcard4';
import { type AddressDataRequest, renderAddressData } from '../../src/carddav/addressData.js';
import { unfoldLines } from '../../src/carddav/contentLine.js';
import { basicDateTime, extendedDateTime } from '../../src/carddav/convert.js';
import { parseVCard } from '../../src/carddav/parse.js';
import { validateVCard } from '../../src/carddav/validate.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'vcard');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');
const lines = (text: string) => unfoldLines(text).map((l) => l.unfolded);
const as = (version: '3.0' | '4.0'): AddressDataRequest => ({ contentType: 'text/vcard', version, props: undefined });
const jcard: AddressDataRequest = { contentType: 'application/vcard+json', version: '4.0', props: undefined };
const crlf = (...ls: string[]) => ls.map((l) => l + '\r\n').join('');
/** The base64 payload of the fixture's PHOTO line, unfolded. */
const photoData = (text: string) => parseVCard(text).properties.find((p) => p.name === 'PHOTO')!.value;

test('Apple 3.0 → 4.0: every line of the Johnny fixture, by hand from RFC 2426 → RFC 6350', () => {
  const src = fixture('apple-3.0-johnny.vcf');
  const out = renderAddressData(src, as('4.0'));
  assert.equal(out.version, '4.0');
  const jpeg = photoData(src);
  assert.deepEqual(lines(out.data), [
    'BEGIN:VCARD',
    'VERSION:4.0',
    'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
    'N:Appleseed;Johnny;Q.;Dr.;Jr.',
    'FN:Dr. Johnny Q. Appleseed Jr.',
    'NICKNAME:Johnny,Apple\\, Jr.',
    'ORG:Apple Inc.;Engineering',
    'TITLE:Senior Engineer',
    'item1.EMAIL;PREF=1:johnny@example.com', // INTERNET is gone in 4.0, type=pref → PREF=1
    'item1.X-ABLabel:_$!<Other>!$_',
    'EMAIL;TYPE=work:j.appleseed@work.example',
    'TEL;TYPE=cell,voice;PREF=1:+1 (408) 555-0100',
    'TEL;TYPE=iphone,cell,voice:+1 408 555 0101',
    'item2.TEL:+1 408 555 0199',
    'item2.X-ABLabel:Pager\\, old',
    'item3.ADR;TYPE=home;PREF=1:;;1 Infinite Loop;Cupertino;CA;95014;United States',
    'item3.X-ABADR:us',
    'item4.URL;PREF=1:https://example.com/johnny',
    'item4.X-ABLabel:_$!<HomePage>!$_',
    'BDAY:19850412', // VALUE=date dropped, basic format
    'NOTE:Met at WWDC\\, 2019 in San José.\\nLikes apples\\; dislikes pears. This note is long enough to be folded more than once by the client.',
    'CATEGORIES:Friends,WWDC',
    'X-SOCIALPROFILE;TYPE=twitter:https://twitter.com/johnny', // parameter names are written upper-case
    `PHOTO:data:image/jpeg;base64,${jpeg}`,
    'UID:8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B',
    'REV:20240301T091500Z',
    'END:VCARD',
  ]);
  for (const l of out.data.split('\r\n')) assert.ok(Buffer.byteLength(l) <= 75, `over 75 octets: ${l}`);
  // Independent checks: vcard4's strict 4.0 parser and our own upload validation accept it.
  assert.doesNotThrow(() => vcard4Parse(out.data));
  assert.equal(validateVCard(new TextEncoder().encode(out.data), { maxResourceSize: 1e6 }).version, '4.0');
});

test('Apple 3.0 group → 4.0 KIND:group with MEMBERs (and back)', () => {
  const out = renderAddressData(fixture('apple-3.0-group.vcf'), as('4.0')).data;
  assert.deepEqual(lines(out), [
    'BEGIN:VCARD',
    'VERSION:4.0',
    'PRODID:-//Apple Inc.//AddressBook 6.1//EN',
    'N:Book Club;;;;', // padded to N's five components
    'FN:Book Club',
    'KIND:group',
    'MEMBER:urn:uuid:8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B',
    'MEMBER:urn:uuid:2C1D6E0F-7A8B-4C9D-8E1F-A2B3C4D5E6F7',
    'REV:20240302T100000Z',
    'UID:B00C1B00-1111-4222-8333-444455556666',
    'END:VCARD',
  ]);
  assert.doesNotThrow(() => vcard4Parse(out));
  const back = parseVCard(renderAddressData(out, as('3.0')).data);
  assert.equal(back.version, '3.0');
  assert.equal(back.kind, 'group');
  assert.deepEqual(back.members, parseVCard(fixture('apple-3.0-group.vcf')).members);
});

test('3.0 → 4.0 edge mappings: year-less Apple BDAY, LABEL, GEO, TZ, SORT-STRING, removed properties', () => {
  const src = crlf(
    'BEGIN:VCARD', 'VERSION:3.0', 'N:Doe;Jane;;;', 'FN:Jane Doe', 'SORT-STRING:Doe', 'BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12',
    'ADR;TYPE=HOME;TYPE=POSTAL:;;1 Main St;Town;;123;Land', 'LABEL;TYPE=HOME:1 Main St\\nTown', 'GEO:37.386013;-122.082932',
    'TZ:-05:00', 'MAILER:PigeonMail', 'CLASS:PUBLIC', 'NAME:Jane', 'EMAIL;TYPE=INTERNET,X400:jane@example.com', 'UID:jane', 'END:VCARD',
  );
  assert.deepEqual(lines(renderAddressData(src, as('4.0')).data), [
    'BEGIN:VCARD',
    'VERSION:4.0',
    'N;SORT-AS=Doe:Doe;Jane;;;',
    'FN:Jane Doe',
    'BDAY:--0412',
    'ADR;TYPE=home;LABEL=1 Main St^nTown:;;1 Main St;Town;;123;Land', // POSTAL removed in 4.0
    'GEO:geo:37.386013,-122.082932',
    'TZ;VALUE=utc-offset:-0500',
    'EMAIL:jane@example.com',
    'UID:jane',
    'END:VCARD',
  ]);
});

test('4.0 → 3.0: every line of the Zoë fixture', () => {
  const src = fixture('v4-zoe.vcf');
  const out = renderAddressData(src, as('3.0'));
  assert.equal(out.version, '3.0');
  const png = photoData(src).replace(/^data:image\/png;base64,/, '');
  assert.deepEqual(lines(out.data), [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'PRODID:-//Kalends//fixtures//EN',
    'UID:urn:uuid:5f1c7e9a-0b7d-4a8e-9d2c-3e4f5a6b7c8d',
    // KIND:individual is 3.0's default and is not written
    'FN:Zoë Łukasiewicz-Yamada',
    'N:Łukasiewicz-Yamada;Zoë;;;',
    'GENDER:F',
    'LANG;TYPE=pref:fr',
    'LANG:en',
    'EMAIL;TYPE=HOME,pref:zoe@example.org',
    'EMAIL;TYPE=WORK:zoe.lukasiewicz@work.example',
    'TEL;TYPE=VOICE,CELL,pref:+33-6-12-34-56-78',
    'TEL;TYPE=WORK:+48-22-123-45-67 ext. 89',
    'ADR;TYPE=HOME:;;12 rue des Lilas;Paris;;75011;France',
    'LABEL;TYPE=HOME:12 rue des Lilas\\n75011 Paris\\nFrance',
    'ADR;TYPE=WORK:;Piętro 3;ul. Marszałkowska 1;Warszawa;;00-001;Polska',
    `PHOTO;ENCODING=b;TYPE=PNG:${png}`,
    'BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12',
    'X-ANNIVERSARY:2015-06-20',
    'NOTE:Prefers French. Ça va? Zoë’s notes are long and full of non-ASCII — «ünïcödé» — so the fold lands inside multi-byte characters.',
    'CATEGORIES:friends,paris',
    'REV:2024-03-01T09:15:00Z',
    'END:VCARD',
  ]);
  assert.equal(validateVCard(new TextEncoder().encode(out.data), { maxResourceSize: 1e6 }).version, '3.0');
});

test('4.0 group → 3.0 Apple group; a missing N is supplied from FN', () => {
  const out = renderAddressData(fixture('v4-group.vcf'), as('3.0')).data;
  assert.deepEqual(lines(out), [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'N:Paris friends;;;;',
    'UID:urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
    'X-ADDRESSBOOKSERVER-KIND:group',
    'FN:Paris friends',
    'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:5f1c7e9a-0b7d-4a8e-9d2c-3e4f5a6b7c8d',
    'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B',
    'END:VCARD',
  ]);
});

test('conversion then selection: a 4.0 client asking for KIND gets it from Apple\'s X- property', () => {
  const out = renderAddressData(fixture('apple-3.0-group.vcf'), {
    contentType: 'text/vcard',
    version: '4.0',
    props: [{ name: 'KIND', group: undefined, novalue: false }],
  }).data;
  assert.deepEqual(lines(out), ['BEGIN:VCARD', 'VERSION:4.0', 'KIND:group', 'UID:B00C1B00-1111-4222-8333-444455556666', 'END:VCARD']);
});

test('jCard (RFC 7095) of a 4.0 card: ["vcard", [[name, params, type, value...]]]', () => {
  const out = renderAddressData(fixture('v4-zoe.vcf'), jcard);
  assert.equal(out.contentType, 'application/vcard+json');
  const j = JSON.parse(out.data) as [string, unknown[][]];
  assert.equal(j.length, 2);
  assert.equal(j[0], 'vcard');
  const props = j[1];
  const find = (name: string, n = 0) => props.filter((p) => p[0] === name)[n];
  assert.deepEqual(props[0], ['version', {}, 'text', '4.0']);
  assert.deepEqual(find('prodid'), ['prodid', {}, 'text', '-//Kalends//fixtures//EN']);
  assert.deepEqual(find('fn'), ['fn', {}, 'text', 'Zoë Łukasiewicz-Yamada']);
  assert.deepEqual(find('n'), ['n', {}, 'text', ['Łukasiewicz-Yamada', 'Zoë', '', '', '']]); // §3.3.1.3 structured
  assert.deepEqual(find('tel'), ['tel', { type: ['voice', 'cell'], pref: '1' }, 'uri', 'tel:+33-6-12-34-56-78']);
  assert.deepEqual(find('adr'), [
    'adr',
    { type: 'home', label: '12 rue des Lilas\n75011 Paris\nFrance' },
    'text',
    ['', '', '12 rue des Lilas', 'Paris', '', '75011', 'France'],
  ]);
  assert.deepEqual(find('bday'), ['bday', {}, 'date-and-or-time', '--04-12']); // §3.5.3 extended form
  assert.deepEqual(find('rev'), ['rev', {}, 'timestamp', '2024-03-01T09:15:00Z']);
  assert.deepEqual(find('lang', 1), ['lang', { pref: '2' }, 'language-tag', 'en']);
  assert.deepEqual(find('categories'), ['categories', {}, 'text', 'friends', 'paris']); // §3.3.1.2 multi-valued
});

test('jCard of an Apple 3.0 card with selection: groups become the "group" parameter', () => {
  const out = renderAddressData(fixture('apple-3.0-johnny.vcf'), {
    contentType: 'application/vcard+json',
    version: '4.0',
    props: [
      { name: 'EMAIL', group: undefined, novalue: false },
      { name: 'BDAY', group: undefined, novalue: true },
    ],
  });
  assert.deepEqual(JSON.parse(out.data), [
    'vcard',
    [
      ['version', {}, 'text', '4.0'],
      ['email', { pref: '1', group: 'item1' }, 'text', 'johnny@example.com'],
      ['x-ablabel', { group: 'item1' }, 'unknown', '_$!<Other>!$_'], // X- properties are "unknown" (§5)
      ['email', { type: 'work' }, 'text', 'j.appleseed@work.example'],
      ['bday', {}, 'date-and-or-time', ''],
      ['uid', {}, 'text', '8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B'],
    ],
  ]);
});

test('date form helpers', () => {
  assert.equal(basicDateTime('1985-04-12'), '19850412');
  assert.equal(basicDateTime('2024-03-01T09:15:00Z'), '20240301T091500Z');
  assert.equal(basicDateTime('2024-03-01T09:15:00+05:30'), '20240301T091500+0530');
  assert.equal(basicDateTime('--0412'), '--0412');
  assert.equal(extendedDateTime('19850412'), '1985-04-12');
  assert.equal(extendedDateTime('20240301T091500Z'), '2024-03-01T09:15:00Z');
  assert.equal(extendedDateTime('20240301T091500-0800'), '2024-03-01T09:15:00-08:00');
  assert.equal(extendedDateTime('circa 1800'), 'circa 1800');
});

test('cards carrying both KIND spellings convert without duplicates', () => {
  const both3 = crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:Team', 'FN:Team', 'KIND:group', 'X-ADDRESSBOOKSERVER-KIND:group',
    'MEMBER:urn:uuid:a', 'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:a', 'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:b', 'UID:t', 'END:VCARD');
  assert.deepEqual(lines(renderAddressData(both3, as('4.0')).data), [
    'BEGIN:VCARD', 'VERSION:4.0', 'N:Team;;;;', 'FN:Team', 'KIND:group', 'MEMBER:urn:uuid:a', 'MEMBER:urn:uuid:b', 'UID:t', 'END:VCARD',
  ]);
  const both4 = crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Team', 'KIND:group', 'X-ADDRESSBOOKSERVER-KIND:group', 'MEMBER:urn:uuid:a', 'UID:t', 'END:VCARD');
  assert.deepEqual(lines(renderAddressData(both4, as('3.0')).data), [
    'BEGIN:VCARD', 'VERSION:3.0', 'N:Team;;;;', 'FN:Team', 'X-ADDRESSBOOKSERVER-KIND:group', 'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:a', 'UID:t', 'END:VCARD',
  ]);
});
