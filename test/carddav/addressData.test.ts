import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DavError } from '../../src/dav/errors.js';
import { carddav } from '../../src/dav/xml/names.js';
import { parseXml } from '../../src/dav/xml/parse.js';
import {
  type AddressDataRequest,
  SUPPORTED_ADDRESS_DATA,
  parseAddressDataRequest,
  renderAddressData,
} from '../../src/carddav/addressData.js';
import { unfoldLines } from '../../src/carddav/contentLine.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'vcard');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');
const req = (xml: string) =>
  parseAddressDataRequest(parseXml(`<C:address-data xmlns:C="urn:ietf:params:xml:ns:carddav" ${xml}`));
/** Logical (unfolded) lines of a rendered card. */
const lines = (text: string) => unfoldLines(text).map((l) => l.unfolded);
const sel = (...names: Array<string | [string, 'novalue']>): AddressDataRequest => ({
  contentType: 'text/vcard',
  version: undefined,
  props: names.map((n) => {
    const [spelled, nv] = typeof n === 'string' ? [n, undefined] : n;
    const full = spelled.toUpperCase(); // as parseAddressDataRequest gives them
    const dot = full.lastIndexOf('.');
    return { name: full.slice(dot + 1), group: dot >= 0 ? full.slice(0, dot) : undefined, novalue: nv === 'novalue' };
  }),
});

test('SUPPORTED_ADDRESS_DATA advertises vCard 3.0, 4.0 and jCard', () => {
  assert.deepEqual(SUPPORTED_ADDRESS_DATA, [
    { contentType: 'text/vcard', version: '3.0' },
    { contentType: 'text/vcard', version: '4.0' },
    { contentType: 'application/vcard+json', version: '4.0' },
  ]);
});

test('address-data request: defaults, versions, allprop, prop names with groups and novalue', () => {
  assert.deepEqual(req('/>'), { contentType: 'text/vcard', version: undefined, props: undefined });
  assert.deepEqual(req('content-type="text/vcard" version="4.0"/>'), { contentType: 'text/vcard', version: '4.0', props: undefined });
  assert.deepEqual(req('content-type="application/vcard+json"/>'), { contentType: 'application/vcard+json', version: '4.0', props: undefined });
  assert.deepEqual(req('><C:allprop/></C:address-data>'), { contentType: 'text/vcard', version: undefined, props: undefined });
  assert.deepEqual(req('version="3.0"><C:prop name="item1.email"/><C:prop name="TEL" novalue="yes"/></C:address-data>'), {
    contentType: 'text/vcard',
    version: '3.0',
    props: [
      { name: 'EMAIL', group: 'ITEM1', novalue: false },
      { name: 'TEL', group: undefined, novalue: true },
    ],
  });
  const unsupported = (e: unknown) => e instanceof DavError && e.status === 403 && e.condition === carddav('supported-address-data');
  assert.throws(() => req('version="2.1"/>'), unsupported);
  assert.throws(() => req('content-type="text/html"/>'), unsupported);
  assert.throws(() => req('content-type="application/vcard+json" version="3.0"/>'), unsupported);
  const malformed = (e: unknown) => e instanceof DavError && e.status === 400;
  assert.throws(() => req('><C:allprop/><C:prop name="FN"/></C:address-data>'), malformed);
  assert.throws(() => req('><C:prop/></C:address-data>'), malformed);
  assert.throws(() => req('><C:prop name="FN" novalue="maybe"/></C:address-data>'), malformed);
});

test('no selection and the stored version: the stored text itself', () => {
  for (const name of ['apple-3.0-johnny.vcf', 'v4-zoe.vcf']) {
    const text = fixture(name);
    assert.equal(renderAddressData(text).data, text);
    assert.equal(renderAddressData(text, { contentType: 'text/vcard', version: undefined, props: undefined }).data, text);
  }
  const apple = fixture('apple-3.0-johnny.vcf');
  const r = renderAddressData(apple, { contentType: 'text/vcard', version: '3.0', props: undefined });
  assert.equal(r.data, apple);
  assert.equal(r.version, '3.0');
});

test('property selection keeps VERSION, UID, the named properties and their groups\' X- companions', () => {
  const text = fixture('apple-3.0-johnny.vcf');
  const out = renderAddressData(text, sel('FN', 'EMAIL', ['TEL', 'novalue'])).data;
  assert.deepEqual(lines(out), [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'FN:Dr. Johnny Q. Appleseed Jr.',
    'item1.EMAIL;type=INTERNET;type=pref:johnny@example.com', // kept verbatim
    'item1.X-ABLabel:_$!<Other>!$_', // companion of item1.EMAIL
    'EMAIL;type=INTERNET;type=WORK:j.appleseed@work.example',
    'TEL;TYPE=CELL,VOICE,pref:', // novalue: name and parameters, empty value
    'TEL;TYPE=IPHONE,CELL,VOICE:',
    'item2.TEL:',
    'item2.X-ABLabel:Pager\\, old',
    'UID:8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B',
    'END:VCARD',
  ]);
  assert.ok(out.endsWith('\r\n'));
  assert.doesNotMatch(out, /\n(?!$)(?<!\r\n)/); // CRLF only
});

test('a group-qualified selection takes only that group, and kept lines keep their folds', () => {
  const text = fixture('apple-3.0-johnny.vcf');
  const out = renderAddressData(text, sel('item3.ADR')).data;
  assert.ok(out.includes('item3.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United S\r\n tates\r\n'));
  assert.deepEqual(lines(out), [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'item3.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States',
    'item3.X-ABADR:us',
    'UID:8E3A2B1C-4D5E-4F60-8A7B-9C0D1E2F3A4B',
    'END:VCARD',
  ]);
});

test('partial retrieval as in RFC 6352 §8.6.4 (VERSION, UID, NICKNAME, EMAIL, FN)', () => {
  const text = fixture('v4-zoe.vcf');
  const out = renderAddressData(text, sel('VERSION', 'UID', 'NICKNAME', 'EMAIL', 'FN')).data;
  assert.deepEqual(lines(out), [
    'BEGIN:VCARD',
    'VERSION:4.0',
    'UID:urn:uuid:5f1c7e9a-0b7d-4a8e-9d2c-3e4f5a6b7c8d',
    'FN:Zoë Łukasiewicz-Yamada',
    'EMAIL;TYPE=home;PREF=1:zoe@example.org',
    'EMAIL;TYPE=work:zoe.lukasiewicz@work.example',
    'END:VCARD',
  ]);
});

test('an unparseable stored card cannot be converted: CARDDAV:supported-address-data-conversion', () => {
  assert.throws(
    () => renderAddressData('not a vcard', { contentType: 'text/vcard', version: '4.0', props: undefined }),
    (e: unknown) => e instanceof DavError && e.condition === carddav('supported-address-data-conversion'),
  );
  // Without conversion or selection the bytes are served as they are.
  assert.equal(renderAddressData('not a vcard').data, 'not a vcard');
});

test('GET Accept negotiation (RFC 6352 §5.1.1)', async () => {
  const { negotiateAddressData } = await import('../../src/carddav/addressData.js');
  assert.equal(negotiateAddressData(undefined, '3.0'), undefined);
  assert.equal(negotiateAddressData('*/*', '3.0'), undefined);
  assert.equal(negotiateAddressData('text/vcard', '4.0'), undefined);
  assert.equal(negotiateAddressData('text/vcard; version=3.0', '3.0'), undefined);
  assert.deepEqual(negotiateAddressData('text/vcard; version=4.0', '3.0'), { contentType: 'text/vcard', version: '4.0', props: undefined });
  assert.deepEqual(negotiateAddressData('application/vcard+json', '3.0'), { contentType: 'application/vcard+json', version: '4.0', props: undefined });
  // q-values: jCard preferred over the stored text; equal q keeps the stored bytes.
  assert.deepEqual(negotiateAddressData('text/vcard;q=0.5, application/vcard+json', '4.0')?.contentType, 'application/vcard+json');
  assert.equal(negotiateAddressData('text/vcard;version=4.0, text/vcard;version=3.0', '3.0'), undefined);
  assert.equal(negotiateAddressData('text/html, */*;q=0.8', '4.0'), undefined);
  assert.throws(
    () => negotiateAddressData('application/json, text/vcard;version=2.1', '3.0'),
    (e: unknown) => e instanceof DavError && e.status === 406 && e.condition === carddav('supported-address-data-conversion'),
  );
  assert.throws(() => negotiateAddressData('text/vcard;q=0', '3.0'), DavError);
});
